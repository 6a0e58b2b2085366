"""What the browser tests share: the browser's settings, the site under test, and axe-core."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
# A common phone (360 CSS pixels); pages new in issue 15 are checked at it as well.
PHONE_360 = {"width": 360, "height": 740}
PHONE_WIDTHS = (DESKTOP, PHONE_360, PHONE)

@dataclass(frozen=True)
class Screen:
    """A page to check: its name, its address from the site's ids, who is signed in (None: a
    visitor) and what to do on it before the check (``then(page)``)."""

    name: str
    path: Callable[[dict[str, Any]], str]
    signed_in_as: str | None = None
    then: Callable[[Any], None] | None = None


VALID_TOKEN = "browser-test-sign-in-token-0123456789abcdef"  # noqa: S105 - a test fixture

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class Site:
    """The running server and the ids of what was put in its database."""

    url: str
    ids: dict[str, Any] = field(default_factory=dict)

    def __call__(self, path: str) -> str:
        return self.url + path


@contextmanager
def live_site(tmp_path_factory, database_url: str | None, name: str, seed: Callable[[], dict[str, Any]], *,
              secret_key: str | None = None, base_url_while_seeding: bool = False,
              settings: dict[str, Any] | None = None) -> Iterator[Site]:
    """The app with the data ``seed()`` writes, served on a free loopback port until the block ends.

    ``database_url`` is the session's test database (PostgreSQL), or ``None`` for a fresh SQLite file
    named after ``name``. Every table is emptied before seeding (PostgreSQL may hold rows another
    module left behind) and again at the end. ``seed`` runs in an app context and returns the ids the
    tests need; with ``base_url_while_seeding`` the server's address is already the app's BASE_URL
    while it runs. ``settings`` are further settings of the app (``SITE_OPERATOR``, …).
    """
    from werkzeug.serving import make_server

    from meetings import create_app
    from meetings.extensions import db
    from meetings.testing import _empty_all_tables, _psycopg_url

    url = database_url or f"sqlite:///{tmp_path_factory.mktemp(name) / f'{name}.sqlite3'}"
    if url.startswith("postgresql://"):
        url = _psycopg_url(url)
    app = create_app({
        "MEETINGS_ENV": "testing",
        "SECRET_KEY": secret_key or f"{name}-browser-test-secret-key",
        "DATABASE_URL": url,
        "DEMO_MODE": True,
        "MAIL_BACKEND": "demo",
        # Rate limits stay on (Flask-Limiter's switch is shared by every app in the process);
        # each module posts the sign-in form well below the limits, with fresh counters.
        "RATELIMIT_STORAGE_URI": "memory://",
        **(settings or {}),
    })
    with app.app_context():
        db.create_all()
    _empty_all_tables(app)

    def seeded() -> dict[str, Any]:
        with app.app_context():
            return seed()

    ids = {} if base_url_while_seeding else seeded()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base_url
    if base_url_while_seeding:
        ids = seeded()
    thread = threading.Thread(target=server.serve_forever, name=f"{name}-test-server", daemon=True)
    thread.start()
    try:
        yield Site(url=base_url, ids=ids)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        _empty_all_tables(app)


def scriptless_context(browser, language: str = "en"):
    """A browser context at desktop width without JavaScript, for a module fixture that makes its
    data through the pages. The caller closes it."""
    return browser.new_context(locale=BROWSER_LOCALES[language], java_script_enabled=False, viewport=DESKTOP)


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


def open_checked(new_page, site: Site, url: str, language: str, *, signed_in_as: str | None = None,
                 after_sign_in: Callable[[Any], None] | None = None, status: int = 200,
                 then: Callable[[Any], None] | None = None):
    """A fresh page in ``language`` at desktop width, signed in as ``signed_in_as`` if given, at ``url``
    (a full address), after ``then(page)`` if given; checked to answer ``status``, to be in
    ``language`` and to have exactly one main heading."""
    page = new_page(language=language)
    if signed_in_as:
        sign_in_as(page, site, signed_in_as)
        if after_sign_in:
            after_sign_in(page)
    response = page.goto(url)
    assert response is not None and response.status == status, \
        f"{url} answered {response and response.status}, expected {status}"
    if then:
        then(page)
    assert html_lang(page) == language, f"<html lang> is {html_lang(page)!r} on a page asked for in {language}"
    assert page.locator("h1").count() == 1, "the page should have exactly one main heading"
    return page


def assert_accessible(page, label: str, widths: tuple[dict[str, int], ...] = (DESKTOP, PHONE)) -> None:
    """The page as it is now passes axe-core (WCAG 2.1 A/AA) at each of ``widths`` in turn, and from
    the second width on does not scroll sideways; every problem is reported at once under ``label``."""
    problems = []
    for number, viewport in enumerate(widths):
        if number:
            page.set_viewport_size(viewport)
            overflow = horizontal_overflow(page)
            if overflow > 0:
                problems.append(f"at {viewport['width']}px the page scrolls sideways by {overflow}px")
        violations = axe_violations(page)
        if violations:
            problems.append(f"at {viewport['width']}px:\n{describe_violations(violations)}")
    assert not problems, f"{label}: " + "\n".join(problems)
