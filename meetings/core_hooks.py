"""The core's own contributions to its hooks, registered as the plugin ``meetings`` in every app.

The organiser's meeting area is one list of links: the core's pages here, a plugin's beside them
through the same hook, ordered by ``NavLink.order``.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from .domain.permissions import may_manage_forum
from .hookspecs import hookimpl
from .models import MeetingStatus
from .plugins import NavLink


@hookimpl
def nav_links(person):
    """The yearly follow-up: the full report for admins and organisers, the public summary for others."""
    if person is not None and person.is_organiser:
        return [NavLink(url_for("followup.report"), _("Follow-up"), order=50)]
    return [NavLink(url_for("followup.summary"), _("Follow-up"), order=50)]


@hookimpl
def meeting_admin_links(meeting, person):
    if not may_manage_forum(person, meeting.forum):
        return None
    links = []
    if meeting.status != MeetingStatus.CANCELLED:
        links += [NavLink(url_for("meeting_admin.edit", meeting_id=meeting.id), _("Edit meeting"), order=10),
                  NavLink(url_for("meeting_admin.agenda", meeting_id=meeting.id), _("Agenda"), order=20)]
    links += [
        NavLink(url_for("invitations.overview", meeting_id=meeting.id), _("Invitations"), order=30),
        NavLink(url_for("sessions.manage", meeting_id=meeting.id), _("Programme and sessions"), order=40),
        NavLink(url_for("attendance.check_in", meeting_id=meeting.id), _("Check-in"), order=50),
        NavLink(url_for("attendance.lists", meeting_id=meeting.id), _("Participant lists"), order=60),
        NavLink(url_for("attendance.sign_in_sheet", meeting_id=meeting.id), _("Sign-in sheet"), order=70),
    ]
    return links
