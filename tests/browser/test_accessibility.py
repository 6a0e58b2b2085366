"""Every page, in Swedish and in English, passes axe-core's WCAG 2.1 A/AA rules and fits a phone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

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
    Screen("not-found", lambda ids: "/no-such-page", status=404),
    Screen("draft-meeting-for-visitor", lambda ids: f"/meetings/{ids['draft']}", status=404),
    Screen("demo-mail", lambda ids: "/demo/mail"),
    Screen("demo-mail-message", lambda ids: f"/demo/mail/{ids['mail']}"),
    Screen("demo-people", lambda ids: "/demo/people"),
]

LANGUAGES = ["sv", "en"]


def open_screen(new_page, site: Site, screen: Screen, language: str):
    page = new_page(language=language)
    if screen.signed_in_as:
        sign_in_as(page, site, screen.signed_in_as)
    response = page.goto(site(screen.path(site.ids)))
    assert response is not None and response.status == screen.status, \
        f"{screen.path(site.ids)} answered {response and response.status}, expected {screen.status}"
    if screen.then:
        screen.then(page)
    assert html_lang(page) == language, f"<html lang> is {html_lang(page)!r} on a page asked for in {language}"
    assert page.locator("h1").count() == 1, "the page should have exactly one main heading"
    return page


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("screen", SCREENS, ids=lambda screen: screen.name)
def test_page_passes_axe_and_fits_a_phone(new_page, site, screen, language):
    page = open_screen(new_page, site, screen, language)
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
    assert not problems, f"{screen.name} in {language}: " + "\n".join(problems)


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
