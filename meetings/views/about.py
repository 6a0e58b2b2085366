"""The pages about the service itself: the accessibility statement, the privacy notice, and the icon.

Both statements are required of a public body's site in Sweden (lagen (2018:1937) om tillgänglighet
till digital offentlig service; the GDPR's articles 13 and 14). Who runs the service and how to
reach them come from the settings (``meetings.domain.identity.site``), so each operator's pages name
themselves.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, send_from_directory

from ..domain.auth import LINK_LIFETIME
from ..i18n import current_language
from ..plugins import panels

bp = Blueprint("about", __name__)

DIGG_REPORT_FORM = "https://www.digg.se/tdosanmalan"
IMY = "https://www.imy.se/"


@bp.get("/accessibility")
def accessibility():
    return render_template("about/accessibility.html", digg_report_form=DIGG_REPORT_FORM)


@bp.get("/privacy")
def privacy():
    return render_template("about/privacy.html", imy=IMY,
                           sign_in_minutes=int(LINK_LIFETIME.total_seconds() // 60),
                           plugin_sections=panels("privacy_notice", locale=current_language()))


@bp.get("/favicon.ico")
def favicon():
    """Browsers and feed readers ask for /favicon.ico whatever the page links to."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=7 * 24 * 3600)
