"""Addresses on the public site (BASE_URL), for what leaves the request: feeds, e-mails, exports.

An external ``url_for`` uses the host the request came in on, which may be an internal
name behind a proxy or one an attacker chose (a mailed sign-in link pointing at their site);
``public_url`` always uses the configured public address, and is the only way the code builds an
absolute link (tests/test_hosts.py fails on any other). ``refuse_foreign_hosts`` keeps requests for
any other host away from the app altogether.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app
from werkzeug.routing import MapAdapter
from werkzeug.sansio.utils import host_is_trusted
from werkzeug.wrappers import Response
from werkzeug.wsgi import get_host

EXTENSION_KEY = "meetings.public_urls"


def _adapter(app: Flask) -> MapAdapter:
    adapter = app.extensions.get(EXTENSION_KEY)
    if adapter is None:
        base = urlsplit(app.config["BASE_URL"])
        adapter = app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
        app.extensions[EXTENSION_KEY] = adapter
    return adapter


def public_url(endpoint: str, **values) -> str:
    """The absolute public address of ``endpoint``; extra values become the query string."""
    return _adapter(current_app).build(endpoint, values, force_external=True)


NEXT_PATH_LENGTH = 500


def safe_next_path(target: object) -> str:
    """``target`` if it is a path on this site, else ``"/"``: the one check for every ``next``.

    Browsers forgive a great deal: they drop tabs and line breaks, read a backslash as a slash and
    ``//host`` as another site. So a target is refused if it, or what it becomes when percent-
    decoded (up to three times) or Unicode-normalised, holds a control character or a backslash,
    has white space before its query, does not start with exactly one slash, or names a scheme or
    host. A refused target is not an error: the person simply lands on the home page.
    """
    if not isinstance(target, str) or not target or len(target) > NEXT_PATH_LENGTH:
        return "/"
    forms = [target]
    for _ in range(3):
        decoded = unquote(forms[-1])
        if decoded == forms[-1]:
            break
        forms.append(decoded)
    forms += [unicodedata.normalize("NFKC", form) for form in forms]
    for form in forms:
        if not form.startswith("/") or form.startswith(("//", "/\\")) or "\\" in form:
            return "/"
        if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in form):
            return "/"
        if any(char.isspace() for char in form.partition("?")[0]):
            return "/"
        parts = urlsplit(form)
        if parts.scheme or parts.netloc:
            return "/"
    return target


def refuse_foreign_hosts(app: Flask) -> None:
    """Answer 400 to a request whose Host is not BASE_URL's or one in EXTRA_HOSTS.

    Done in front of the app, so such a request reaches no view, hook or error page: nothing it
    causes can carry its host into a link.
    """
    inner = app.wsgi_app

    def checked(environ, start_response):
        if not host_is_trusted(get_host(environ).lower(), app.config["SITE_HOSTS"]):
            refused = Response("400 Bad Request: this site does not answer to that host name.\n",
                               status=400, mimetype="text/plain")
            return refused(environ, start_response)
        return inner(environ, start_response)

    app.wsgi_app = checked
