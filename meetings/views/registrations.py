"""Registering for a meeting, and managing a registration by its personal link."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from ..domain import queries
from ..domain.attendance import organisation_suggestions
from ..domain.auth import normalise_email
from ..domain.registration import (
    RegistrationRefused,
    cancel,
    may_register,
    may_undo_cancel,
    offered_modes,
    register,
    register_by_address,
    registration_by_manage_token,
    registration_window_problem,
    switch_mode,
    undo_cancel,
)
from ..errors import render_error
from ..extensions import db, limiter
from ..forms.registration import (
    CancelRegistrationForm,
    ChangeModeForm,
    OpenRegistrationForm,
    RegistrationForm,
    UndoCancelForm,
    mode_choices,
)
from ..i18n import current_language
from ..models import (
    Meeting,
    MembershipRole,
    Organisation,
    ParticipationMode,
    Registration,
    RegistrationStatus,
    utcnow,
)
from ..plugins import Panel, panels

bp = Blueprint("registrations", __name__)


def _visible_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not queries.meeting_visible_to(meeting, g.person):
        abort(404)
    return meeting


def _open_registration_email_key() -> str:
    return "open-registration:" + normalise_email(request.form.get("email", ""))


def _signed_in() -> bool:
    return getattr(g, "person", None) is not None


@bp.route("/meetings/<int:meeting_id>/register", methods=["GET", "POST"])
# Open registration: per visitor, and per address so nobody floods one inbox from many machines.
@limiter.limit("10 per 15 minutes", methods=["POST"], exempt_when=_signed_in)
@limiter.limit("5 per hour", key_func=_open_registration_email_key, methods=["POST"], exempt_when=_signed_in)
def register_form(meeting_id: int):
    meeting = _visible_meeting(meeting_id)
    if g.person is None:
        if not may_register(meeting, None):
            return redirect(url_for("auth.sign_in", next=request.path))
        return _open_registration(meeting)
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


def _open_registration(meeting: Meeting):
    """Registering with name and address. The page after it is the same whether the address was
    new or already registered (then the manage link is sent again), so it tells nobody who is registered."""
    form = OpenRegistrationForm()
    form.configure(meeting, offered_modes(meeting))
    problem = registration_window_problem(meeting, utcnow())
    if form.validate_on_submit() and problem is None:
        if not form.website.data:  # a robot filled in the hidden field: store nothing, say nothing
            try:
                register_by_address(
                    meeting, form.email.data, form.name.data, ParticipationMode(form.mode.data),
                    organisation_name=form.organisation_name.data or "",
                    dietary_needs=form.dietary_needs.data or "", access_needs=form.access_needs.data or "",
                    show_name_publicly=form.show_name_publicly.data, locale=current_language())
            except RegistrationRefused as refused:
                flash(refused.message, "error")
                return render_template("registrations/register_open.html", meeting=meeting, form=form,
                                       problem=None, organisation_names=organisation_suggestions())
        session["registration_sent_to"] = [meeting.id, normalise_email(form.email.data)]
        return redirect(url_for("registrations.sent", meeting_id=meeting.id))
    return render_template("registrations/register_open.html", meeting=meeting, form=form,
                           problem=RegistrationRefused(problem).message if problem else None,
                           organisation_names=organisation_suggestions())


@bp.get("/meetings/<int:meeting_id>/register/sent")
def sent(meeting_id: int):
    meeting = _visible_meeting(meeting_id)
    sent_to = session.get("registration_sent_to")
    if not sent_to or sent_to[0] != meeting.id:
        return redirect(url_for("registrations.register_form", meeting_id=meeting.id))
    return render_template("registrations/sent.html", meeting=meeting, email=sent_to[1],
                           panels=registration_panels(meeting, None))


def registration_panels(meeting: Meeting, person) -> list[Panel]:
    """The plugins' blocks for a page a registered person sees (hook ``registration_panels``)."""
    return panels("registration_panels", meeting=meeting, person=person)


@dataclass
class ChangeForms:
    """The forms of registrations/_change.html, shared by the manage page and the signed-in page."""

    mode_form: ChangeModeForm
    cancel_form: CancelRegistrationForm
    undo_form: UndoCancelForm
    confirm_cancel: bool = False  # the first press on "cancel": the page asks once


def change_forms(registration: Registration) -> ChangeForms:
    mode_form = ChangeModeForm(prefix="mode")
    mode_form.mode.choices = mode_choices(offered_modes(registration.meeting))
    return ChangeForms(mode_form, CancelRegistrationForm(prefix="cancel"), UndoCancelForm(prefix="undo"))


def handle_change(registration: Registration, forms: ChangeForms, here: str):
    """Change, cancel (after asking once) or take back a cancellation; a redirect when something was
    done, else None with ``forms`` ready to show."""
    try:
        if request.method == "POST" and "cancel-submit" in request.form and forms.cancel_form.validate_on_submit():
            if forms.cancel_form.confirm.data != "yes":
                forms.confirm_cancel = True
                return None
            cancel(registration)
            if may_undo_cancel(registration):
                flash(_("Your registration is cancelled. You can undo this while your place is still free."),
                      "success")
            else:
                flash(_("Your registration is cancelled."), "success")
            return redirect(here)
        if request.method == "POST" and "undo-submit" in request.form and forms.undo_form.validate_on_submit():
            undo_cancel(registration)
            flash(_("Your registration is back: you have your place again."), "success")
            return redirect(here)
        if request.method == "POST" and "mode-submit" in request.form and forms.mode_form.validate_on_submit():
            switch_mode(registration, ParticipationMode(forms.mode_form.mode.data))
            flash(_("Your registration was changed."), "success")
            return redirect(here)
    except RegistrationRefused as refused:
        flash(refused.message, "error")
    if not forms.mode_form.is_submitted():
        forms.mode_form.mode.data = registration.mode.value
    db.session.refresh(registration)
    return None


@bp.route("/registrations/<token>", methods=["GET", "POST"])
@limiter.limit("60 per 15 minutes", methods=["POST"])
def manage(token: str):
    registration = registration_by_manage_token(token)
    if registration is None:
        return render_error(404, _(
            "This link to a registration is not valid: it may be cut short, or a newer link has replaced it. "
            "To get a new link, register again on the meeting's page with the same e-mail address: your "
            "registration stays as it is, and the new link is e-mailed to you."))
    meeting = registration.meeting
    forms = change_forms(registration)
    done = handle_change(registration, forms, url_for("registrations.manage", token=token))
    if done is not None:
        return done
    return render_template("registrations/manage.html", registration=registration, meeting=meeting,
                           forms=forms, can_change=utcnow() < meeting.starts_at,
                           panels=registration_panels(meeting, registration.person)
                           if registration.is_active else [],
                           may_undo=may_undo_cancel(registration),
                           online_url=queries.online_link(meeting, registration.person, registration))
