"""A meeting's programme of sessions: organisers keep it, registrants choose sessions, everyone reads it.

The rules (capacity, waiting lists, overlapping sessions) live in meetings.domain.sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from ..auth import login_required
from ..domain import queries
from ..domain import sessions as domain
from ..domain.permissions import may_manage_forum
from ..domain.registration import registration_by_manage_token
from ..extensions import db, limiter
from ..forms import EmptyForm
from ..forms.sessions import ChooseSessionsForm, SessionForm
from ..models import Meeting, MeetingSession, MeetingStatus, Registration, RegistrationStatus, utcnow
from ..text import render_markdown

bp = Blueprint("sessions", __name__)


@dataclass(frozen=True)
class ProgrammeEntry:
    """A session as the programme shows it."""

    session: MeetingSession
    day: date  # in the site's time zone, to group a programme of several days
    one_day: bool  # starts and ends on the same local day: the time alone is shown
    description: Markup
    places_left: int | None  # None: no limit
    waiting: int


@bp.app_template_global("programme_entries")
def programme_entries(meeting: Meeting) -> list[ProgrammeEntry]:
    """For sessions/_programme.html, which other pages (the meeting page) include."""
    zone = ZoneInfo(current_app.config["TIME_ZONE"])
    sessions = domain.programme(meeting)
    waiting = domain.waiting_counts(meeting) if sessions else {}  # most meetings have no programme
    entries = []
    for session in sessions:
        start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
        places_left = None if session.capacity is None else max(session.capacity - session.confirmed_count, 0)
        entries.append(ProgrammeEntry(session=session, day=start.date(), one_day=start.date() == end.date(),
                                      description=render_markdown(session.description), places_left=places_left,
                                      waiting=waiting.get(session.id, 0)))
    return entries


def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not queries.meeting_visible_to(meeting, g.person):
        abort(404)
    return meeting


def _managed_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id) or abort(404)
    if not may_manage_forum(g.person, meeting.forum):
        abort(403)
    return meeting


def _session_of(meeting: Meeting, session_id: int) -> MeetingSession:
    session = db.session.get(MeetingSession, session_id)
    if session is None or session.meeting_id != meeting.id:
        abort(404)
    return session


def _own_registration(meeting: Meeting) -> Registration | None:
    return db.session.scalar(select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.person_id == g.person.id,
        Registration.status != RegistrationStatus.CANCELLED))


# --- for everyone --------------------------------------------------------------------------------

@bp.get("/meetings/<int:meeting_id>/programme-public")
def programme(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    registration = _own_registration(meeting) if g.person is not None else None
    return render_template("sessions/programme.html", meeting=meeting, registration=registration,
                           may_manage=may_manage_forum(g.person, meeting.forum))


# --- for the organisers --------------------------------------------------------------------------

def _session_form(meeting: Meeting) -> SessionForm:
    form = SessionForm()
    form.configure(domain.session_formats(meeting))
    return form


def _save(form: SessionForm, save) -> bool:
    """Run a domain function with the form's data; its objections are shown beside the fields."""
    try:
        save(form.session_data())
    except domain.SessionInvalid as invalid:
        form[invalid.field].errors = [*form[invalid.field].errors, invalid.message]
        return False
    return True


@bp.route("/meetings/<int:meeting_id>/programme", methods=["GET", "POST"])
@login_required
def manage(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    form = _session_form(meeting)
    if not form.is_submitted() and not meeting.sessions:
        # A first session starts with the meeting, which is what most programmes do.
        form.starts_at.data, form.ends_at.data = meeting.starts_at, None
    if form.validate_on_submit() and _save(form, lambda data: domain.create_session(meeting, data)):
        flash(_("The session is added to the programme."), "success")
        return redirect(url_for("sessions.manage", meeting_id=meeting.id))
    return render_template("sessions/manage.html", meeting=meeting, form=form, entries=programme_entries(meeting))


@bp.route("/meetings/<int:meeting_id>/programme/<int:session_id>", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int, session_id: int):
    meeting = _managed_meeting(meeting_id)
    session = _session_of(meeting, session_id)
    form = _session_form(meeting)
    if not form.is_submitted():
        form.fill_from(session)
    if form.validate_on_submit() and _save(form, lambda data: domain.update_session(session, data)):
        flash(_("The session is saved."), "success")
        return redirect(url_for("sessions.manage", meeting_id=meeting.id))
    confirmed, waiting = domain.session_participants(session)
    return render_template("sessions/edit.html", meeting=meeting, session=session, form=form,
                           confirmed=confirmed, waiting=waiting, delete_form=EmptyForm(prefix="delete"))


@bp.post("/meetings/<int:meeting_id>/programme/<int:session_id>/delete")
@login_required
def delete(meeting_id: int, session_id: int):
    meeting = _managed_meeting(meeting_id)
    session = _session_of(meeting, session_id)
    if not EmptyForm(prefix="delete").validate_on_submit():
        abort(400)
    title = session.title
    domain.delete_session(session)
    flash(_("“%(title)s” is removed from the programme.", title=title), "success")
    return redirect(url_for("sessions.manage", meeting_id=meeting.id))


# --- for registrants -----------------------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>/programme/choose", methods=["GET", "POST"])
@login_required
def choose(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    registration = _own_registration(meeting)
    return _choose(meeting, registration, url_for("sessions.choose", meeting_id=meeting.id))


@bp.route("/registrations/<token>/sessions", methods=["GET", "POST"])
@limiter.limit("60 per 15 minutes", methods=["POST"])
def choose_by_token(token: str):
    registration = registration_by_manage_token(token)
    if registration is None:
        abort(404)
    return _choose(registration.meeting, registration, url_for("sessions.choose_by_token", token=token))


def _choose(meeting: Meeting, registration: Registration | None, here: str):
    entries = programme_entries(meeting)
    form = ChooseSessionsForm()
    form.configure([entry.session for entry in entries])
    can_choose = (registration is not None and registration.status == RegistrationStatus.CONFIRMED
                  and meeting.status == MeetingStatus.PUBLISHED and bool(entries))
    if can_choose and form.validate_on_submit():
        try:
            domain.choose_sessions(registration, form.sessions.data)
        except domain.SessionRefused as refused:
            form.sessions.errors = [refused.message]
        else:
            flash(_("Your choice of sessions is saved."), "success")
            return redirect(here)
    elif request.method == "POST" and not can_choose:
        flash(_("Your choice could not be saved."), "error")
    choices = domain.current_choices(registration) if registration is not None else {}
    if not form.is_submitted():
        form.sessions.data = list(choices)
    return render_template(
        "sessions/choose.html", meeting=meeting, registration=registration, form=form, entries=entries,
        choices=choices, positions=_waiting_positions(choices.values()), can_choose=can_choose, now=utcnow(),
        checked=set(form.sessions.data or ()))


def _waiting_positions(choices) -> dict[int, int]:
    return {choice.session_id: domain.waiting_position(choice) for choice in choices
            if choice.status == RegistrationStatus.WAITING}

