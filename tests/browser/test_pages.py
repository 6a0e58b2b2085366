"""What a visitor does in a real browser: keyboard, no JavaScript, forms with mistakes.

Texts are checked in English only, so that the tests hold whatever the Swedish catalogue says;
in Swedish the tests find things by their role, address or attribute.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .support import PHONE, html_lang, sign_out_button

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const el = document.activeElement;
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    text: (el.innerText || el.value || '').trim().slice(0, 60),
    inMain: Boolean(el.closest('main')) && el.tagName !== 'MAIN',
    isSkipLink: el.classList.contains('skip-link'),
  };
}"""

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  let behind = el.parentElement;
  let background = 'rgba(0, 0, 0, 0)';
  while (behind) {
    background = getComputedStyle(behind).backgroundColor;
    if (background !== 'rgba(0, 0, 0, 0)' && background !== 'transparent') break;
    behind = behind.parentElement;
  }
  const box = el.getBoundingClientRect();
  return {
    element: el.outerHTML.slice(0, 100),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    outlineColor: style.outlineColor,
    background: background === 'rgba(0, 0, 0, 0)' ? 'rgb(255, 255, 255)' : background,
    visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
             && box.top < window.innerHeight && box.left < window.innerWidth,
  };
}"""


def _luminance(css_colour: str) -> float:
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", css_colour)[:3])

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def submit(page) -> None:
    """Press the main form's submit button and wait for the answer (no script does it for us)."""
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


# --- keyboard -------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["sv", "en"])
def test_skip_link_comes_first_and_takes_focus_to_the_content(new_page, site, language):
    page = new_page(language=language, javascript=False)
    page.goto(site("/"))

    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["isSkipLink"], f"the first Tab reached {focused}, not the skip link"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0 and box["x"] >= 0, "the focused skip link is off screen"

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["inMain"], f"after the skip link, Tab went to {focused} instead of into the content"


def test_every_focusable_element_shows_where_the_focus_is(new_page, site):
    """Tab through the whole home page, then the sign-in form: each stop has a clear outline."""
    page = new_page(language="en")
    problems = []
    stops = 0
    for path in ("/", "/sign-in"):
        page.goto(site(path))
        seen = set()
        for _ in range(60):
            page.keyboard.press("Tab")
            style = page.evaluate(FOCUS_STYLE)
            if style["element"] in seen or style["element"].startswith("<body"):
                break
            seen.add(style["element"])
            stops += 1
            ratio = contrast(style["outlineColor"], style["background"])
            if style["outlineStyle"] == "none" or style["outlineWidth"] < 2 or ratio < 3 or not style["visible"]:
                problems.append(f"{style['element']}: outline {style['outlineStyle']} {style['outlineWidth']}px "
                                f"{style['outlineColor']} on {style['background']} ({ratio:.1f}:1), "
                                f"visible={style['visible']}")
    assert stops >= 10, f"only {stops} elements could be reached with Tab"
    assert not problems, "focus is hard to see on:\n" + "\n".join(problems)


# --- without JavaScript ---------------------------------------------------------------------

def test_language_can_be_switched_without_javascript(new_page, site):
    page = new_page(language="sv", javascript=False)
    page.goto(site("/forums"))
    assert html_lang(page) == "sv"

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.url == site("/forums"), "switching language should keep the visitor on the same page"
    assert html_lang(page) == "en"
    expect(page.get_by_role("heading", level=1)).to_have_text("Forums")

    # The choice outlasts the browser's own preference (Swedish) on the next page.
    page.get_by_role("navigation").get_by_role("link", name="Organisations").click()
    assert html_lang(page) == "en"
    with page.expect_navigation():
        page.get_by_role("button", name="Svenska").click()
    assert page.url == site("/organisations")
    assert html_lang(page) == "sv"


def test_sign_in_by_e_mail_works_without_javascript(new_page, site):
    address = "kim@forening.example"
    page = new_page(language="en", javascript=False)
    page.goto(site("/"))
    page.get_by_role("navigation").get_by_role("link", name="Sign in").click()
    page.get_by_label("E-mail address").fill(address)
    submit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")

    # The demo keeps the e-mail: open it and follow the link, as in a mail program.
    page.goto(site("/demo/mail"))
    page.get_by_role("row").filter(has_text=address).get_by_role("link").first.click()
    page.locator("main a[href*='/sign-in/']").first.click()
    expect(page.get_by_role("main")).to_contain_text(f"You are about to sign in as {address}.")
    submit(page)
    expect(page.get_by_role("status")).to_contain_text("You are signed in.")

    page.get_by_role("link", name="My account").click()
    expect(page.get_by_role("main")).to_contain_text(f"Signed in as {address}.")
    with page.expect_navigation():
        sign_out_button(page).click()
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")
    expect(sign_out_button(page)).to_have_count(0)


def test_a_wrong_address_is_shown_again_beside_its_error(new_page, site):
    page = new_page(language="en", javascript=False)
    page.goto(site("/sign-in"))
    page.get_by_label("E-mail address").fill("kim.forening.example")
    submit(page)

    field = page.get_by_label("E-mail address")
    expect(field).to_have_value("kim.forening.example")
    expect(field).to_have_attribute("aria-invalid", "true")
    message = "Enter an e-mail address like name@example.org."
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))
    expect(page.locator(".field").filter(has=field).locator(".error")).to_have_text(message)
    assert page.title().startswith("Error:"), f"the title {page.title()!r} does not say something went wrong"

    # The summary of problems has the focus, and its link leads to the field.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    page.locator(".error-summary").get_by_role("link", name=message).click()
    expect(field).to_be_focused()

    field.fill("kim@forening.example")
    submit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")


# --- the home page --------------------------------------------------------------------------

def test_home_page_leads_to_meetings_forums_and_organisations(new_page, site):
    page = new_page(language="en", viewport=PHONE)
    page.goto(site("/"))
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="Dialogmöte om folkhälsa")).to_be_visible()
    # Only published meetings still to come.
    expect(main.get_by_role("link", name="Vårens dialogmöte")).to_have_count(0)
    expect(main.get_by_role("link", name="Höstens dialogmöte")).to_have_count(0)

    main.get_by_role("link", name="Dialogmöte om folkhälsa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dialogmöte om folkhälsa")
    expect(page.get_by_role("main")).to_contain_text("Kulturens hus")

    page.goto(site("/"))
    main.get_by_role("link", name="All forums").click()
    expect(page.get_by_role("main").get_by_role("link", name="Regionalt dialogforum")).to_be_visible()
    page.goto(site("/"))
    main.get_by_role("link", name="Organisations").click()
    expect(page.get_by_role("main").get_by_role("link", name="Föreningen Läslust")).to_be_visible()


def test_page_has_landmarks_a_screen_reader_can_jump_to(new_page, site):
    page = new_page(language="en")
    page.goto(site("/forums"))
    expect(page.get_by_role("banner")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("contentinfo")).to_have_count(1)
    navigation = page.get_by_role("navigation", name="Main menu")
    expect(navigation).to_have_count(1)
    expect(navigation.get_by_role("link", name="Forums")).to_have_attribute("aria-current", "page")
