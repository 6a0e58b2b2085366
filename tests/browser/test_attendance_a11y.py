"""The attendance pages: WCAG 2.1 AA in Swedish and English at desktop and phone width, in each of
their states; and checking people in on a phone without JavaScript."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
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
ORGANISER = "Olle Organisatör"


def _seed_attendance(ids: dict) -> dict:
    """The shared data, plus registrations, a waiting list, attendance and a meeting about to start."""
    from meetings.domain.attendance import add_walk_in, check_in
    from meetings.domain.registration import register
    from meetings.extensions import db
    from meetings.models import (
        Forum,
        Meeting,
        MeetingFormat,
        MeetingStatus,
        Organisation,
        ParticipationMode,
        Person,
        utcnow,
    )

    meeting = db.session.get(Meeting, ids["upcoming"])
    meeting.capacity = 3
    association = db.session.get(Organisation, ids["association"])
    representative = db.session.get(Person, ids["representative"])
    people = [Person(email=f"{login}@example.org", name=name) for login, name in (
        ("anna", "Anna Andersson"), ("bjorn", "Björn Berg"), ("cecilia", "Cecilia Ek"), ("david", "David Dahl"),
        ("erik", "Erik Åström"))]
    db.session.add_all(people)
    db.session.commit()
    anna, bjorn, cecilia, david, erik = people

    rut = register(meeting, representative, ParticipationMode.ON_SITE, organisation=association,
                   dietary_needs="Vegetarisk", access_needs="Hörslinga", show_name_publicly=True, notify=False)
    anna_registration = register(meeting, anna, ParticipationMode.ON_SITE, notify=False).registration
    register(meeting, bjorn, ParticipationMode.ONLINE, notify=False)
    cecilia_registered = register(meeting, cecilia, ParticipationMode.ONLINE, access_needs="Teckenspråkstolk",
                                  notify=False)
    register(meeting, david, ParticipationMode.ON_SITE, notify=False)
    register(meeting, erik, ParticipationMode.ON_SITE, notify=False)  # the waiting list
    check_in(anna_registration, ParticipationMode.ON_SITE)
    add_walk_in(meeting, "Gun Gran", "Byaföreningen i Kåge", ParticipationMode.ON_SITE)

    # A digital meeting about to start: online participants can confirm now.
    forum = db.session.scalar(db.select(Forum).where(Forum.slug == ids["forum"]))
    soon = utcnow() + timedelta(minutes=10)
    starting = Meeting(forum=forum, title="Digitalt avstämningsmöte", starts_at=soon, ends_at=soon + timedelta(hours=1),
                       format=MeetingFormat.DIGITAL, online_url="https://meet.example.org/avstamning",
                       status=MeetingStatus.PUBLISHED)
    db.session.add(starting)
    db.session.commit()
    confirming = register(starting, anna, ParticipationMode.ONLINE, notify=False)
    confirmed = register(starting, bjorn, ParticipationMode.ONLINE, notify=False)
    from meetings.domain.attendance import self_confirm_online

    self_confirm_online(confirmed.registration)
    return {**ids, "rut_code": rut.registration.code, "anna_code": anna_registration.code,
            "early_token": cecilia_registered.manage_token, "open_token": confirming.manage_token,
            "done_token": confirmed.manage_token}


@pytest.fixture(scope="module")
def site(tmp_path_factory, _database_for_session) -> Iterator[Site]:
    """As the shared live server (tests/browser/conftest.py), with registrations and attendance."""
    with live_site(tmp_path_factory, _database_for_session, "attendance",
                   lambda: _seed_attendance(_seed()), base_url_while_seeding=True) as served:
        yield served


def type_a_wrong_code(page) -> None:
    page.locator("input[name=code]").fill("zz zz")
    page.locator("input[name=code]").press("Enter")
    page.wait_for_load_state()
    assert page.locator("input[name=code][aria-invalid=true]").count() == 1, "the form showed no error"


def add_a_walk_in_without_a_name(page) -> None:
    page.locator("input[name=organisation]").fill("Byaföreningen")
    page.locator("form[action$='/walk-ins'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("input[name=name][aria-invalid=true]").count() == 1, "the form showed no error"


def check_in_from_the_list(page) -> None:
    page.locator("form[action$='/check-in'] button[name=mode]").first.click()
    page.wait_for_load_state()
    assert page.locator(".messages").count() == 1, "no confirmation was shown"


@dataclass(frozen=True)
class Screen:
    name: str
    path: Callable[[dict], str]
    signed_in_as: str | None = ORGANISER
    status: int = 200
    then: Callable | None = None


SCREENS = [
    Screen("check-in-list", lambda ids: f"/meetings/{ids['upcoming']}/check-in"),
    Screen("check-in-list-searched", lambda ids: f"/meetings/{ids['upcoming']}/check-in?q=Rut"),
    Screen("check-in-list-no-match", lambda ids: f"/meetings/{ids['upcoming']}/check-in?q=xyzzy"),
    Screen("check-in-list-after-check-in", lambda ids: f"/meetings/{ids['upcoming']}/check-in",
           then=check_in_from_the_list),
    Screen("check-in-code-error", lambda ids: f"/meetings/{ids['upcoming']}/check-in", then=type_a_wrong_code),
    Screen("check-in-walk-in-error", lambda ids: f"/meetings/{ids['upcoming']}/check-in",
           then=add_a_walk_in_without_a_name),
    Screen("qr-code-page", lambda ids: f"/meetings/{ids['upcoming']}/check-in/{ids['rut_code']}"),
    Screen("qr-code-page-already-checked-in", lambda ids: f"/meetings/{ids['upcoming']}/check-in/{ids['anna_code']}"),
    Screen("qr-code-unknown", lambda ids: f"/meetings/{ids['upcoming']}/check-in/ZZZZZZ", status=404),
    Screen("participants", lambda ids: f"/meetings/{ids['upcoming']}/participants"),
    Screen("sign-in-sheet", lambda ids: f"/meetings/{ids['upcoming']}/sign-in-sheet"),
    Screen("self-confirm-too-early", lambda ids: f"/registrations/{ids['early_token']}/present", signed_in_as=None),
    Screen("self-confirm-open", lambda ids: f"/registrations/{ids['open_token']}/present", signed_in_as=None),
    Screen("self-confirm-recorded", lambda ids: f"/registrations/{ids['done_token']}/present", signed_in_as=None),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("screen", SCREENS, ids=lambda screen: screen.name)
def test_attendance_pages_pass_axe_and_fit_a_phone(new_page, site, screen, language):
    page = open_checked(new_page, site, site(screen.path(site.ids)), language, signed_in_as=screen.signed_in_as,
                        status=screen.status, then=screen.then)
    assert_accessible(page, f"{screen.name} in {language}")


def test_checking_in_on_a_phone_without_javascript(new_page, site):
    page = new_page(language="en", javascript=False, viewport=PHONE)
    sign_in_as(page, site, ORGANISER)
    page.goto(site(f"/meetings/{site.ids['upcoming']}/check-in"))
    page.get_by_label("Search by name, organisation or code").fill("DAVID")
    with page.expect_navigation():
        page.get_by_role("button", name="Search", exact=True).click()
    registered = page.get_by_role("region", name="Registered participants").locator(".checkin-item")
    expect(registered).to_have_count(1)
    david = registered.filter(has_text="David Dahl")
    david.get_by_role("button", name="Present on site – David Dahl").click()
    expect(page.locator(".messages")).to_contain_text("David Dahl is checked in (On site).")
    expect(page.get_by_label("Search by name, organisation or code")).to_have_value("DAVID")
    expect(david).to_contain_text("Present (On site) since")

    page.get_by_label("Name", exact=True).fill("Hanna Holm")
    page.get_by_label("Organisation (optional)").fill("Kiruna hembygdsförening")
    page.get_by_role("button", name="Add walk-in").click()
    expect(page.locator(".messages")).to_contain_text("Hanna Holm was added as a walk-in.")
    expect(page.locator("#walk-ins + .checkin-list")).to_contain_text("Kiruna hembygdsförening")
