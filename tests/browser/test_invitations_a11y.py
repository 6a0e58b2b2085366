"""The invitation pages: the organiser's overview and the answer page reached from the e-mail, checked
with axe-core (WCAG 2.1 AA) in Swedish and English at desktop and phone width, as they open, with
errors, answered and expired; and answering works without JavaScript."""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
)

pytestmark = pytest.mark.browser

LANGUAGES = ["sv", "en"]
ORGANISER = "Olle Organisatör"


def _seed_invitations(ids: dict) -> dict:
    """The shared data, with invitations in every state the pages show."""
    from meetings.domain.invitations import (
        Attendee,
        answer_invitation,
        invitation_token,
        invite_emails,
        invite_organisations,
    )
    from meetings.domain.registration import hash_token
    from meetings.extensions import db
    from meetings.models import Invitation, InvitationStatus, Meeting, Organisation, ParticipationMode, utcnow

    upcoming = db.session.get(Meeting, ids["upcoming"])
    upcoming.registration_closes_at = upcoming.starts_at - timedelta(days=1)
    db.session.commit()
    association = db.session.get(Organisation, ids["association"])
    invite_organisations(upcoming, [association], 8, None)
    invite_emails(upcoming, ["kim@byn.example", "eva@hembygd.example"], None, seats=2)
    tokens = {}
    for invitation in db.session.scalars(db.select(Invitation).where(Invitation.meeting_id == upcoming.id)):
        tokens[invitation.email or "association"] = invitation_token(invitation)
    answer_invitation(tokens["kim@byn.example"], True, [
        Attendee("Kim Bybo", "kim@byn.example", ParticipationMode.ON_SITE, dietary_needs="Glutenfritt"),
        Attendee("Eino Bybo", "eino@byn.example", ParticipationMode.ONLINE)], locale="sv")
    answer_invitation(tokens["eva@hembygd.example"], False)

    # The cancelled meeting had an invitation out before it was called off.
    cancelled = Invitation(meeting_id=ids["cancelled"], email="kim@byn.example", sent_at=utcnow(),
                           status=InvitationStatus.SENT)
    cancelled.token_hash = hash_token(invitation_token(cancelled))
    db.session.add(cancelled)
    db.session.commit()
    return {**ids, "open_token": tokens["association"], "answered_token": tokens["kim@byn.example"],
            "expired_token": invitation_token(cancelled)}


@pytest.fixture(scope="module")
def site(tmp_path_factory, _database_for_session) -> Iterator[Site]:
    """As the shared live server (tests/browser/conftest.py), with invitations added."""
    with live_site(tmp_path_factory, _database_for_session, "invitations",
                   lambda: _seed_invitations(_seed())) as served:
        yield served


def submit(page, name: str | None = None) -> None:
    button = page.locator(f"main button[name='{name}']") if name else page.locator("main form button[type=submit]")
    with page.expect_navigation():
        button.first.click()


def overview_with_a_bad_address(page) -> None:
    page.locator("textarea[name='emails-emails']").fill("kim@byn.example\ninte en adress")
    page.locator("form[action*='/invitations/emails'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1


def unreachable_chosen_without_an_address(page) -> None:
    """The umbrella organisation has no representative and no address: choosing it asks for one."""
    page.locator("form[action*='/invitations/organisations'] input[type=checkbox]").first.check()
    for box in page.locator("form[action*='/invitations/organisations'] input[type=checkbox]").all():
        box.check()
    page.locator("form[action*='/invitations/organisations'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("input[type=email][aria-invalid=true]").count() == 1


def answer_with_errors(page) -> None:
    page.locator("input[name='answer'][value='yes']").check()
    page.locator("input[name='attendees-0-name']").fill("Anna Andersson")
    page.locator("input[name='attendees-0-mode'][value='on_site']").check()
    submit(page)
    assert page.locator(".error-summary").count() == 1


def with_more_rows(page) -> None:
    submit(page, "more-rows")
    assert page.locator("fieldset.attendee").count() == 2  # one at first, another when asked for


Screen = tuple[Callable[[dict], str], str | None, int, Callable | None]
SCREENS: dict[str, Screen] = {
    "overview": (lambda ids: f"/meetings/{ids['upcoming']}/invitations", ORGANISER, 200, None),
    "overview-filtered": (lambda ids: f"/meetings/{ids['upcoming']}/invitations?area=kultur&municipality=2580",
                          ORGANISER, 200, None),
    "overview-with-an-error": (lambda ids: f"/meetings/{ids['upcoming']}/invitations", ORGANISER, 200,
                               overview_with_a_bad_address),
    "overview-with-an-unreachable-organisation": (lambda ids: f"/meetings/{ids['upcoming']}/invitations", ORGANISER,
                                                  200, unreachable_chosen_without_an_address),
    "overview-of-a-cancelled-meeting": (lambda ids: f"/meetings/{ids['cancelled']}/invitations", ORGANISER, 200,
                                        None),
    "account-with-an-invitation-to-answer": (lambda ids: "/account", "Rut Representant", 200, None),
    "answer": (lambda ids: f"/invitation/{ids['open_token']}", None, 200, None),
    "answer-with-more-rows": (lambda ids: f"/invitation/{ids['open_token']}", None, 200, with_more_rows),
    "answer-with-errors": (lambda ids: f"/invitation/{ids['open_token']}", None, 200, answer_with_errors),
    "answered-yes": (lambda ids: f"/invitation/{ids['answered_token']}", None, 200, None),
    "expired": (lambda ids: f"/invitation/{ids['expired_token']}", None, 200, None),
    "forged": (lambda ids: "/invitation/made-up-token", None, 404, None),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(SCREENS))
def test_invitation_pages_pass_axe_and_fit_a_phone(new_page, site, name, language):
    path, signed_in_as, status, action = SCREENS[name]
    page = open_checked(new_page, site, site(path(site.ids)), language, signed_in_as=signed_in_as, status=status,
                        then=action)
    assert_accessible(page, f"{name} in {language}")


def test_answering_works_without_javascript_and_shows_what_was_stored(new_page, site):
    page = new_page(language="en", javascript=False, viewport=PHONE)
    page.goto(site(f"/invitation/{site.ids['answered_token']}"))
    main = page.get_by_role("main")
    expect(main.get_by_role("table")).to_contain_text("Kim Bybo")
    expect(page.get_by_label("Name", exact=True).first).to_have_value("Kim Bybo")
    expect(main).not_to_contain_text("meet.example.org")  # the online link is never on this page

    # Two seats, both taken: Sanna comes instead of Eino.
    expect(page.locator("fieldset.attendee")).to_have_count(2)
    second = page.get_by_role("group", name="Person 2")
    second.get_by_label("Name", exact=True).fill("Sanna Bybo")
    second.get_by_label("E-mail address").fill("sanna@byn.example")
    second.get_by_label("On site").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send the answer").click()
    expect(page.locator(".messages")).to_contain_text("your answer is saved")
    table = page.get_by_role("main").get_by_role("table")
    expect(table).to_contain_text("Sanna Bybo")
    expect(table).not_to_contain_text("Eino Bybo")


def test_an_organisation_without_a_person_is_invited_by_address_without_javascript(new_page, site):
    from .support import sign_in_as

    page = new_page(language="en", javascript=False)
    sign_in_as(page, site, ORGANISER)
    page.goto(site(f"/meetings/{site.ids['upcoming']}/invitations"))
    address = page.get_by_label("E-mail address to invite Norrbottens bildningsförbund at")
    assert "Nobody in the register can be reached" in page.locator("main").inner_text()
    address.fill("kansliet@bildning.example")
    with page.expect_navigation():
        page.locator("form[action*='/invitations/organisations'] button[type=submit]").click()
    assert page.url.endswith("#messages")  # the page opens at the message, not at the form
    assert "1 invitation sent." in page.locator(".messages").inner_text()
    assert page.locator("table.invitations").get_by_role("link", name="Norrbottens bildningsförbund").count() == 1


def test_everyone_who_has_not_answered_is_reminded_in_one_action_without_javascript(new_page, site):
    from .support import sign_in_as

    page = new_page(language="en", javascript=False)
    sign_in_as(page, site, ORGANISER)
    page.goto(site(f"/meetings/{site.ids['upcoming']}/invitations"))
    with page.expect_navigation():
        page.locator("form[action*='/invitations/remind'] button[type=submit]").click()
    assert page.url.endswith("#messages")
    expect(page.locator(".messages")).to_contain_text("not yet answered")
    expect(page.locator("table.invitations")).to_contain_text("reminded")
