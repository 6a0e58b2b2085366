"""Calendar feeds (iCalendar): every public meeting, one forum, filtered by subject area or
municipality, a personal feed behind a secret address, one meeting as a download, and calendar
invitations attached to e-mails. A built-in plugin, loaded like any other."""

from __future__ import annotations

from pathlib import Path

from flask import url_for

from meetings import hookimpl
from meetings.i18n import current_language
from meetings.plugins import NavLink, Panel, render_plugin_template
from meetings.urls import public_url

from . import feeds, itip, models, tokens  # noqa: F401 - models registers the plugin's table
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
def nav_links(person):
    return [NavLink(url_for("ical.subscribe"), _("Calendar"))]


@hookimpl
def meeting_panels(meeting, person):
    if meeting.status.value == "draft":
        return None
    html = render_plugin_template(domain, "ical/panel.html", meeting=meeting, person=person,
                                  forum_feed=public_url("ical.forum_meetings", slug=meeting.forum.slug))
    return [Panel(heading=_("In your calendar"), html=html, order=50)]


@hookimpl
def forum_panels(forum, person):
    html = render_plugin_template(domain, "ical/forum_panel.html", forum=forum,
                                  links=feeds.feed_links("ical.forum_meetings", slug=forum.slug))
    return [Panel(heading=_("In your calendar"), html=html, order=50)]


@hookimpl
def meeting_directory_panels(filters, person):
    if filters.problems:
        return None  # a search that finds nothing because of a wrong value is nothing to subscribe to
    links = feeds.feed_links("ical.all_meetings", lang=current_language(), **filters.query_args(when=False))
    html = render_plugin_template(domain, "ical/directory_panel.html", links=links,
                                  months=round(feeds.FEED_HISTORY.days / 30.5))
    return [Panel(heading=_("These meetings in your calendar"), html=html, order=50)]


@hookimpl
def account_panels(person):
    html = render_plugin_template(domain, "ical/account_panel.html")
    return [Panel(heading=_("Your personal calendar"), html=html, order=50)]


@hookimpl
def registration_panels(meeting, person):
    if meeting.status.value != "published":
        return None
    html = render_plugin_template(domain, "ical/add.html", meeting=meeting, google=feeds.google_calendar_url(meeting),
                                  outlook=feeds.outlook_calendar_url(meeting))
    return [Panel(heading=_("Add it to your calendar"), html=html, order=50)]


@hookimpl
def page_head_links(endpoint, view_args):
    if endpoint == "main.home":
        return [{"rel": "alternate", "type": "text/calendar", "title": _("All public meetings"),
                 "href": public_url("ical.all_meetings")}]
    if endpoint == "forums.detail" and "slug" in view_args:
        return [{"rel": "alternate", "type": "text/calendar", "title": _("Meetings of this forum"),
                 "href": public_url("ical.forum_meetings", slug=view_args["slug"])}]
    if endpoint == "meetings.detail" and "meeting_id" in view_args:
        return [{"rel": "alternate", "type": "text/calendar", "title": _("This meeting"),
                 "href": public_url("ical.one_meeting", meeting_id=view_args["meeting_id"])}]
    return None


@hookimpl
def mail_attachments(kind, meeting, recipient):
    attachment = itip.attachment_for(kind, meeting, recipient)
    return [attachment] if attachment else None


@hookimpl
def person_data(person):
    feeds = tokens.export(person)
    return {"calendar_feeds": feeds} if feeds else None


@hookimpl
def erase_person(person):
    tokens.erase(person)
