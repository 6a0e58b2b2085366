"""Addresses on the public site (BASE_URL), for what leaves the request: feeds, e-mails, exports.

``url_for(..., _external=True)`` uses the host the request came in on, which behind a proxy may be
an internal name; these helpers always use the configured public address.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app
from werkzeug.routing import MapAdapter

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
