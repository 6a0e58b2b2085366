"""The invitation pages: the organiser's overview and the answer page reached from the e-mail, checked
with axe-core (WCAG 2.1 AA) in Swedish and English at desktop and phone width, as they open, with
errors, answered and expired; and answering works without JavaScript."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import expect

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
    from werkzeug.serving import make_server

    from meetings import create_app
    from meetings.extensions import db

    url = _database_for_session or f"sqlite:///{tmp_path_factory.mktemp('invitations') / 'invitations.sqlite3'}"
    if url.startswith("postgresql://"):
        url = _psycopg_url(url)
    app = create_app({
        "MEETINGS_ENV": "testing", "SECRET_KEY": "invitations-browser-test-secret-key", "DATABASE_URL": url,
        "DEMO_MODE": True, "MAIL_BACKEND": "demo", "RATELIMIT_STORAGE_URI": "memory://",
    })
    with app.app_context():
        db.create_all()
    _empty_all_tables(app)
    with app.app_context():
        ids = _seed_invitations(_seed())

    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, name="invitations-test-server", daemon=True)
    thread.start()
    try:
        yield Site(url=base_url, ids=ids)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        _empty_all_tables(app)


def submit(page, name: str | None = None) -> None:
    button = page.locator(f"main button[name='{name}']") if name else page.locator("main form button[type=submit]")
    with page.expect_navigation():
        button.first.click()


def overview_with_a_bad_address(page) -> None:
    page.locator("textarea[name='emails-emails']").fill("kim@byn.example\ninte en adress")
    page.locator("form[action*='/invitations/emails'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1


def answer_with_errors(page) -> None:
    page.locator("input[name='answer'][value='yes']").check()
    page.locator("input[name='attendees-0-name']").fill("Anna Andersson")
    page.locator("input[name='attendees-0-mode'][value='on_site']").check()
    submit(page)
    assert page.locator(".error-summary").count() == 1


def with_more_rows(page) -> None:
    submit(page, "more-rows")
    assert page.locator("fieldset.attendee").count() == 8  # five at first, then up to the eight seats offered


Screen = tuple[Callable[[dict], str], str | None, int, Callable | None]
SCREENS: dict[str, Screen] = {
    "overview": (lambda ids: f"/meetings/{ids['upcoming']}/invitations", ORGANISER, 200, None),
    "overview-filtered": (lambda ids: f"/meetings/{ids['upcoming']}/invitations?area=kultur&municipality=2580",
                          ORGANISER, 200, None),
    "overview-with-an-error": (lambda ids: f"/meetings/{ids['upcoming']}/invitations", ORGANISER, 200,
                               overview_with_a_bad_address),
    "overview-of-a-cancelled-meeting": (lambda ids: f"/meetings/{ids['cancelled']}/invitations", ORGANISER, 200,
                                        None),
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
    page = new_page(language=language)
    if signed_in_as:
        sign_in_as(page, site, signed_in_as)
    response = page.goto(site(path(site.ids)))
    assert response is not None and response.status == status
    if action:
        action(page)
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
    assert not problems, f"{name} in {language}: " + "\n".join(problems)


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
