"""The meeting page and the organisers' meeting pages: WCAG 2.1 AA in Swedish and English, at desktop
and phone width; and an organiser plans and publishes a meeting in a browser without JavaScript."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from meetings.testing import _empty_all_tables, _psycopg_url

from .conftest import _seed
from .support import (
    DESKTOP,
    PHONE,
    Site,
    axe_violations,
    describe_violations,
    horizontal_overflow,
    html_lang,
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
    from werkzeug.serving import make_server

    from meetings import create_app
    from meetings.extensions import db

    url = _database_for_session or f"sqlite:///{tmp_path_factory.mktemp('meetings') / 'meetings.sqlite3'}"
    if url.startswith("postgresql://"):
        url = _psycopg_url(url)
    app = create_app({
        "MEETINGS_ENV": "testing", "SECRET_KEY": "meetings-browser-test-secret-key", "DATABASE_URL": url,
        "DEMO_MODE": True, "MAIL_BACKEND": "demo", "RATELIMIT_STORAGE_URI": "memory://",
    })
    with app.app_context():
        db.create_all()
    _empty_all_tables(app)
    with app.app_context():
        ids = _seed_meetings(_seed())

    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, name="meetings-test-server", daemon=True)
    thread.start()
    try:
        yield Site(url=base_url, ids=ids)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        _empty_all_tables(app)


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


@dataclass(frozen=True)
class Screen:
    name: str
    path: Callable[[dict], str]
    signed_in_as: str | None = None
    then: Callable | None = None


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
    page = new_page(language=language)
    if screen.signed_in_as:
        sign_in_as(page, site, screen.signed_in_as)
    response = page.goto(site(screen.path(site.ids)))
    assert response is not None and response.status == 200
    if screen.then:
        screen.then(page)
    assert html_lang(page) == language
    assert page.locator("h1").count() == 1

    problems = []
    violations = axe_violations(page)
    if violations:
        problems.append(f"at {DESKTOP['width']}px:\n{describe_violations(violations)}")
    page.set_viewport_size(PHONE)
    overflow = horizontal_overflow(page)
    if overflow > 0:
        problems.append(f"at {PHONE['width']}px the page scrolls sideways by {overflow}px")
    violations = axe_violations(page)
    if violations:
        problems.append(f"at {PHONE['width']}px:\n{describe_violations(violations)}")
    assert not problems, f"{screen.name} in {language}: " + "\n".join(problems)


def test_the_registrant_sees_the_link_and_the_visitor_does_not(new_page, site):
    link = "https://meet.example.org/folkhalsa"
    visitor = new_page(language="en")
    visitor.goto(site(f"/meetings/{site.ids['upcoming']}"))
    assert link not in visitor.content()
    assert visitor.get_by_role("link", name="Sign in to register").count() == 1
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
