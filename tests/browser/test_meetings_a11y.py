"""The meeting page and the organisers' meeting pages: WCAG 2.1 AA in Swedish and English, at desktop
and phone width; and an organiser plans and publishes a meeting in a browser without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .conftest import _seed
from .support import (
    Screen,
    Site,
    assert_accessible,
    live_site,
    open_checked,
    sign_in_as,
)

pytestmark = pytest.mark.browser

LANGUAGES = ["sv", "en"]
ORGANISER, REPRESENTATIVE = "Olle Organisatör", "Rut Representant"


def _seed_meetings(ids: dict) -> dict:
    """The shared data, plus an agenda, a registration and a list of participants to show."""
    from meetings.domain.registration import register
    from meetings.extensions import db
    from meetings.models import AgendaItem, Meeting, Organisation, ParticipationMode, Person

    upcoming = db.session.get(Meeting, ids["upcoming"])
    db.session.add_all([
        AgendaItem(meeting=upcoming, position=0, title="Välkommen", description="Kaffe från **9.30**."),
        AgendaItem(meeting=upcoming, position=1, title="Folkhälsostrategin i korthet"),
        AgendaItem(meeting=upcoming, position=2, title="Samtal i grupper"),
    ])
    upcoming.access_info = "Entré utan trappsteg från Skeppsbrogatan. Hörslinga i salen."
    db.session.commit()
    register(upcoming, db.session.get(Person, ids["representative"]), ParticipationMode.ONLINE,
             organisation=db.session.get(Organisation, ids["association"]), show_name_publicly=True, notify=False)
    return {**ids, "agenda_item": upcoming.agenda_items[0].id}


@pytest.fixture(scope="module")
def site(tmp_path_factory, _database_for_session) -> Iterator[Site]:
    """As the shared live server (tests/browser/conftest.py), with this module's extra data."""
    with live_site(tmp_path_factory, _database_for_session, "meetings",
                   lambda: _seed_meetings(_seed())) as served:
        yield served


def submit(page) -> None:
    page.locator("main form:not(.inline-form) button[type=submit]").first.click()
    page.wait_for_load_state()


def send_the_form_empty(page) -> None:
    page.locator("input[name=title]").fill("")
    submit(page)
    assert page.locator(".error-summary").count() == 1, "the form showed no error"


def end_before_start(page) -> None:
    page.locator("input[name=ends_at]").fill("2020-01-01T10:00")
    submit(page)
    assert page.locator("input[name=ends_at][aria-invalid=true]").count() == 1, "the end time was not marked"


SCREENS = [
    Screen("meeting-for-a-visitor", lambda ids: f"/meetings/{ids['upcoming']}"),
    Screen("meeting-for-a-registrant", lambda ids: f"/meetings/{ids['upcoming']}", REPRESENTATIVE),
    Screen("meeting-for-its-organiser", lambda ids: f"/meetings/{ids['upcoming']}", ORGANISER),
    Screen("draft-for-its-organiser", lambda ids: f"/meetings/{ids['draft']}", ORGANISER),
    Screen("my-registration", lambda ids: f"/meetings/{ids['upcoming']}/my-registration", REPRESENTATIVE),
    Screen("new-meeting", lambda ids: f"/forums/{ids['forum']}/meetings/new", ORGANISER),
    Screen("new-meeting-with-errors", lambda ids: f"/forums/{ids['forum']}/meetings/new", ORGANISER,
           then=send_the_form_empty),
    Screen("edit-meeting", lambda ids: f"/meetings/{ids['upcoming']}/edit", ORGANISER),
    Screen("edit-meeting-with-an-error", lambda ids: f"/meetings/{ids['upcoming']}/edit", ORGANISER,
           then=end_before_start),
    Screen("agenda", lambda ids: f"/meetings/{ids['upcoming']}/agenda", ORGANISER),
    Screen("agenda-item", lambda ids: f"/meetings/{ids['upcoming']}/agenda/{ids['agenda_item']}", ORGANISER),
    Screen("cancel-meeting", lambda ids: f"/meetings/{ids['upcoming']}/cancel", ORGANISER),
    Screen("delete-draft", lambda ids: f"/meetings/{ids['draft']}/cancel", ORGANISER),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("screen", SCREENS, ids=lambda screen: screen.name)
def test_meeting_pages_pass_axe_and_fit_a_phone(new_page, site, screen, language):
    page = open_checked(new_page, site, site(screen.path(site.ids)), language, signed_in_as=screen.signed_in_as,
                        then=screen.then)
    assert_accessible(page, f"{screen.name} in {language}")


def test_the_registrant_sees_the_link_and_the_visitor_does_not(new_page, site):
    link = "https://meet.example.org/folkhalsa"
    visitor = new_page(language="en")
    visitor.goto(site(f"/meetings/{site.ids['upcoming']}"))
    assert link not in visitor.content()
    assert visitor.get_by_role("link", name="Register for the meeting").count() == 1  # no account needed
    assert "Rut Representant, Föreningen Läslust" in visitor.locator("main").inner_text()

    registrant = new_page(language="en")
    sign_in_as(registrant, site, REPRESENTATIVE)
    registrant.goto(site(f"/meetings/{site.ids['upcoming']}"))
    assert registrant.get_by_role("link", name=link).count() == 1


def test_an_organiser_plans_and_publishes_a_meeting_without_javascript(new_page, site):
    page = new_page(language="en", javascript=False)
    sign_in_as(page, site, ORGANISER)
    page.goto(site(f"/forums/{site.ids['forum']}"))
    page.get_by_role("link", name="Plan a new meeting").click()
    page.wait_for_load_state()
    page.get_by_label("Title").fill("Dialogmöte om friluftsliv")
    page.get_by_label("Starts").fill("2030-03-12T13:00")
    page.get_by_label("Ends").fill("2030-03-12T15:30")
    page.get_by_label("On site and online").check()
    page.get_by_label("Venue").fill("Kulturens hus")
    page.get_by_label("Municipality").select_option(label="Luleå")
    page.get_by_label("Link to the online meeting").fill("https://meet.example.org/friluftsliv")
    page.get_by_label("Seats on site").fill("30")
    submit(page)

    assert page.locator("h1").inner_text() == "Dialogmöte om friluftsliv"
    assert "12 March 2030 13:00–15:30" in page.locator("main").inner_text()
    page.get_by_role("button", name="Publish meeting").click()
    page.wait_for_load_state()
    assert page.locator(".messages").count() == 1
    meeting_path = page.url.removeprefix(site.url)

    visitor = new_page(language="en")
    response = visitor.goto(site(meeting_path))
    assert response is not None and response.status == 200
    text = visitor.locator("main").inner_text()
    assert "30 of 30 seats left" in text and "Kulturens hus, Luleå" in text
    assert "meet.example.org/friluftsliv" not in visitor.content()
