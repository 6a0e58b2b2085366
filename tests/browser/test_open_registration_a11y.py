"""Open registration in a browser: someone with no account and no organisation registers from the
meeting page in two page loads, without JavaScript; the new pages pass axe-core (WCAG 2.1 AA) in
Swedish and English at desktop and phone widths."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .conftest import _seed
from .support import DESKTOP, PHONE_WIDTHS, Site, assert_accessible, live_site, open_checked, sign_in_as

pytestmark = pytest.mark.browser

LANGUAGES = ["sv", "en"]
WIDTHS = PHONE_WIDTHS
REGISTER = {"sv": "Anmäl dig till mötet", "en": "Register for the meeting"}
REPRESENTATIVE = "Rut Representant"


def _seed_registration(ids: dict) -> dict:
    """The shared data, with the representative registered for the coming meeting."""
    from meetings.domain.registration import register
    from meetings.extensions import db
    from meetings.models import Meeting, ParticipationMode, Person

    register(db.session.get(Meeting, ids["upcoming"]), db.session.get(Person, ids["representative"]),
             ParticipationMode.ON_SITE, notify=False)
    return ids


@pytest.fixture(scope="module")
def site(tmp_path_factory, _database_for_session) -> Iterator[Site]:
    with live_site(tmp_path_factory, _database_for_session, "open_registration",
                   lambda: _seed_registration(_seed())) as served:
        yield served


def main_frame_loads(page) -> list[str]:
    """The addresses the tab goes to from now on, one per page load (a redirect ends in one load)."""
    loads: list[str] = []
    page.on("framenavigated", lambda frame: loads.append(frame.url) if frame == page.main_frame else None)
    return loads


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_person_without_an_organisation_registers_from_the_meeting_page_in_two_page_loads(
        new_page, site, language):
    page = new_page(language=language, javascript=False)
    page.goto(site(f"/meetings/{site.ids['upcoming']}"))
    loads = main_frame_loads(page)
    page.get_by_role("link", name=REGISTER[language]).click()
    page.wait_for_load_state()
    page.locator("input[name=name]").fill("Saga Sund")
    page.locator("input[name=email]").fill(f"saga-{language}@example.org")
    page.locator("input[name=organisation_name]").fill("Byaföreningen Vittjärv")
    page.locator("input[name=mode][value=on_site]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    assert len(loads) == 2, loads
    assert loads[-1].endswith(f"/meetings/{site.ids['upcoming']}/register/sent")
    assert f"saga-{language}@example.org" in page.locator("main").inner_text()

    mail = new_page(language=language)
    mail.goto(site("/demo/mail"))
    assert f"saga-{language}@example.org" in mail.locator("main").inner_text()


def send_without_name(page) -> None:
    page.locator("input[name=email]").fill("not-an-address")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("input[name=name][aria-invalid=true]").count() == 1, "the name was not marked"
    assert page.locator("input[name=email]").input_value() == "not-an-address", "what was typed was lost"


def register_and_arrive(page) -> None:
    page.locator("input[name=name]").fill("Kim Karlsson")
    page.locator("input[name=email]").fill(f"kim-{page.evaluate('document.documentElement.lang')}@example.org")
    page.locator("input[name=mode][value=online]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/register/sent"), page.url


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("then", [None, send_without_name, register_and_arrive],
                         ids=["form", "form-with-errors", "sent"])
def test_the_open_registration_form_passes_axe_and_fits_a_phone(new_page, site, language, then):
    page = open_checked(new_page, site, site(f"/meetings/{site.ids['upcoming']}/register"), language, then=then)
    if then is not register_and_arrive:
        assert page.locator("input[name=website]").is_hidden()  # the robots' field is not seen by people
    assert_accessible(page, f"open registration form in {language}", WIDTHS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_cancelling_asks_once_and_can_be_undone(new_page, site, language):
    page = new_page(language=language)
    sign_in_as(page, site, REPRESENTATIVE)
    page.goto(site(f"/meetings/{site.ids['upcoming']}/my-registration"))
    page.locator("button[name=cancel-submit]").click()
    page.wait_for_load_state()
    assert page.locator(".confirm-cancel").count() == 1, "cancelling did not ask first"
    assert_accessible(page, f"the question before cancelling in {language}", WIDTHS)
    page.set_viewport_size(DESKTOP)

    page.locator(".confirm-cancel button[name=cancel-submit]").click()
    page.wait_for_load_state()
    assert page.locator("button[name=undo-submit]").count() == 1, "no way to undo"
    assert_accessible(page, f"a cancelled registration that can be undone in {language}", WIDTHS)
    page.set_viewport_size(DESKTOP)

    page.locator("button[name=undo-submit]").click()
    page.wait_for_load_state()
    assert page.locator("button[name=cancel-submit]").count() == 1  # registered again: it can be cancelled
