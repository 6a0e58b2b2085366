"""What the browser tests share: the browser's settings, the site under test, and axe-core."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# Playwright sends the context's locale as Accept-Language, which the app follows until a
# visitor picks a language with the switcher.
BROWSER_LOCALES = {"sv": "sv-SE", "en": "en-GB"}
DESKTOP = {"width": 1280, "height": 900}
# WCAG 2.1 success criterion 1.4.10 (reflow): usable at 320 CSS pixels without scrolling sideways.
PHONE = {"width": 320, "height": 740}

VALID_TOKEN = "browser-test-sign-in-token-0123456789abcdef"  # noqa: S105 - a test fixture

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class Site:
    """The running server and the ids of what was put in its database."""

    url: str
    ids: dict[str, Any] = field(default_factory=dict)

    def __call__(self, path: str) -> str:
        return self.url + path


def html_lang(page) -> str:
    return page.evaluate("document.documentElement.lang")


def sign_out_button(page):
    """The header's sign-out button, found by its form so that it works in every language."""
    return page.locator("header form[action='/sign-out'] button")


def sign_in_as(page, site: Site, name: str) -> None:
    """Sign in the way a demo visitor does: with the button beside the person on /demo/people."""
    page.goto(site("/demo/people"))
    page.get_by_role("row").filter(has_text=name).get_by_role("button").click()
    page.wait_for_load_state()
    assert sign_out_button(page).count() == 1, f"signing in as {name} failed"


def axe_source() -> Path:
    """axe-core as bundled with axe-playwright-python."""
    from axe_playwright_python.base import AXE_FILE_PATH

    return Path(AXE_FILE_PATH)


def axe_violations(page) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now, limited to the WCAG 2.1 A and AA rules."""
    if page.evaluate("typeof window.axe") == "undefined":
        page.add_script_tag(path=axe_source())
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    return page.evaluate("options => window.axe.run(document, options).then(r => r.violations)", options)


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation["nodes"]:
            summary = re.sub(r"\s+", " ", node.get("failureSummary") or "").strip()
            lines.append(f"    {', '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
