"""Minutes (protokoll) as Swedish public bodies keep them: § paragraphs numbered per forum and year,
justering by the chair and justerare, corrections as revisions, a PDF/A protocol, protocol
extracts by e-mail, action items followed up, and figures for the yearly follow-up.
A built-in plugin that uses only ``meetings.api`` and the hooks."""

from __future__ import annotations

from pathlib import Path

from flask import url_for

from meetings import api, hookimpl

from . import (
    models,  # noqa: F401 - registers the plugin's tables
    rules,
)
from .i18n import _, domain


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
        api.Setting("MINUTES_APPROVAL_REMINDER_DAYS", type=int, default=7,
                    help="Remind the chair and justerare when minutes are not approved this many days after "
                         "they were sent for approval."),
        api.Setting("MINUTES_ACTION_REMINDER_DAYS", type=int, default=3,
                    help="Remind whoever was given an action item this many days before it is due."),
    ]


@hookimpl
def meeting_admin_links(meeting, person):
    if not api.manages_meeting(person, meeting):
        return None
    return [api.NavLink(url_for("minutes.manage", meeting_id=meeting.id), _("Minutes"), order=80)]


@hookimpl
def meeting_panels(meeting, person):
    protocol = rules.protocol_of(meeting)
    if protocol is None or not rules.may_read(person, protocol):
        return None
    html = api.render_plugin_template(domain, "minutes/meeting_panel.html", protocol=protocol, person=person,
                                      may_edit=rules.may_edit(person, protocol))
    return [api.Panel(heading=_("Minutes"), html=html, order=60)]


@hookimpl
def forum_panels(forum, person):
    newest = rules.published_for_forum(forum, person, page_size=rules.MINUTES_ON_FORUM_PAGE)
    may_manage = api.manages_forum(person, forum)
    if not newest.items and not may_manage:
        return None
    html = api.render_plugin_template(domain, "minutes/forum_panel.html", forum=forum, newest=newest,
                                      may_manage=may_manage)
    return [api.Panel(heading=_("Minutes"), html=html, order=60)]


@hookimpl
def organisation_panels(organisation, person):
    paragraphs = rules.public_paragraphs_of_organisation(organisation, person)
    if not paragraphs:
        return None
    html = api.render_plugin_template(domain, "minutes/organisation_panel.html", organisation=organisation,
                                      paragraphs=paragraphs)
    return [api.Panel(heading=_("In the minutes"), html=html, order=60)]


@hookimpl
def account_panels(person):
    pending = rules.pending_for(person)
    if not pending:
        return None
    html = api.render_plugin_template(domain, "minutes/account_panel.html", protocols=pending)
    return [api.Panel(heading=_("Minutes to approve"), html=html, order=20)]


@hookimpl
def register_jobs(scheduler, app):
    def remind():
        with app.app_context():
            rules.send_reminders(api.utcnow(), app.config["MINUTES_APPROVAL_REMINDER_DAYS"],
                                 app.config["MINUTES_ACTION_REMINDER_DAYS"])

    scheduler.add_job(remind, "interval", hours=1, id="minutes_reminders", replace_existing=True)


@hookimpl
def person_data(person):
    return rules.person_export(person)


@hookimpl
def privacy_notice(locale):
    html = api.render_plugin_template(domain, "minutes/privacy.html")
    return [api.Panel(heading=_("Minutes"), html=html, order=70)]


@hookimpl
def erase_person(person):
    rules.erase(person)


@hookimpl
def demo_data(app):
    from . import demo

    return demo.load(app)


@hookimpl
def followup_sections(year, forum_ids):
    figures = rules.followup_figures(year, forum_ids)
    labelled = {
        _("Minutes published"): figures["published"],
        _("Paragraphs"): figures["paragraphs"],
        _("Action items done"): figures["actions_done"],
        _("Action items open"): figures["actions_open"],
        _("Median days from meeting to approved minutes"): figures["median_days"],
    }
    html = api.render_plugin_template(domain, "minutes/followup.html", figures=labelled, year=year)
    return [api.ReportSection(heading=_("Minutes and follow-up of input"), html=html, figures=labelled)]
