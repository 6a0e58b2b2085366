"""Addresses on the public site (BASE_URL), for what leaves the request: feeds, e-mails, exports.

An external ``url_for`` uses the host the request came in on, which may be an internal
name behind a proxy or one an attacker chose (a mailed sign-in link pointing at their site);
``public_url`` always uses the configured public address, and is the only way the code builds an
absolute link (tests/test_hosts.py fails on any other). ``refuse_foreign_hosts`` keeps requests for
any other host away from the app altogether.
"""

from __future__ import annotations

from urllib.parse import urlsplit

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
