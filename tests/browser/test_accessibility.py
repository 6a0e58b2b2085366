"""Every page, in Swedish and in English, passes axe-core's WCAG 2.1 A/AA rules and fits a phone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from .support import (
    PHONE,
    assert_accessible,
    axe_violations,
    horizontal_overflow,
    open_checked,
)

pytestmark = pytest.mark.browser


def fill_in_a_wrong_address(page) -> None:
    page.locator("input[name=email]").fill("ada@")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("input[name=email][aria-invalid=true]").count() == 1, "the form showed no error"


@dataclass(frozen=True)
class Screen:
    """A page as a visitor reaches it."""

    name: str
    path: Callable[[dict], str]
    status: int = 200
    signed_in_as: str | None = None
    then: Callable | None = None  # something the visitor does on the page before it is checked


SCREENS = [
    Screen("home", lambda ids: "/"),
    Screen("forums", lambda ids: "/forums"),
    Screen("forum", lambda ids: f"/forums/{ids['forum']}"),
    Screen("organisations", lambda ids: "/organisations"),
    Screen("public-body", lambda ids: f"/organisations/{ids['region']}"),
    Screen("association", lambda ids: f"/organisations/{ids['association']}"),
    Screen("umbrella-organisation", lambda ids: f"/organisations/{ids['umbrella']}"),
    Screen("upcoming-meeting", lambda ids: f"/meetings/{ids['upcoming']}"),
    Screen("upcoming-meeting-for-organiser", lambda ids: f"/meetings/{ids['upcoming']}",
           signed_in_as="Olle Organisatör"),
    Screen("past-meeting", lambda ids: f"/meetings/{ids['past']}"),
    Screen("cancelled-meeting", lambda ids: f"/meetings/{ids['cancelled']}"),
    Screen("draft-meeting-for-admin", lambda ids: f"/meetings/{ids['draft']}", signed_in_as="Ada Admin"),
    Screen("sign-in", lambda ids: "/sign-in"),
    Screen("sign-in-with-error", lambda ids: "/sign-in", then=fill_in_a_wrong_address),
    Screen("check-your-email", lambda ids: "/sign-in/sent"),
    Screen("sign-in-confirm", lambda ids: f"/sign-in/{ids['token']}"),
    Screen("sign-in-link-problem", lambda ids: "/sign-in/no-such-token", status=404),
    Screen("account", lambda ids: "/account", signed_in_as="Rut Representant"),
    Screen("unsent-mail-for-admin", lambda ids: "/admin/outbox", signed_in_as="Ada Admin"),
    Screen("not-found", lambda ids: "/no-such-page", status=404),
    Screen("draft-meeting-for-visitor", lambda ids: f"/meetings/{ids['draft']}", status=404),
    Screen("demo-mail", lambda ids: "/demo/mail"),
    Screen("demo-mail-message", lambda ids: f"/demo/mail/{ids['mail']}"),
    Screen("demo-people", lambda ids: "/demo/people"),
]

LANGUAGES = ["sv", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("screen", SCREENS, ids=lambda screen: screen.name)
def test_page_passes_axe_and_fits_a_phone(new_page, site, screen, language):
    page = open_checked(new_page, site, site(screen.path(site.ids)), language, signed_in_as=screen.signed_in_as,
                        status=screen.status, then=screen.then)
    assert_accessible(page, f"{screen.name} in {language}")


def test_the_checks_notice_a_problem(new_page, site):
    """The harness itself: axe runs despite the app's CSP and a wide page is noticed."""
    page = new_page(language="en")
    page.goto(site("/"))
    assert not axe_violations(page)
    page.add_style_tag(content="main p { color: #bbb; }")
    page.set_viewport_size(PHONE)
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', "
                  "'<div style=\"width: 600px\">wide</div>')")
    assert "color-contrast" in {violation["id"] for violation in axe_violations(page)}
    assert horizontal_overflow(page) > 0
