"""The forum pages in a real browser: every page of the catalogue, a forum and running a forum passes
axe-core's WCAG 2.1 A/AA rules in Swedish and English, at desktop and phone width, and works
without JavaScript.

The data these pages need is made the way people make it, through the pages themselves, once for
the module: the shared data's organiser (Olle, Region Norrbotten) creates two open forums and a
closed one, and the shared data's representative (Rut, Föreningen Läslust) asks to join one of them.
The shared forum has a long history besides (written to the database before the server starts):
45 past meetings, so that its page pages the past, 40 member organisations and 8 published minutes,
so that the page links to their paged lists.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import _seed
from .support import (
    PHONE,
    PHONE_WIDTHS,
    Screen,
    Site,
    assert_accessible,
    live_site,
    open_checked,
    scriptless_context,
    sign_in_as,
)

pytestmark = pytest.mark.browser

LANGUAGES = ["sv", "en"]
ORGANISER = "Olle Organisatör"
REPRESENTATIVE = "Rut Representant"
ASKED = "/forums/samrad-om-kulturplanen"
OPEN = "/forums/lasframjande-natverket"
CLOSED = "/forums/kulturradet-i-norr"


def submit(page) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()


def create_forum(page, site: Site, name: str, open_membership: bool) -> None:
    page.goto(site("/forums/new"))
    page.locator("input[name=name]").fill(name)
    page.locator("textarea[name=description]").fill("Vi samtalar om **läsning** och kultur i länet.")
    page.locator("input[name=participation_level][value=consultation]").check()
    page.locator("input[name=subject_areas]").first.check()
    page.locator("input[name=municipalities]").first.check()
    page.locator(f"input[name=membership][value={'open' if open_membership else 'closed'}]").check()
    submit(page)
    assert "/forums/new" not in page.url, f"creating {name} failed"


def _seed_history() -> dict[str, Any]:
    from meetings.extensions import db
    from meetings.models import (
        Forum,
        ForumMember,
        Meeting,
        MeetingFormat,
        MeetingStatus,
        Organisation,
        OrganisationKind,
        utcnow,
    )
    from plugins.minutes.models import PUBLISHED, Protocol

    ids = _seed()
    forum = db.session.query(Forum).filter_by(slug=ids["forum"]).one()
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    for number in range(1, 46):
        starts = now - timedelta(weeks=number, days=1)
        meeting = Meeting(forum=forum, title=f"Dialogmöte vecka {number}", starts_at=starts,
                          ends_at=starts + timedelta(hours=2), status=MeetingStatus.PUBLISHED,
                          format=MeetingFormat.DIGITAL)
        db.session.add(meeting)
        if number <= 8:
            db.session.flush()
            db.session.add(Protocol(meeting=meeting, forum_id=forum.id, status=PUBLISHED, published_at=now))
    for number in range(1, 40):
        db.session.add(ForumMember(forum=forum, organisation=Organisation(
            name=f"Förening nummer {number}", kind=OrganisationKind.CIVIL_SOCIETY)))
    db.session.commit()
    return ids


@pytest.fixture(scope="module")
def site(tmp_path_factory, _database_for_session) -> Iterator[Site]:
    """As the shared live server (tests/browser/conftest.py), with the shared forum's history."""
    with live_site(tmp_path_factory, _database_for_session, "forums", _seed_history) as served:
        yield served


@pytest.fixture(scope="module")
def forums_site(site: Site, browser) -> Site:
    context = scriptless_context(browser)
    page = context.new_page()
    sign_in_as(page, site, ORGANISER)
    create_forum(page, site, "Samråd om kulturplanen", open_membership=True)
    create_forum(page, site, "Läsfrämjande nätverket", open_membership=True)
    create_forum(page, site, "Kulturrådet i norr", open_membership=False)
    context.close()

    context = scriptless_context(browser)
    page = context.new_page()
    sign_in_as(page, site, REPRESENTATIVE)
    page.goto(site(ASKED))
    submit(page)
    assert page.locator(".messages").count() == 1, "asking to join showed no confirmation"
    context.close()
    return site


def leave_the_form_empty(page) -> None:
    page.locator("input[name=name]").fill("")
    submit(page)
    assert page.locator(".error-summary").count() == 1, "the form showed no error"


SCREENS = [
    Screen("catalogue", lambda ids: "/forums"),
    Screen("catalogue-filtered", lambda ids: "/forums?area=kultur&membership=open"),
    Screen("catalogue-nothing-found", lambda ids: "/forums?area=folkhalsa&membership=closed"),
    Screen("catalogue-for-organiser", lambda ids: "/forums", signed_in_as=ORGANISER),
    Screen("forum", lambda ids: f"/forums/{ids['forum']}"),
    Screen("forum-for-manager", lambda ids: f"/forums/{ids['forum']}", signed_in_as=ORGANISER),
    Screen("forum-for-member", lambda ids: f"/forums/{ids['forum']}", signed_in_as=REPRESENTATIVE),
    Screen("forum-may-ask-to-join", lambda ids: OPEN, signed_in_as=REPRESENTATIVE),
    Screen("forum-request-waiting", lambda ids: ASKED, signed_in_as=REPRESENTATIVE),
    Screen("forum-closed", lambda ids: CLOSED, signed_in_as=REPRESENTATIVE),
    Screen("forum-past-page-2", lambda ids: f"/forums/{ids['forum']}?page=2"),
    Screen("forum-past-last-page", lambda ids: f"/forums/{ids['forum']}?page=3", signed_in_as=ORGANISER),
    Screen("member-organisations", lambda ids: f"/forums/{ids['forum']}/organisations"),
    Screen("member-organisations-page-2", lambda ids: f"/forums/{ids['forum']}/organisations?page=2",
           signed_in_as=REPRESENTATIVE),
    Screen("published-minutes", lambda ids: f"/forums/{ids['forum']}/minutes"),
    Screen("create-forum", lambda ids: "/forums/new", signed_in_as=ORGANISER),
    Screen("create-forum-with-errors", lambda ids: "/forums/new", signed_in_as=ORGANISER,
           then=leave_the_form_empty),
    Screen("edit-forum", lambda ids: f"/forums/{ids['forum']}/edit", signed_in_as=ORGANISER),
    Screen("members", lambda ids: f"/forums/{ids['forum']}/members", signed_in_as=ORGANISER),
    Screen("members-with-request", lambda ids: f"{ASKED}/members", signed_in_as=ORGANISER),
    Screen("find-organisations", lambda ids: f"/forums/{ids['forum']}/find-organisations",
           signed_in_as=ORGANISER),
    Screen("find-organisations-filtered",
           lambda ids: f"{ASKED}/find-organisations?area=kultur&municipality=2580&never=y", signed_in_as=ORGANISER),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("screen", SCREENS, ids=lambda screen: screen.name)
def test_forum_page_passes_axe_and_fits_a_phone(new_page, forums_site, screen, language):
    page = open_checked(new_page, forums_site, forums_site(screen.path(forums_site.ids)), language,
                        signed_in_as=screen.signed_in_as, then=screen.then)
    assert_accessible(page, f"{screen.name} in {language}", widths=PHONE_WIDTHS)


def test_filtering_the_catalogue_works_without_javascript_and_keeps_the_address(new_page, forums_site):
    page = new_page(language="en", javascript=False)
    page.goto(forums_site("/forums"))
    page.get_by_label("Membership").select_option("closed")
    with page.expect_navigation():
        page.get_by_role("button", name="Show forums").click()
    assert page.url.endswith("membership=closed")
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="Kulturrådet i norr")).to_be_visible()
    expect(main.get_by_role("link", name="Samråd om kulturplanen")).to_have_count(0)
    expect(page.get_by_label("Membership")).to_have_value("closed")


def test_an_organiser_accepts_a_request_and_the_member_is_listed(new_page, forums_site):
    page = new_page(language="en", javascript=False)
    sign_in_as(page, forums_site, ORGANISER)
    page.goto(forums_site(f"{ASKED}/members"))
    with page.expect_navigation():
        page.get_by_role("button", name="Accept Föreningen Läslust").click()
    expect(page.locator(".messages")).to_contain_text("Föreningen Läslust is now a member of the forum.")
    page.goto(forums_site(ASKED))
    members = page.locator("ul.speakers")
    expect(members).to_contain_text("Föreningen Läslust")


def test_paging_the_past_works_without_javascript_on_a_phone(new_page, forums_site):
    page = new_page(language="en", javascript=False, viewport=PHONE)
    page.goto(forums_site(f"/forums/{forums_site.ids['forum']}"))
    past = page.get_by_role("navigation", name="Pages of past meetings")
    with page.expect_navigation():
        past.get_by_role("link", name="Next page").click()
    assert page.url.endswith("?page=2#past-meetings")
    expect(page.get_by_role("navigation", name="Pages of past meetings")
           .get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")
    expect(page.locator("#past-meetings + p")).to_contain_text("Showing 21–40 of 46")
