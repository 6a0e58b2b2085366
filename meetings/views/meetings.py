"""Meeting pages: the directory of meetings, the page everyone sees, and a signed-in person's own
registration."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for

from ..auth import login_required
from ..caching import kept_for_visitors
from ..domain import directory, queries
from ..domain import meetings as domain
from ..domain.permissions import may_manage_forum
from ..domain.registration import may_register, may_undo_cancel, registration_window_problem
from ..forms import EmptyForm
from ..models import Meeting, RegistrationStatus, utcnow
from ..plugins import panels
from ..text import render_markdown
from .registrations import change_forms, handle_change, registration_panels

bp = Blueprint("meetings", __name__)


def _visible_meeting(meeting_id: int) -> Meeting:
    meeting = queries.meeting_for_page(meeting_id)
    if meeting is None or not queries.meeting_visible_to(meeting, g.person):
        abort(404)
    return meeting


@bp.get("/meetings")
@kept_for_visitors
def index():
    filters = directory.parse_filters(request.args)
    now = utcnow()
    result = directory.directory_page(filters, request.args.get("page"), now=now)
    return render_template(
        "meetings/index.html", filters=filters, result=result, choices=directory.filter_choices(),
        in_use=directory.filters_in_use(filters), whens=list(directory.When), modes=list(directory.Mode),
        is_open=lambda meeting: directory.registration_is_open(meeting, now),
        panels=panels("meeting_directory_panels", filters=filters, person=g.person))


@bp.get("/meetings/<int:meeting_id>")
@kept_for_visitors
def detail(meeting_id: int):
    meeting = _visible_meeting(meeting_id)
    manages = may_manage_forum(g.person, meeting.forum)
    meeting_panels = panels("meeting_panels", meeting=meeting, person=g.person)
    registration = domain.registration_of(meeting, g.person)
    return render_template(
        "meetings/detail.html", meeting=meeting, panels=meeting_panels, manages=manages,
        description=render_markdown(meeting.description),
        access_info=render_markdown(meeting.access_info),
        agenda=[(item, render_markdown(item.description)) for item in meeting.agenda_items],
        online_url=queries.online_link(meeting, g.person),
        state=domain.registration_state(meeting),
        registration=registration if registration is not None and registration.is_active else None,
        may_register=may_register(meeting, g.person),
        participants=domain.public_participants(meeting), confirmed=domain.confirmed_count(meeting),
        button_form=EmptyForm(),
        sign_in_url=url_for("auth.sign_in", next=url_for("registrations.register_form", meeting_id=meeting.id)))


@bp.route("/meetings/<int:meeting_id>/my-registration", methods=["GET", "POST"])
@login_required
def my_registration(meeting_id: int):
    """A signed-in person changes or cancels their registration (no e-mailed link needed)."""
    meeting = _visible_meeting(meeting_id)
    registration = domain.registration_of(meeting, g.person)
    if registration is None:
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    forms = change_forms(registration)
    done = handle_change(registration, forms, url_for("meetings.my_registration", meeting_id=meeting.id))
    if done is not None:
        return done
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    return render_template(
        "meetings/my_registration.html", registration=registration, meeting=meeting, forms=forms,
        can_change=utcnow() < meeting.starts_at, may_undo=may_undo_cancel(registration),
        panels=registration_panels(meeting, g.person) if registration.is_active else [],
        may_register_again=registration_window_problem(meeting, utcnow()) is None,
        choose_sessions_url=url_for("sessions.choose", meeting_id=meeting.id)
        if confirmed and meeting.sessions and "sessions.choose" in current_app.view_functions else None,
        online_url=queries.online_link(meeting, g.person, registration))
