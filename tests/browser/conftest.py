"""A live server with a small data set, and Debian's Chromium driven through Playwright.

The server runs in a thread for one test module; its data are written at the module's start
(on PostgreSQL other tests empty the tables after each test, so nothing may be assumed to
survive) and removed at the end. One browser serves the whole session; every test gets fresh
contexts, so no cookie or language choice leaks from one test into another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest

from meetings.testing import skip_or_fail

from .support import BROWSER_LOCALES, CHROMIUM, CHROMIUM_ARGS, DESKTOP, VALID_TOKEN, Site, live_site


def _seed() -> dict[str, Any]:
    """A small, realistic data set: every kind of page has something to show."""
    from meetings.domain.auth import hash_token
    from meetings.extensions import db
    from meetings.models import (
        Forum,
        ForumMember,
        Level,
        Meeting,
        MeetingFormat,
        MeetingStatus,
        Membership,
        MembershipRole,
        Municipality,
        Organisation,
        OrganisationKind,
        OutboxMessage,
        ParticipationLevel,
        Person,
        SignInToken,
        SubjectArea,
        utcnow,
    )

    now = utcnow().replace(minute=0, second=0, microsecond=0)
    lulea = Municipality(code="2580", name="Luleå", county="Norrbottens län")
    pitea = Municipality(code="2581", name="Piteå", county="Norrbottens län")
    health = SubjectArea(code="folkhalsa", name_sv="Folkhälsa", name_en="Public health")
    culture = SubjectArea(code="kultur", name_sv="Kultur", name_en="Culture")
    region = Organisation(
        name="Region Norrbotten", kind=OrganisationKind.PUBLIC_BODY, org_number="2321000230",
        level=Level.REGIONAL, website="https://www.norrbotten.se",
        description="Regionen ansvarar för hälso- och sjukvård, kollektivtrafik och kultur i länet.")
    umbrella = Organisation(
        name="Norrbottens bildningsförbund", kind=OrganisationKind.CIVIL_SOCIETY, level=Level.REGIONAL,
        description="Samarbete mellan studieförbund och folkhögskolor i Norrbotten.")
    association = Organisation(
        name="Föreningen Läslust", kind=OrganisationKind.CIVIL_SOCIETY, org_number="8024567890",
        level=Level.LOCAL, icnpo_group=1, umbrella=umbrella, website="https://example.org/laslust",
        description="Vi ordnar **läsecirklar** för barn och vuxna.\n\n- Bokcafé varje vecka\n"
                    "- Läsombud i hela kommunen",
        subject_areas=[culture], municipalities=[lulea, pitea])
    db.session.add_all([lulea, pitea, health, culture, region, umbrella, association])
    db.session.flush()

    forum = Forum(
        slug="regionalt-dialogforum", name="Regionalt dialogforum", organiser=region,
        participation_level=ParticipationLevel.DIALOGUE, subject_areas=[health, culture],
        description="Forumet samlar regionen och civilsamhället fyra gånger om året.\n\n"
                    "## Så arbetar vi\n\nVi turas om att sätta [dagordningen](https://example.org/dagordning).")
    db.session.add(forum)
    db.session.flush()
    db.session.add(ForumMember(forum=forum, organisation=association))

    def meeting(title: str, starts_in: timedelta, status: MeetingStatus, fmt: MeetingFormat,
                **extra: Any) -> Meeting:
        starts = now + starts_in
        item = Meeting(forum=forum, title=title, starts_at=starts, ends_at=starts + timedelta(hours=2),
                       status=status, format=fmt, **extra)
        db.session.add(item)
        return item

    upcoming = meeting(
        "Dialogmöte om folkhälsa", timedelta(days=21), MeetingStatus.PUBLISHED, MeetingFormat.HYBRID,
        venue_name="Kulturens hus", venue_address="Skeppsbrogatan 17", municipality=lulea,
        capacity=40, online_url="https://meet.example.org/folkhalsa",
        description="Vi samtalar om **folkhälsostrategin** och hur föreningarna kan bidra.\n\n"
                    "1. Välkommen\n2. Strategin i korthet\n3. Samtal i grupper")
    past = meeting(
        "Höstens dialogmöte", timedelta(days=-60), MeetingStatus.PUBLISHED, MeetingFormat.ON_SITE,
        venue_name="Regionhuset", venue_address="Robertsviksgatan 7", municipality=lulea,
        description="Minnesanteckningar finns hos regionen.")
    cancelled = meeting(
        "Digitalt samråd om kulturplanen", timedelta(days=35), MeetingStatus.CANCELLED,
        MeetingFormat.DIGITAL, online_url="https://meet.example.org/kultur")
    draft = meeting(
        "Vårens dialogmöte", timedelta(days=90), MeetingStatus.DRAFT, MeetingFormat.ON_SITE,
        venue_name="Stadsbiblioteket", municipality=pitea)

    admin = Person(email="ada@example.org", name="Ada Admin", is_admin=True)
    organiser = Person(email="olle@norrbotten.example", name="Olle Organisatör")
    representative = Person(email="rut@laslust.example", name="Rut Representant")
    db.session.add_all([admin, organiser, representative])
    db.session.flush()
    db.session.add_all([
        Membership(person=organiser, organisation=region, role=MembershipRole.ORGANISER,
                   title="Strateg civilsamhälle"),
        Membership(person=representative, organisation=association, role=MembershipRole.REPRESENTATIVE),
        SignInToken(token_hash=hash_token(VALID_TOKEN), email=representative.email, next_path="/account",
                    created_at=now, expires_at=now + timedelta(days=1)),
    ])
    mail = OutboxMessage(
        kind="sign_in_link", recipient=representative.email, subject="Din inloggningslänk",
        body_text="Hej,\n\nFölj länken för att logga in:\nhttp://127.0.0.1/sign-in/example-token\n",
        body_html="<p>Hej,</p>", attachments=[])
    db.session.add(mail)
    # Mail the server refused twelve times: listed for the admin on /admin/outbox.
    db.session.add(OutboxMessage(
        kind="invitation", recipient="styrelsen@vittangi.example", subject="Inbjudan: Regionalt dialogforum",
        body_text="Hej", body_html=None, attachments=[], attempts=12, failed_at=now,
        failing_since=now - timedelta(hours=20),
        last_error="SMTPRecipientsRefused: {'styrelsen@vittangi.example': (550, b'5.1.1 Mailbox unavailable')}"))
    db.session.commit()
    return {
        "region": region.id, "association": association.id, "umbrella": umbrella.id,
        "forum": forum.slug, "upcoming": upcoming.id, "past": past.id, "cancelled": cancelled.id,
        "draft": draft.id, "admin": admin.id, "representative": representative.id, "mail": mail.id,
        "token": VALID_TOKEN,
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory, _database_for_session) -> Iterator[Site]:
    """The app, served on a free loopback port for the tests of one module."""
    with live_site(tmp_path_factory, _database_for_session, "browser", _seed,
                   secret_key="browser-test-secret-key-not-for-production") as served:
        yield served


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing: install Debian's chromium package")
    try:
        import axe_playwright_python  # noqa: F401 - checked here so that no test starts without it
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        skip_or_fail(f"{exc.name} is not installed (pip install -e '.[test]')")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    except Exception as exc:
        playwright.stop()
        skip_or_fail(f"Chromium would not start through Playwright: {exc}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def new_page(browser) -> Iterator[Callable[..., Any]]:
    """``new_page(language="sv", javascript=True, viewport=DESKTOP)``: a page in a fresh context.

    The context bypasses the app's Content-Security-Policy only so that axe-core can be injected.
    """
    contexts = []

    def factory(language: str = "sv", javascript: bool = True, viewport: dict | None = None):
        context = browser.new_context(
            locale=BROWSER_LOCALES[language], java_script_enabled=javascript,
            viewport=viewport or DESKTOP, bypass_csp=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()


