"""The accessibility statement, the privacy notice and a meeting page with its contact person: WCAG 2.1
AA in Swedish and English, at desktop and phone width; the footer's links work without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .conftest import _seed
from .support import PHONE_WIDTHS, Site, assert_accessible, live_site, open_checked

pytestmark = pytest.mark.browser

LANGUAGES = ["sv", "en"]
SETTINGS = {"SITE_OPERATOR": "Region Norrbotten", "SITE_OPERATOR_EMAIL": "dialog@norrbotten.example.se",
            "ACCESSIBILITY_KNOWN_GAPS": "Protokoll som pdf från före 2025 saknar taggar för skärmläsare."}


def _seed_contact(ids: dict) -> dict:
    from meetings.extensions import db
    from meetings.models import Meeting

    upcoming = db.session.get(Meeting, ids["upcoming"])
    upcoming.contact_name, upcoming.contact_email = "Sara Lundberg", "sara.lundberg@norrbotten.example.se"
    upcoming.contact_phone = "070-174 06 13"
    db.session.commit()
    return ids


@pytest.fixture(scope="module")
def site(tmp_path_factory, _database_for_session) -> Iterator[Site]:
    with live_site(tmp_path_factory, _database_for_session, "identity", lambda: _seed_contact(_seed()),
                   settings=SETTINGS) as served:
        yield served


SCREENS = {
    "accessibility-statement": lambda ids: "/accessibility",
    "privacy-notice": lambda ids: "/privacy",
    "meeting-with-its-contact": lambda ids: f"/meetings/{ids['upcoming']}",
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_the_law_pages_and_the_contact_pass_axe_and_fit_a_phone(new_page, site, screen, language):
    page = open_checked(new_page, site, site(SCREENS[screen](site.ids)), language)
    assert_accessible(page, f"{screen} in {language}", widths=PHONE_WIDTHS)


def test_the_footer_leads_to_both_pages_without_javascript(new_page, site):
    page = new_page(language="en", javascript=False)
    page.goto(site(f"/meetings/{site.ids['upcoming']}"))
    assert page.get_by_role("link", name="sara.lundberg@norrbotten.example.se").get_attribute("href") == \
        "mailto:sara.lundberg@norrbotten.example.se"
    page.get_by_role("navigation", name="About the service").get_by_role("link", name="Accessibility").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Accessibility of Dialogue meetings"
    assert page.get_by_role("link", name="Accessibility", exact=True).get_attribute("aria-current") == "page"
    footer = page.get_by_role("navigation", name="About the service")
    footer.get_by_role("link", name="Privacy and personal data").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Privacy and personal data"
