"""What a browser or a shared cache (a proxy in front of the app) may keep, and for how long.

- A page for one person (someone is signed in, or the address holds a secret such as an
  invitation's token) is never stored: ``private, no-store``.
- A page every visitor gets alike (nobody signed in, no session read or written, no language
  cookie) is ``public``: a shared cache may keep it for ``SHARED_CACHE_SECONDS``, and it carries
  an ETag, so a browser asks again and gets "304 Not Modified" while it is unchanged. Such a
  page sets no cookie and says ``Vary: Accept-Language`` (the browser's language chose it), never
  ``Vary: Cookie``.
- A visitor's page that did depend on cookies (a form whose CSRF token lives in the session, a
  message shown once, a language chosen with the switcher) is ``private, no-cache``.

Browsers must revalidate (``max-age=0``): with no ``Vary: Cookie`` they would otherwise show the
copy they kept as a visitor after signing in or switching language. A shared cache in front must
pass requests that carry the session or language cookie to the app (Varnish does so for any
cookie by default; README, "Running in production").

Views that decide for themselves (feeds, downloads, static files) set ``Cache-Control`` and are
left as they are.

The page cache (``PageCache``) is such a shared cache inside each web process ("microcaching"):
a visitor's public page of a view marked ``@kept_for_visitors`` is kept for
``PUBLIC_PAGE_CACHE_SECONDS`` (never longer than the ``s-maxage`` it was sent with), so the next
visitor asking for the same address in the same language gets the same bytes without a render.
Any commit in this process that changed the database empties it, so nobody sees a page older than
their own change; another process's change shows within the time, as behind a proxy's cache.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, has_app_context, request, session
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import event
from sqlalchemy.orm import Session

from .i18n import LANGUAGE_COOKIE, select_locale

SHARED_CACHE_SECONDS = 60
PAGE_CACHE_KEY = "meetings.page_cache"
PAGE_CACHE_ENTRIES = 512
# What a kept page may vary on: both are in its key (the negotiated language, gzip accepted or not).
KEYED_VARY = frozenset({"accept-language", "accept-encoding"})
# Made again for each answer, by the hooks that made them.
NOT_KEPT_HEADERS = frozenset({"content-length", "server-timing", "age"})
_CHANGED = "meetings.page_cache.changed"
# Parts of an address that are secrets: whoever holds the link may see the page.
SECRET_VIEW_ARGS = ("token", "code")


def for_one_person() -> bool:
    """A page for one person: someone is signed in, or the address holds a secret."""
    return g.get("person") is not None or any(name in (request.view_args or {}) for name in SECRET_VIEW_ARGS)


def _brought_session(app: Flask) -> bool:
    return app.session_interface.get_cookie_name(app) in request.cookies


def depends_on_cookies(app: Flask) -> bool:
    """Whether this response may have used what the browser's cookies hold: a session came with the
    request or was started by it, or the visitor chose a language."""
    return _brought_session(app) or bool(session) or session.modified or LANGUAGE_COOKIE in request.cookies


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, without "Vary: Cookie" where no session came or was made.

    Flask adds it whenever the session was looked at, and every page looks (who is signed in, any
    message to show), so no page would be the same for all. A request without a session cookie
    that leaves the session empty got what every visitor gets; a proxy in front passes requests
    that do carry the cookie (see above).
    """

    def save_session(self, app: Flask, session, response: Response) -> None:
        if not session and not session.modified and not _brought_session(app):
            return
        super().save_session(app, session, response)


def cache_headers(response: Response) -> Response:
    if for_one_person():
        # Personal data, or a page behind a secret link: not kept by the browser or any cache.
        response.headers.setdefault("Cache-Control", "private, no-store")
        return response
    if ("Cache-Control" in response.headers or request.method not in ("GET", "HEAD")
            or response.status_code != 200 or response.direct_passthrough or response.is_streamed):
        return response
    if depends_on_cookies(current_app):
        response.cache_control.private = True
        response.cache_control.no_cache = True
        response.vary.add("Cookie")
    else:
        response.cache_control.public = True
        response.cache_control.max_age = 0
        response.cache_control.s_maxage = SHARED_CACHE_SECONDS
    response.vary.add("Accept-Language")
    response.add_etag()
    return response.make_conditional(request)


@dataclass(frozen=True)
class KeptPage:
    body: bytes
    headers: tuple[tuple[str, str], ...]
    stored: float
    expires: float


class PageCache:
    """Visitors' public pages by address, language and encoding: at most ``size`` (least recently
    used out first), each for at most ``seconds``. Shared by the threads of one process."""

    def __init__(self, seconds: int, size: int = PAGE_CACHE_ENTRIES, clock: Callable[[], float] = time.monotonic):
        self.seconds, self.size, self.clock = seconds, size, clock
        self._pages: OrderedDict[tuple, KeptPage] = OrderedDict()
        self._lock = threading.Lock()
        # Counts the clearings: a page begun before one is not kept (it may show the old data).
        self.generation = 0

    def get(self, key: tuple) -> KeptPage | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if page.expires <= self.clock():
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: tuple, response: Response, seconds: float, generation: int) -> None:
        now = self.clock()
        headers = tuple((name, value) for name, value in response.headers.items()
                        if name.lower() not in NOT_KEPT_HEADERS)
        page = KeptPage(response.get_data(), headers, now, now + seconds)
        with self._lock:
            if generation != self.generation:
                return
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self.generation += 1

    def __len__(self) -> int:
        return len(self._pages)


def kept_for_visitors(view: Callable) -> Callable:
    """Marks a view whose public pages for visitors the page cache may keep. Whether a given
    answer is kept is decided here, by ``_seconds_to_keep``: public, 200, no cookie set."""
    view.kept_for_visitors = True
    return view


def _page_cache_applies(app: Flask) -> bool:
    """A visitor's GET or HEAD of a marked view: no session or language cookie, so nobody is signed
    in and the page is what ``cache_headers`` makes public for every visitor alike."""
    return (request.method in ("GET", "HEAD") and not _brought_session(app) and LANGUAGE_COOKIE not in request.cookies
            and getattr(app.view_functions.get(request.endpoint), "kept_for_visitors", False)
            and not for_one_person())


def serve_kept_page() -> Response | None:
    app = current_app._get_current_object()
    cache = app.extensions.get(PAGE_CACHE_KEY)
    if cache is None or not _page_cache_applies(app):
        return None
    # Everything the page may vary on (KEYED_VARY): the language chosen from Accept-Language.
    key = (request.url, select_locale(), request.accept_encodings.quality("gzip") > 0)
    g.page_cache = (key, cache.generation)
    page = cache.get(key)
    if page is None:
        return None
    g.page_cache = None
    response = app.response_class(page.body, headers=list(page.headers))
    response.headers["Age"] = str(int(cache.clock() - page.stored))
    return response.make_conditional(request)


def _seconds_to_keep(response: Response, most: int) -> float:
    control = response.cache_control
    if (response.status_code != 200 or response.direct_passthrough or response.is_streamed
            or "Set-Cookie" in response.headers or depends_on_cookies(current_app)
            or not control.public or control.private or control.no_store or control.no_cache
            or any(name.lower() not in KEYED_VARY for name in response.vary)):
        return 0
    shared = control.s_maxage if control.s_maxage is not None else control.max_age
    return min(most, shared or 0)


def keep_page(response: Response) -> Response:
    """After ``cache_headers``: keep a visitor's public page as sent."""
    noted = g.pop("page_cache", None)
    if noted is None or request.method != "GET":
        return response
    cache = current_app.extensions[PAGE_CACHE_KEY]
    seconds = _seconds_to_keep(response, cache.seconds)
    if seconds > 0:
        key, generation = noted
        cache.put(key, response, seconds, generation)
    return response


def _note_changes(session: Session, flush_context) -> None:
    # After a flush, new, dirty and deleted still list what it wrote.
    if session.new or session.dirty or session.deleted:
        session.info[_CHANGED] = True


def _note_statement(orm_execute_state) -> None:
    if not orm_execute_state.is_select:  # an UPDATE, INSERT or DELETE statement, or raw SQL
        orm_execute_state.session.info[_CHANGED] = True


def _clear_after_change(session: Session) -> None:
    if session.info.pop(_CHANGED, False) and has_app_context():
        cache = current_app.extensions.get(PAGE_CACHE_KEY)
        if cache is not None:
            cache.clear()


def _listen_for_commits() -> None:
    for name, listener in (("after_flush", _note_changes), ("do_orm_execute", _note_statement),
                           ("after_commit", _clear_after_change)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def init_app(app: Flask) -> None:
    """After the signed-in person is loaded (``for_one_person`` reads it)."""
    app.session_interface = SessionInterface()
    if app.config["PUBLIC_PAGE_CACHE_SECONDS"] > 0:
        app.extensions[PAGE_CACHE_KEY] = PageCache(min(app.config["PUBLIC_PAGE_CACHE_SECONDS"], SHARED_CACHE_SECONDS))
        _listen_for_commits()
        app.before_request(serve_kept_page)
        app.after_request(keep_page)  # registered first, so it runs after cache_headers
    app.after_request(cache_headers)
