"""Public pages for forums, organisations and meetings."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template
from sqlalchemy import select

from ..domain import queries
from ..extensions import db
from ..models import Forum, Meeting, Organisation
from ..plugins import Panel, collect
from ..text import render_markdown

bp = Blueprint("public", __name__)


@bp.get("/forums")
def forums():
    return render_template("forums/list.html", forums=queries.forums_in_order())


@bp.get("/forums/<slug>")
def forum(slug: str):
    forum = db.session.scalar(select(Forum).where(Forum.slug == slug)) or abort(404)
    coming, past = queries.meetings_of_forum(forum, g.person)
    return render_template("forums/detail.html", forum=forum, coming=coming, past=past,
                           description=render_markdown(forum.description))


@bp.get("/organisations")
def organisations():
    return render_template("organisations/list.html",
                           organisations=queries.organisations_in_order())


@bp.get("/organisations/<int:organisation_id>")
def organisation(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    return render_template("organisations/detail.html", organisation=organisation,
                           description=render_markdown(organisation.description))


@bp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id: int):
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not queries.meeting_visible_to(meeting, g.person):
        abort(404)
    panels: list[Panel] = sorted(collect("meeting_panels", meeting=meeting, person=g.person),
                                 key=lambda panel: panel.order)
    return render_template(
        "meetings/detail.html", meeting=meeting, panels=panels,
        description=render_markdown(meeting.description),
        online_url=meeting.online_url if queries.may_see_online_link(meeting, g.person) else None)
