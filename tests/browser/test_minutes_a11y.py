"""Every page of the minutes plugin passes axe-core (WCAG 2.1 AA) in Swedish and English, at desktop
and phone width: the organiser's pages, the minutes as the public and a justerare see them, and the
plugin's panels on the core's pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from .support import Site, assert_accessible, live_site, open_checked

pytestmark = pytest.mark.browser

LANGUAGES = ["sv", "en"]


def _seed() -> dict[str, Any]:
    from meetings.extensions import db
    from meetings.models import AgendaItem, Meeting, Person
    from meetings.testing import make_meeting
    from plugins.minutes import rules
    from plugins.minutes.models import PENDING
    from tests.minutes.conftest import build_world

    ids = build_world()
    meeting = db.session.get(Meeting, ids["meeting"])
    person = {name: db.session.get(Person, ids[name]) for name in ("organiser", "chair", "anna", "bo")}

    def minutes_of(meeting, status):
        protocol = rules.start_minutes(meeting, person["organiser"])
        rules.save_header(protocol, rules.Header("Kulturens hus, Luleå", person["organiser"], person["chair"],
                                                 [person["anna"], person["bo"]]), None)
        paragraph = protocol.paragraphs[1]
        rules.save_paragraph(paragraph, rules.ParagraphText(
            paragraph.title, "00677-2020", "Samforma framförde **inspel** från civilsamhället.",
            "Överenskommelsen antas.", False, [ids["red_cross"]]), None)
        rules.add_action(protocol.paragraphs[2], "Sammanställa inspelen", person["anna"].memberships[0].organisation,
                         (datetime.now(UTC) + timedelta(days=30)).date())
        if status != "draft":
            protocol.status = PENDING
            protocol.sent_at = rules.api.utcnow()
        if status == "published":
            for who in ("chair", "anna", "bo"):
                rules.approve(protocol, person[who])
            rules.publish(protocol)
        db.session.commit()
        return protocol

    published = minutes_of(meeting, "published")
    pending_meeting = make_meeting(meeting.forum, "Höstmöte", starts_at=meeting.starts_at + timedelta(hours=30))
    draft_meeting = make_meeting(meeting.forum, "Vintermöte", starts_at=meeting.starts_at + timedelta(hours=40))
    for m in (pending_meeting, draft_meeting):
        for position, title in enumerate(["Mötets öppnande", "Regional överenskommelse", "Handlingsplan"]):
            db.session.add(AgendaItem(meeting=m, position=position, title=title))
    db.session.commit()
    pending = minutes_of(pending_meeting, "pending")
    draft = minutes_of(draft_meeting, "draft")
    return {**ids, "published": published.id, "pending": pending.id, "draft": draft.id,
            "draft_meeting": draft_meeting.id, "paragraph": draft.paragraphs[1].id}


@pytest.fixture(scope="module")
def site(tmp_path_factory, _database_for_session) -> Iterator[Site]:
    with live_site(tmp_path_factory, _database_for_session, "minutes", _seed,
                   secret_key="minutes-browser-test-secret-key") as served:
        yield served


ORGANISER_PAGES = {
    "manage draft": lambda ids: f"/meetings/{ids['draft_meeting']}/minutes",
    "manage published": lambda ids: f"/meetings/{ids['meeting']}/minutes",
    "details": lambda ids: f"/meetings/{ids['draft_meeting']}/minutes/details",
    "present list": lambda ids: f"/meetings/{ids['draft_meeting']}/minutes/present",
    "paragraph": lambda ids: f"/meetings/{ids['draft_meeting']}/minutes/paragraphs/{ids['paragraph']}",
    "extract": lambda ids: f"/meetings/{ids['meeting']}/minutes/extract",
    "action items": lambda ids: "/forums/lanspartnerskapet/actions",
    "draft as the organiser sees it": lambda ids: f"/minutes/{ids['draft']}",
}

PUBLIC_PAGES = {
    "published minutes": lambda ids: f"/minutes/{ids['published']}",
    "meeting page with the panel": lambda ids: f"/meetings/{ids['meeting']}",
    "forum page with the panel": lambda ids: "/forums/lanspartnerskapet",
    "organisation page with the panel": lambda ids: f"/organisations/{ids['red_cross']}",
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(ORGANISER_PAGES))
def test_the_organisers_pages_pass_axe_and_fit_a_phone(new_page, site, name, language):
    page = open_checked(new_page, site, site(ORGANISER_PAGES[name](site.ids)), language,
                        signed_in_as="Olle Organisatör")
    assert_accessible(page, f"{name} in {language}")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_the_public_pages_pass_axe_and_fit_a_phone(new_page, site, name, language):
    page = open_checked(new_page, site, site(PUBLIC_PAGES[name](site.ids)), language)
    if name != "published minutes":
        assert page.locator(f"a[href^='/minutes/{site.ids['published']}']").count() >= 1, "the panel is missing"
    assert_accessible(page, f"{name} in {language}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_justerare_approves_on_an_accessible_page(new_page, site, language):
    justerare = {"sv": "Anna Andersson", "en": "Bo Berg"}[language]  # each reads in their own language
    page = open_checked(new_page, site, site(f"/minutes/{site.ids['pending']}"), language,
                        signed_in_as=justerare)
    assert_accessible(page, f"minutes to approve in {language}")
    account = open_checked(new_page, site, site("/account"), language, signed_in_as=justerare)
    assert account.locator(f"a[href='/minutes/{site.ids['pending']}']").count() == 1
    assert_accessible(account, f"account page with minutes to approve in {language}")


def test_the_draft_is_not_found_for_the_public(new_page, site):
    open_checked(new_page, site, site(f"/minutes/{site.ids['draft']}"), "en", status=404)


def test_an_organiser_edits_a_paragraph_without_javascript(new_page, site):
    from .support import sign_in_as

    page = new_page(language="en", javascript=False)
    sign_in_as(page, site, "Olle Organisatör")
    page.goto(site(ORGANISER_PAGES["paragraph"](site.ids)))
    page.get_by_label("Decision").fill("Beslutet fattades utan skript.")
    page.get_by_role("button", name="Save paragraph").click()
    page.wait_for_load_state()
    assert "was saved" in page.locator(".messages").inner_text()


def details_with_an_error(page) -> None:
    page.locator("#chair").select_option(label="Karin Ordförande")
    page.locator("#adjuster1").select_option(label="Karin Ordförande")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#adjuster1-error").count() == 1, "the error is not beside the field"


def extract_with_an_error(page) -> None:
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#paragraphs-error").count() == 1


def correction_without_a_reason(page) -> None:
    page.locator("form[action$='/correct'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1


ERROR_STATES = {
    details_with_an_error: lambda ids: f"/meetings/{ids['draft_meeting']}/minutes/details",
    extract_with_an_error: lambda ids: f"/meetings/{ids['meeting']}/minutes/extract",
    correction_without_a_reason: lambda ids: f"/meetings/{ids['meeting']}/minutes",
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("state", list(ERROR_STATES), ids=lambda state: state.__name__)
def test_errors_are_explained_accessibly(new_page, site, state, language):
    page = open_checked(new_page, site, site(ERROR_STATES[state](site.ids)), language,
                        signed_in_as="Olle Organisatör", then=state)
    assert_accessible(page, f"{state.__name__} in {language}")
