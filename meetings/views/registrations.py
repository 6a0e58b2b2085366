"""Registering for a meeting, and managing a registration by its personal link."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..auth import login_required
from ..domain import queries
from ..domain.registration import (
    RegistrationRefused,
    cancel,
    offered_modes,
    register,
    registration_by_manage_token,
    registration_window_problem,
    switch_mode,
)
from ..extensions import db, limiter
from ..forms.registration import CancelRegistrationForm, ChangeModeForm, RegistrationForm, mode_choices
from ..models import Meeting, MembershipRole, Organisation, ParticipationMode, RegistrationStatus, utcnow

bp = Blueprint("registrations", __name__)


def _visible_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not queries.meeting_visible_to(meeting, g.person):
        abort(404)
    return meeting


@bp.route("/meetings/<int:meeting_id>/register", methods=["GET", "POST"])
@login_required
def register_form(meeting_id: int):
    meeting = _visible_meeting(meeting_id)
    organisations = g.person.organisations_with_role(MembershipRole.REPRESENTATIVE)
    form = RegistrationForm()
    form.configure(meeting, offered_modes(meeting), organisations)
    problem = registration_window_problem(meeting, utcnow())
    if form.validate_on_submit() and problem is None:
        organisation = db.session.get(Organisation, int(form.organisation.data)) if form.organisation.data else None
        try:
            registered = register(
                meeting, g.person, ParticipationMode(form.mode.data), organisation=organisation,
                dietary_needs=form.dietary_needs.data or "", access_needs=form.access_needs.data or "",
                show_name_publicly=form.show_name_publicly.data)
        except RegistrationRefused as refused:
            flash(refused.message, "error")
        else:
            if registered.registration.status == RegistrationStatus.CONFIRMED:
                flash(_("You are registered. A confirmation is on its way by e-mail."), "success")
            else:
                flash(_("The meeting is full: you are on the waiting list. We e-mail you if a place becomes free."),
                      "success")
            return redirect(url_for("registrations.manage", token=registered.manage_token))
    return render_template("registrations/register.html", meeting=meeting, form=form,
                           problem=RegistrationRefused(problem).message if problem else None)


@bp.route("/registrations/<token>", methods=["GET", "POST"])
@limiter.limit("60 per 15 minutes", methods=["POST"])
def manage(token: str):
    registration = registration_by_manage_token(token)
    if registration is None:
        abort(404)
    meeting = registration.meeting
    mode_form = ChangeModeForm(prefix="mode")
    mode_form.mode.choices = mode_choices(offered_modes(meeting))
    cancel_form = CancelRegistrationForm(prefix="cancel")
    try:
        if request.method == "POST" and "cancel-submit" in request.form and cancel_form.validate_on_submit():
            cancel(registration)
            flash(_("Your registration is cancelled."), "success")
            return redirect(url_for("registrations.manage", token=token))
        if request.method == "POST" and "mode-submit" in request.form and mode_form.validate_on_submit():
            switch_mode(registration, ParticipationMode(mode_form.mode.data))
            flash(_("Your registration was changed."), "success")
            return redirect(url_for("registrations.manage", token=token))
    except RegistrationRefused as refused:
        flash(refused.message, "error")
    if not mode_form.is_submitted():
        mode_form.mode.data = registration.mode.value
    db.session.refresh(registration)
    return render_template("registrations/manage.html", registration=registration, meeting=meeting,
                           mode_form=mode_form, cancel_form=cancel_form,
                           can_change=utcnow() < meeting.starts_at,
                           online_url=queries.online_link(meeting, registration.person, registration))
