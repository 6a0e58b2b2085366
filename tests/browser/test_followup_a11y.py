"""The yearly follow-up: the public summary and the full report pass axe-core (WCAG 2.1 AA) in
Swedish and English at desktop and phone width; the charts are images that need no JavaScript,
each with a text alternative and its table, and they print."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from .conftest import _seed
from .support import PHONE, Site, assert_accessible, live_site, open_checked

pytestmark = pytest.mark.browser

LANGUAGES = ["sv", "en"]
ADMIN = "Ada Admin"


def _seed_attendance() -> dict:
    """The shared data, with people at the past meeting: so the report has figures and bars."""
    from meetings.domain.attendance import add_walk_in
    from meetings.extensions import db
    from meetings.models import Meeting, Organisation

    ids = _seed()
    past = db.session.get(Meeting, ids["past"])
    association = db.session.get(Organisation, ids["association"])
    for name in ("Kim Bybo", "Eva Hembygd", "Nils Fiskare"):
        add_walk_in(past, name, association)
    return ids


@pytest.fixture(scope="module")
def site(tmp_path_factory, _database_for_session) -> Iterator[Site]:
    with live_site(tmp_path_factory, _database_for_session, "followup", _seed_attendance) as served:
        yield served


SCREENS = {
    "public-summary": ("/followup", None),
    "public-summary-unknown-year": ("/followup?year=abc", None),
    "full-report": ("/followup/report", ADMIN),
    "full-report-empty-year": ("/followup/report?year=2005", ADMIN),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(SCREENS))
def test_follow_up_pages_pass_axe_and_fit_a_phone(new_page, site, name, language):
    path, signed_in_as = SCREENS[name]
    page = open_checked(new_page, site, site(path), language, signed_in_as=signed_in_as)
    assert_accessible(page, f"{name} in {language}")


def test_charts_show_without_javascript_and_in_print(new_page, site):
    page = new_page(language="en", javascript=False, viewport=PHONE)
    page.goto(site("/followup"))
    charts = page.locator("main figure.chart img")
    expect(charts.first).to_be_visible()
    assert charts.count() == 4
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.evaluate("img => img.complete && img.naturalWidth > 0"), "the chart did not load"
        assert (chart.get_attribute("alt") or "").startswith("Bar chart:")
        # Its table follows it in the same section.
        assert chart.locator("xpath=ancestor::section[1]//table").count() == 1
    page.emulate_media(media="print")
    expect(charts.first).to_be_visible()
    expect(page.locator("header.site-header")).to_be_hidden()
