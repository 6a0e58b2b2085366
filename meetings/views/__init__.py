"""The core's blueprints and what every page's template needs."""

from __future__ import annotations

from flask import Flask, g, request

from ..domain.identity import site
from ..plugins import collect, meeting_admin_links


def register(app: Flask) -> None:
    from . import (
        about,
        attendance,
        auth,
        demo,
        followup,
        forums,
        interests,
        invitations,
        main,
        meeting_admin,
        meetings,
        organisation_admin,
        organisations,
        outbox,
        registrations,
        sessions,
    )

    for module in (main, auth, forums, organisations, organisation_admin, interests, meetings, meeting_admin,
                   registrations, invitations, attendance, sessions, outbox, followup, about):
        app.register_blueprint(module.bp)
    if app.config["DEMO_MODE"]:
        app.register_blueprint(demo.bp)

    # The organiser's meeting area on the meeting page and the organiser pages (attendance/_nav.html).
    app.jinja_env.globals["meeting_admin_links"] = lambda meeting: meeting_admin_links(meeting, g.get("person"))

    @app.context_processor
    def page_context():
        # Every render_template runs this, plugins' panels included: ask the hooks once a request.
        person = g.get("person")
        known = g.get("page_context")
        if known is not None and known["person"] is person:
            return known
        g.page_context = {
            "person": person,
            "plugin_nav_links": collect("nav_links", person=person),
            "head_links": collect("page_head_links", endpoint=request.endpoint,
                                  view_args=request.view_args or {}),
            "demo_mode": app.config["DEMO_MODE"],
            "site": site(),
        }
        return g.page_context

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'")
        return response
