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
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface

from .i18n import LANGUAGE_COOKIE

SHARED_CACHE_SECONDS = 60
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


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.after_request(cache_headers)
