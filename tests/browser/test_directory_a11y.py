"""The meetings directory, the forum catalogue and the calendar pages they lead to, in a real browser:
axe-core's WCAG 2.1 A/AA rules in Swedish and English at desktop and phone width, with results, empty
and with a wrong value; and filtering and paging without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import _seed
from .support import PHONE_WIDTHS, Screen, Site, assert_accessible, live_site, open_checked

pytestmark = pytest.mark.browser

LANGUAGES = ["sv", "en"]
REPRESENTATIVE = "Rut Representant"


def _seed_directory(ids: dict) -> dict:
    """The shared data, plus 24 more coming meetings of the (county-wide) forum: three pages."""
    from meetings.extensions import db
    from meetings.models import Forum, Meeting, MeetingFormat, MeetingStatus, utcnow

    forum = db.session.get(Forum, db.session.query(Forum.id).filter(Forum.slug == ids["forum"]).scalar())
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    for number in range(24):
        starts = now + timedelta(days=40 + number)
        db.session.add(Meeting(forum=forum, title=f"Träff {number + 1} om folkhälsa", starts_at=starts,
                               ends_at=starts + timedelta(hours=2), status=MeetingStatus.PUBLISHED,
                               format=MeetingFormat.DIGITAL, online_url="https://meet.example.org/traff"))
    db.session.commit()
    return ids


@pytest.fixture(scope="module")
def site(tmp_path_factory, _database_for_session) -> Iterator[Site]:
    with live_site(tmp_path_factory, _database_for_session, "directory",
                   lambda: _seed_directory(_seed())) as served:
        yield served


def make_my_address(page) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert page.locator("#personal-url").count() == 1, "the address is not shown"


SCREENS = [
    Screen("directory", lambda ids: "/meetings"),
    Screen("directory-page-2", lambda ids: "/meetings?page=2"),
    Screen("directory-past", lambda ids: "/meetings?when=past"),
    Screen("directory-filtered", lambda ids: "/meetings?municipality=2581&area=folkhalsa&mode=online&open=1"),
    Screen("directory-nothing-found", lambda ids: "/meetings?from=2001-01-01&to=2001-01-02&mode=on_site"),
    Screen("directory-wrong-values", lambda ids: "/meetings?municipality=9999&from=igar&page=-5"),
    Screen("directory-page-past-the-end", lambda ids: "/meetings?page=1000000000"),
    Screen("directory-signed-in", lambda ids: "/meetings", signed_in_as=REPRESENTATIVE),
    Screen("forum-catalogue", lambda ids: "/forums"),
    Screen("forum-catalogue-by-municipality", lambda ids: "/forums?municipality=2581"),
    Screen("forum-with-its-feed", lambda ids: f"/forums/{ids['forum']}"),
    Screen("personal-calendar", lambda ids: "/calendar/personal", signed_in_as=REPRESENTATIVE,
           then=make_my_address),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("screen", SCREENS, ids=lambda screen: screen.name)
def test_directory_page_passes_axe_and_fits_a_phone(new_page, site, screen, language):
    page = open_checked(new_page, site, site(screen.path(site.ids)), language, signed_in_as=screen.signed_in_as,
                        then=screen.then)
    assert_accessible(page, f"{screen.name} in {language}", widths=PHONE_WIDTHS)


def test_filtering_and_paging_work_without_javascript_and_keep_the_filters(new_page, site):
    page = new_page(language="en", javascript=False)
    page.goto(site("/meetings"))
    page.locator("details.filter-group summary").first.click()
    page.get_by_label("Piteå").check()
    page.get_by_label("How to take part").select_option("online")
    with page.expect_navigation():
        page.get_by_role("button", name="Show meetings").click()
    query = parse_qs(urlsplit(page.url).query)
    assert query["municipality"] == ["2581"] and query["mode"] == ["online"]
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="Träff 1 om folkhälsa", exact=True)).to_be_visible()
    expect(main.get_by_role("link", name="Dialogmöte om folkhälsa")).to_have_count(1)  # hybrid counts as online
    with page.expect_navigation():
        page.get_by_role("navigation", name="Pages of the list").get_by_role("link", name="Next page").click()
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"municipality": ["2581"], "mode": ["online"], "page": ["2"]}
    expect(page.get_by_label("Piteå")).to_be_checked()
    expect(page.get_by_label("How to take part")).to_have_value("online")
    expect(main.get_by_role("link", name="Träff 24 om folkhälsa")).to_be_visible()
