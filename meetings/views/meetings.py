"""Meeting pages: the page everyone sees, and a signed-in person's own registration."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..auth import login_required
from ..domain import meetings as domain
from ..domain import queries
from ..domain.permissions import may_manage_forum
from ..domain.registration import (
    RegistrationRefused,
    cancel,
    may_register,
    offered_modes,
    registration_window_problem,
    switch_mode,
)
from ..extensions import db
from ..forms import EmptyForm
from ..forms.registration import CancelRegistrationForm, ChangeModeForm, mode_choices
from ..models import Meeting, ParticipationMode, RegistrationStatus, utcnow
from ..plugins import panels
from ..text import render_markdown

bp = Blueprint("meetings", __name__)

def _visible_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not queries.meeting_visible_to(meeting, g.person):
        abort(404)
    return meeting


@bp.get("/meetings/<int:meeting_id>")
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
    mode_form = ChangeModeForm(prefix="mode")
    mode_form.mode.choices = mode_choices(offered_modes(meeting))
    cancel_form = CancelRegistrationForm(prefix="cancel")
    here = url_for("meetings.my_registration", meeting_id=meeting.id)
    try:
        if request.method == "POST" and "cancel-submit" in request.form and cancel_form.validate_on_submit():
            cancel(registration)
            flash(_("Your registration is cancelled."), "success")
            return redirect(here)
        if request.method == "POST" and "mode-submit" in request.form and mode_form.validate_on_submit():
            switch_mode(registration, ParticipationMode(mode_form.mode.data))
            flash(_("Your registration was changed."), "success")
            return redirect(here)
    except RegistrationRefused as refused:
        flash(refused.message, "error")
    if not mode_form.is_submitted():
        mode_form.mode.data = registration.mode.value
    db.session.refresh(registration)
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    return render_template(
        "meetings/my_registration.html", registration=registration, meeting=meeting, mode_form=mode_form,
        cancel_form=cancel_form, can_change=utcnow() < meeting.starts_at,
        may_register_again=registration_window_problem(meeting, utcnow()) is None,
        choose_sessions_url=url_for("sessions.choose", meeting_id=meeting.id)
        if confirmed and meeting.sessions and "sessions.choose" in current_app.view_functions else None,
        online_url=queries.online_link(meeting, g.person, registration))
