"""Compensation claims: organisations that attended a meeting claim a participation fee, mileage and
costs against receipts; the forum's organisers handle the claims, pay them and export them for the
accounts. A built-in plugin, loaded like any other, using only ``meetings.api`` and the hooks."""

from __future__ import annotations

from pathlib import Path

from flask import url_for

from meetings import api, hookimpl

from . import models  # noqa: F401 - registers the plugin's tables
from .i18n import _, domain, kronor, long_date


@hookimpl
def register_blueprints(app):
    from .views import bp

    app.register_blueprint(bp)


@hookimpl
def translation_domains():
    return [domain]


@hookimpl
def migration_directories():
    return [Path(__file__).parent / "migrations"]


@hookimpl
def plugin_settings():
    return [
        api.Setting("COMPENSATION_RECEIPT_DIR", str, default=None,
                    help="directory for receipts (default: compensation-receipts in the instance folder)"),
        api.Setting("COMPENSATION_MAX_UPLOAD_MB", int, default=10,
                    help="largest receipt accepted, in MB (at most 16, the site's upload limit)"),
        api.Setting("COMPENSATION_REMINDER_DAYS", int, default=7,
                    help="days before the claim deadline that organisations that have not claimed are reminded"),
        api.Setting("COMPENSATION_SIE_ACCOUNT_FEES", str, default="6990",
                    help="SIE export: account for participation fees"),
        api.Setting("COMPENSATION_SIE_ACCOUNT_MILEAGE", str, default="5800",
                    help="SIE export: account for mileage"),
        api.Setting("COMPENSATION_SIE_ACCOUNT_RECEIPTS", str, default="5890",
                    help="SIE export: account for costs against receipts"),
        api.Setting("COMPENSATION_SIE_ACCOUNT_PAYABLE", str, default="2440",
                    help="SIE export: account credited with what is owed to the organisations"),
    ]


@hookimpl
def register_jobs(scheduler, app):
    from .notify import reminder_job

    scheduler.add_job(reminder_job, "cron", hour=8, minute=15, args=[app], id="compensation.reminders",
                      replace_existing=True)


@hookimpl
def meeting_admin_links(meeting, person):
    if not api.manages_meeting(person, meeting):
        return None
    return [api.NavLink(url_for("compensation.meeting_claims", meeting_id=meeting.id), _("Compensation"), order=100)]


@hookimpl
def meeting_panels(meeting, person):
    from . import claims

    if person is None or meeting.status != api.MeetingStatus.PUBLISHED:
        return None
    rules = claims.effective_rules(meeting)
    if not rules.offered:
        return None
    found = claims.claimable(meeting, person)
    if not found:
        return None
    html = api.render_plugin_template(domain, "compensation/panel.html", meeting=meeting, found=found, rules=rules,
                                      state_label=_state_label, long_date=long_date, kronor=kronor)
    return [api.Panel(heading=_("Compensation"), html=html, order=60)]


def _state_label(state):
    from .views import state_label

    return state_label(state)


@hookimpl
def forum_panels(forum, person):
    if not api.manages_forum(person, forum):
        return None
    html = api.render_plugin_template(domain, "compensation/forum_panel.html", forum=forum)
    return [api.Panel(heading=_("Compensation"), html=html, order=60)]


@hookimpl
def account_panels(person):
    organisations = [o for o in api.organisations_of(person, "representative") if not o.is_public_sector]
    if not organisations:
        return None
    html = api.render_plugin_template(domain, "compensation/account_panel.html", organisations=organisations)
    return [api.Panel(heading=_("Compensation: payment details"), html=html, order=60)]


@hookimpl
def privacy_notice(locale):
    html = api.render_plugin_template(domain, "compensation/privacy.html")
    return [api.Panel(heading=_("Compensation for taking part"), html=html, order=60)]


@hookimpl
def attendance_removed(attendance):
    from .personal import check_in_undone

    check_in_undone(attendance)


@hookimpl
def person_data(person):
    from .personal import export

    return export(person)


@hookimpl
def erase_person(person):
    from .personal import erase

    erase(person)


@hookimpl
def demo_data(app):
    from .demo import load

    return load(app)


@hookimpl
def followup_sections(year, forum_ids):
    from .followup import sections

    return sections(year, forum_ids)

