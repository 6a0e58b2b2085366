"""Meeting pages."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template

from ..domain import queries
from ..extensions import db
from ..models import Meeting
from ..plugins import Panel, collect
from ..text import render_markdown

bp = Blueprint("meetings", __name__)


@bp.get("/meetings/<int:meeting_id>")
def detail(meeting_id: int):
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not queries.meeting_visible_to(meeting, g.person):
        abort(404)
    panels: list[Panel] = sorted(collect("meeting_panels", meeting=meeting, person=g.person),
                                 key=lambda panel: panel.order)
    return render_template(
        "meetings/detail.html", meeting=meeting, panels=panels,
        description=render_markdown(meeting.description),
        online_url=meeting.online_url if queries.may_see_online_link(meeting, g.person) else None)
