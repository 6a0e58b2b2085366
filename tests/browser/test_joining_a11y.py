"""Joining the register in a real browser: the pages pass axe-core's WCAG 2.1 A/AA rules in Swedish
and English at desktop and phone width, and an association can register, confirm and ask an
umbrella organisation to vouch for it without JavaScript.

The data these pages need is made the way a visitor makes it, through the pages themselves, once
for the module: two associations register (the demo lists the e-mail with their links); one
confirms and names the shared data's association as its umbrella, the other's link stays unused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from .support import (
    Site,
    assert_accessible,
    html_lang,
    open_checked,
    scriptless_context,
    sign_in_as,
)

pytestmark = pytest.mark.browser

LANGUAGES = ["sv", "en"]
LINK = re.compile(r"https?://[^\s\"<]+/sign-in/[A-Za-z0-9_\-]+")


def register_association(page, site: Site, name: str, email: str, person: str) -> None:
    page.goto(site("/organisations/new"))
    page.locator("input[name=name]").fill(name)
    page.locator("input[name=contact_email]").fill(email)
    page.locator("input[name=registrant_name]").fill(person)
    page.locator("input[name=municipalities]").first.check()
    page.locator("input[name=subject_areas]").first.check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/organisations/new/sent"), f"registering {name} failed: {page.url}"


def link_mailed_to(page, site: Site, address: str) -> str:
    """The confirmation link in the e-mail to ``address``, read on the demo's mail page."""
    page.goto(site("/demo/mail"))
    page.get_by_role("row").filter(has_text=address).get_by_role("link").first.click()
    page.wait_for_load_state()
    match = LINK.search(page.locator(".mail-text").inner_text())
    assert match, f"no link in the e-mail to {address}"
    return match.group(0)


@pytest.fixture(scope="module")
def joined(site: Site, browser) -> Iterator[dict[str, Any]]:
    context = scriptless_context(browser)
    page = context.new_page()
    register_association(page, site, "Byaföreningen Norrsken", "kansli@norrsken.example", "Nora Nilsson")
    register_association(page, site, "Kiruna skidklubb", "info@skidklubb.example", "Sixten Skidåkare")
    used = link_mailed_to(page, site, "kansli@norrsken.example")
    unused = link_mailed_to(page, site, "info@skidklubb.example")

    page.goto(used)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    match = re.search(r"/organisations/(\d+)/edit$", page.url)
    assert match, f"confirming did not lead to the entry: {page.url}"
    norrsken = int(match.group(1))

    # Nora names the shared data's association (Föreningen Läslust) as her umbrella.
    page.goto(site(f"/organisations/{norrsken}/umbrella"))
    page.locator("select[name=umbrella]").select_option(label="Föreningen Läslust")
    page.locator("main form[action$='/umbrella'] button[type=submit]").click()
    page.wait_for_load_state()
    context.close()
    yield {"norrsken": norrsken, "used_link": used, "unused_link": unused}


def choose_language(page, language: str) -> None:
    """A signed-in person's own language setting wins over the browser's (Nora's is English, as her
    browser's was when she confirmed); the switcher changes it."""
    if html_lang(page) != language:
        page.locator(f"form.language-switcher button[value={language}]").click()
        page.wait_for_load_state()


def submit_empty_form(page) -> None:
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator("[aria-invalid=true]").count() > 0, "the form showed no error"


def enter_a_wrong_website(page) -> None:
    page.locator("input[name=website]").fill("javascript:alert(1)")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("input[name=website][aria-invalid=true]").count() == 1, "the form showed no error"


@dataclass(frozen=True)
class Screen:
    name: str
    path: Callable[[Site, dict], str]
    status: int = 200
    signed_in_as: str | None = None
    then: Callable | None = None


SCREENS = [
    Screen("register", lambda site, data: site("/organisations/new")),
    Screen("register-with-errors", lambda site, data: site("/organisations/new"), then=submit_empty_form),
    Screen("registration-sent", lambda site, data: site("/organisations/new/sent")),
    Screen("confirm-registration", lambda site, data: data["unused_link"]),
    Screen("registration-link-used", lambda site, data: data["used_link"], status=410),
    Screen("approval-queue", lambda site, data: site("/admin/organisations"), signed_in_as="Ada Admin"),
    Screen("edit", lambda site, data: site(f"/organisations/{site.ids['association']}/edit"),
           signed_in_as="Rut Representant"),
    Screen("edit-with-errors", lambda site, data: site(f"/organisations/{site.ids['association']}/edit"),
           signed_in_as="Rut Representant", then=enter_a_wrong_website),
    Screen("edit-by-admin", lambda site, data: site(f"/organisations/{site.ids['association']}/edit"),
           signed_in_as="Ada Admin"),
    Screen("edit-entry-awaiting-approval", lambda site, data: site(f"/organisations/{data['norrsken']}/edit"),
           signed_in_as="Nora Nilsson"),
    Screen("representatives", lambda site, data: site(f"/organisations/{site.ids['association']}/representatives"),
           signed_in_as="Rut Representant"),
    Screen("representatives-with-errors",
           lambda site, data: site(f"/organisations/{site.ids['association']}/representatives"),
           signed_in_as="Rut Representant", then=submit_empty_form),
    Screen("umbrella-with-member-request",
           lambda site, data: site(f"/organisations/{site.ids['association']}/umbrella"),
           signed_in_as="Rut Representant"),
    Screen("umbrella-requested", lambda site, data: site(f"/organisations/{data['norrsken']}/umbrella"),
           signed_in_as="Nora Nilsson"),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("screen", SCREENS, ids=lambda screen: screen.name)
def test_joining_pages_pass_axe_and_fit_a_phone(new_page, site, joined, screen, language):
    page = open_checked(new_page, site, screen.path(site, joined), language, signed_in_as=screen.signed_in_as,
                        after_sign_in=lambda page: choose_language(page, language), status=screen.status,
                        then=screen.then)
    assert_accessible(page, f"{screen.name} in {language}")


def test_the_umbrella_confirms_a_member_without_javascript(new_page, site, joined):
    """Rut answers for Föreningen Läslust, which Byaföreningen Norrsken named as its umbrella."""
    page = new_page(language="en", javascript=False)
    sign_in_as(page, site, "Rut Representant")
    page.goto(site(f"/organisations/{site.ids['association']}/umbrella"))
    request = page.get_by_role("listitem").filter(has_text="Byaföreningen Norrsken")
    request.get_by_role("button", name="Confirm membership").click()
    page.wait_for_load_state()
    confirmed = page.get_by_role("listitem").filter(has_text="Byaföreningen Norrsken")
    assert confirmed.get_by_role("button", name="Remove from members").count() == 1
    assert "Byaföreningen Norrsken is confirmed as a member." in page.locator(".messages").inner_text()
