"""Error pages in the visitor's language."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

# SQLite: another writer held the database for longer than the busy timeout. PostgreSQL: a
# deadlock, a serialisation failure or a lock that could not be had. All mean "try again".
BUSY_SQLSTATES = {"40P01", "40001", "55P03"}
RETRY_AFTER_SECONDS = 5


def database_busy(error: OperationalError) -> bool:
    if "database is locked" in str(error.orig) or "database table is locked" in str(error.orig):
        return True
    return getattr(error.orig, "sqlstate", None) in BUSY_SQLSTATES


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please check what you entered.")),
        403: (_("Not allowed"), _("You do not have permission to see this page.")),
        404: (_("Page not found"), _("There is no page at this address. It may have been moved or removed.")),
        405: (_("Not allowed"), _("This page cannot be used that way.")),
        429: (_("Too many attempts"),
              _("You have tried too many times in a short while. Please wait a few minutes and try again.")),
        503: (_("Busy right now"),
              _("Many people are using the service at this moment, so nothing you sent was saved. "
                "Please wait a few seconds and send it again.")),
        500: (_("Something went wrong"),
              _("An error occurred on our side. Nothing you sent was half-saved; please try again.")),
    }


def render_error(code: int, detail: str | None = None):
    title, text = _messages().get(code, _messages()[500])
    return render_template("errors/error.html", code=code, title=title, text=detail or text), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _("The form had expired or was sent from another site. "
                                   "Please go back, reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code in (400, 403, 404, 405, 429):
            return render_error(error.code)
        return error

    @app.errorhandler(OperationalError)
    def busy_database(error: OperationalError):
        from .extensions import db

        db.session.rollback()  # the request's transaction is undone whole: nothing is half-written
        if not database_busy(error):
            app.logger.error("Database error", exc_info=error)
            return render_error(500)
        app.logger.warning("Database busy; answered 503: %s", error.orig)
        body, code = render_error(503)
        return body, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    @app.errorhandler(500)
    def server_error(error):
        from .extensions import db

        db.session.rollback()
        return render_error(500)
