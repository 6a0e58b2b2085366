"""The programme pages (the yearly meeting place): WCAG 2.1 AA in Swedish and English at desktop and
phone width, with choices made, a waiting place, and errors shown; and choosing sessions without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from .conftest import _seed
from .support import (
    PHONE,
    Site,
    assert_accessible,
    live_site,
    open_checked,
    sign_in_as,
)

pytestmark = pytest.mark.browser

LANGUAGES = ["sv", "en"]


def _seed_programme(ids: dict) -> dict:
    """The shared data, plus a two-day meeting place with a programme, registrations and choices."""
    from meetings.domain.registration import register
    from meetings.domain.sessions import choose_sessions
    from meetings.extensions import db
    from meetings.models import (
        Forum,
        Meeting,
        MeetingFormat,
        MeetingSession,
        MeetingStatus,
        ParticipationMode,
        Person,
        utcnow,
    )

    forum = db.session.scalar(db.select(Forum).where(Forum.slug == ids["forum"]))
    start = (utcnow() + timedelta(days=40)).replace(hour=7, minute=0, second=0, microsecond=0)
    meeting = Meeting(forum=forum, title="Mötesplats Norrbotten", starts_at=start,
                      ends_at=start + timedelta(days=1, hours=8), format=MeetingFormat.HYBRID,
                      venue_name="Kulturens hus", venue_address="Skeppsbrogatan 17",
                      online_url="https://meet.example.org/motesplats", status=MeetingStatus.PUBLISHED,
                      description="Länets årliga mötesplats för civilsamhället och det offentliga.")
    db.session.add(meeting)
    db.session.flush()

    def session(title, hours, length, capacity, fmt=MeetingFormat.ON_SITE, room="", description=""):
        item = MeetingSession(meeting_id=meeting.id, title=title, starts_at=start + timedelta(hours=hours),
                              ends_at=start + timedelta(hours=hours + length), capacity=capacity, format=fmt,
                              room=room, description=description)
        db.session.add(item)
        db.session.flush()
        return item.id

    health = session("Folkhälsa i glesbygd", 2, 1, 1, MeetingFormat.HYBRID, "Sal 1",
                     "Hur når vi **byaföreningarna**?\n\n- Erfarenheter från Pajala\n- Samtal i grupp")
    session("Unga och föreningslivet", 2, 1, None, room="Sal 2")
    preparedness = session("Frivilliga i beredskap", 3.5, 1.5, 20, room="Stora salen")
    session("Digitalt samråd om kulturplanen", 26, 1, 50, MeetingFormat.DIGITAL)

    representative = db.session.get(Person, ids["representative"])
    admin = db.session.get(Person, ids["admin"])
    guest = Person(email="nils@byn.example", name="Nils Nilsson")
    db.session.add(guest)
    db.session.commit()
    on_site = ParticipationMode.ON_SITE
    first = register(meeting, admin, on_site, notify=False).registration
    choose_sessions(first, [health])
    rut = register(meeting, representative, on_site, notify=False).registration
    choose_sessions(rut, [health, preparedness])  # a place in one, the waiting list of the other
    token = register(meeting, guest, ParticipationMode.ONLINE, notify=False).manage_token
    from meetings.domain.invitations import invitation_token, invite_emails

    (invitation,) = invite_emails(meeting, ["eva@hembygd.example"], None).new
    return {**ids, "programme": meeting.id, "health": health, "preparedness": preparedness, "guest_token": token,
            "invitation_token": invitation_token(invitation)}


@pytest.fixture(scope="module")
def site(tmp_path_factory, _database_for_session) -> Iterator[Site]:
    """As the shared live server (tests/browser/conftest.py), with a meeting place and its programme."""
    with live_site(tmp_path_factory, _database_for_session, "sessions",
                   lambda: _seed_programme(_seed())) as served:
        yield served


def submit(page) -> None:
    """Send the page's main form, found by its place so that it works in every language."""
    with page.expect_navigation():
        page.locator("main form[method='post'] button[type='submit']").first.click()


def with_add_errors(page) -> None:
    page.locator("#title").fill("")
    page.locator("#capacity").fill("0")
    submit(page)


def with_overlap(page) -> None:
    page.locator("input[name='sessions']").nth(1).check()  # at the same time as the first, already chosen
    submit(page)


# name: (path, signed in as, what to do before checking, expected status)
SCREENS = {
    "programme-public": (lambda ids: f"/meetings/{ids['programme']}/programme-public", None, None, 200),
    "programme-empty": (lambda ids: f"/meetings/{ids['upcoming']}/programme-public", None, None, 200),
    "manage": (lambda ids: f"/meetings/{ids['programme']}/programme", "Olle Organisatör", None, 200),
    "manage-with-errors": (lambda ids: f"/meetings/{ids['programme']}/programme", "Olle Organisatör",
                           with_add_errors, 200),
    "edit-with-waiting-list": (lambda ids: f"/meetings/{ids['programme']}/programme/{ids['health']}",
                               "Olle Organisatör", None, 200),
    "choose": (lambda ids: f"/meetings/{ids['programme']}/programme/choose", "Rut Representant", None, 200),
    "choose-overlap": (lambda ids: f"/meetings/{ids['programme']}/programme/choose", "Rut Representant",
                       with_overlap, 200),
    "choose-not-registered": (lambda ids: f"/meetings/{ids['upcoming']}/programme/choose", "Rut Representant",
                              None, 200),
    "choose-by-link": (lambda ids: f"/registrations/{ids['guest_token']}/sessions", None, None, 200),
    "invitation-answer-with-sessions": (lambda ids: f"/invitation/{ids['invitation_token']}", None, None, 200),
    "invitation-answer-with-an-overlap": (lambda ids: f"/invitation/{ids['invitation_token']}", None,
                                          lambda page: answer_with_an_overlap(page), 200),
}


def answer_with_an_overlap(page) -> None:
    page.locator("input[name='answer'][value='yes']").check()
    page.locator("input[name='attendees-0-name']").fill("Eva Ek")
    page.locator("input[name='attendees-0-mode'][value='on_site']").check()
    page.locator("input[name='attendees-0-sessions']").nth(0).check()
    page.locator("input[name='attendees-0-sessions']").nth(1).check()  # at the same time
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert page.locator("#attendees-0-sessions-error").count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(SCREENS))
def test_programme_pages_pass_axe_and_fit_a_phone(new_page, site, name, language):
    path, signed_in_as, action, status = SCREENS[name]
    page = open_checked(new_page, site, site(path(site.ids)), language, signed_in_as=signed_in_as, status=status,
                        then=action)
    assert_accessible(page, f"{name} in {language}")


def test_errors_are_announced_beside_their_fields(new_page, site):
    page = new_page(language="en")
    sign_in_as(page, site, "Rut Representant")
    page.goto(site(f"/meetings/{site.ids['programme']}/programme/choose"))
    page.get_by_label("Unga och föreningslivet").check()
    page.get_by_role("button", name="Save my sessions").click()
    expect(page.get_by_role("alert")).to_contain_text("are at the same time")
    expect(page.get_by_label("Unga och föreningslivet")).to_be_checked()  # the choice is shown again
    expect(page).to_have_title("Error: Choose sessions: Mötesplats Norrbotten – Dialogue meetings")


def test_choosing_by_the_emailed_link_works_without_javascript(new_page, site):
    page = new_page(language="en", javascript=False, viewport=PHONE)
    page.goto(site(f"/registrations/{site.ids['guest_token']}/sessions"))
    page.get_by_label("Digitalt samråd om kulturplanen").check()
    page.get_by_label("Folkhälsa i glesbygd").check()
    page.get_by_role("button", name="Save my sessions").click()
    expect(page.get_by_role("status")).to_contain_text("Your choice of sessions is saved.")
    expect(page.get_by_label("Digitalt samråd om kulturplanen")).to_be_checked()
    hints = page.locator(".hint").all_inner_texts()
    assert any("You have a place" in hint for hint in hints)
    assert any("You are number 2 on the waiting list" in hint for hint in hints)
