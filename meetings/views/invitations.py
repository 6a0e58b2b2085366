"""Inviting to a meeting (for its organisers), and the page where the invited answer without an account."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..auth import login_required
from ..domain import invitations as domain
from ..domain.permissions import may_manage_forum, may_see_needs
from ..domain.registration import offered_modes
from ..errors import render_error
from ..extensions import db, limiter
from ..forms import EmptyForm
from ..forms.invitations import (
    FIRST_ROWS,
    MORE_ROWS,
    MOST_ROWS,
    AnswerForm,
    InviteEmailsForm,
    InviteMembersForm,
    InviteOrganisationsForm,
    RegisterFilterForm,
)
from ..i18n import current_language
from ..models import ForumMemberStatus, Invitation, InvitationStatus, Meeting, ParticipationMode, utcnow
from ..text import render_markdown

bp = Blueprint("invitations", __name__)


# --- for the organisers ------------------------------------------------------------------------

def _managed_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    if not may_manage_forum(g.person, meeting.forum):
        abort(403)
    return meeting


def _overview(meeting: Meeting, members_form: InviteMembersForm | None = None,
              register_form: InviteOrganisationsForm | None = None,
              emails_form: InviteEmailsForm | None = None, status: int = 200):
    """The overview page, with any form that was sent back with errors kept as typed."""
    now = utcnow()
    rows = domain.invitation_overview(meeting, now)
    filter_form = RegisterFilterForm(request.args)
    areas, municipalities = domain.subject_areas_and_municipalities()
    filter_form.set_choices(areas, municipalities)
    area, municipality = filter_form.chosen()
    register_form = register_form or InviteOrganisationsForm(prefix="register", formdata=None)
    members = [m for m in meeting.forum.members if m.status == ForumMemberStatus.MEMBER]
    page = render_template(
        "invitations/overview.html", meeting=meeting, rows=rows, counts=domain.state_counts(rows),
        states=domain.InvitationState, problem=domain.inviting_problem(meeting, now),
        members_form=members_form or InviteMembersForm(prefix="members", formdata=None),
        register_form=register_form, emails_form=emails_form or InviteEmailsForm(prefix="emails", formdata=None),
        filter_form=filter_form, filtered=bool(area or municipality), member_count=len(members),
        candidates=domain.organisations_to_choose(meeting, area, municipality),
        invited_ids=domain.invited_organisation_ids(meeting), resend_form=EmptyForm(),
        closes_at=domain.registration_closes(meeting),
        # base.html marks the page title when the form sent back has errors
        form=next((f for f in (members_form, register_form, emails_form) if f is not None and f.errors), None))
    return page, status


@bp.get("/meetings/<int:meeting_id>/invitations")
@login_required
def overview(meeting_id: int):
    return _overview(_managed_meeting(meeting_id))


@bp.post("/meetings/<int:meeting_id>/invitations/members")
@login_required
def invite_members(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    form = InviteMembersForm(prefix="members")
    if not form.validate_on_submit():
        return _overview(meeting, members_form=form, status=400)
    return _invite(meeting, lambda: domain.invite_forum_members(meeting, form.seats.data, g.person))


@bp.post("/meetings/<int:meeting_id>/invitations/organisations")
@login_required
def invite_organisations(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    form = InviteOrganisationsForm(prefix="register")
    choices = {o.id: o for o in domain.organisations_to_choose(meeting)}
    form.set_choices(list(choices.values()))
    if not form.validate_on_submit():
        return _overview(meeting, register_form=form, status=400)
    chosen = [choices[organisation_id] for organisation_id in form.organisation.data]
    return _invite(meeting, lambda: domain.invite_organisations(meeting, chosen, form.seats.data, g.person))


@bp.post("/meetings/<int:meeting_id>/invitations/emails")
@login_required
def invite_emails(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    form = InviteEmailsForm(prefix="emails")
    if not form.validate_on_submit():
        return _overview(meeting, emails_form=form, status=400)
    return _invite(meeting, lambda: domain.invite_emails(meeting, form.addresses, g.person, form.seats.data))


@bp.post("/meetings/<int:meeting_id>/invitations/<int:invitation_id>/send-again")
@login_required
def send_again(meeting_id: int, invitation_id: int):
    meeting = _managed_meeting(meeting_id)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.meeting_id != meeting.id or not EmptyForm().validate_on_submit():
        abort(404 if invitation is None or invitation.meeting_id != meeting.id else 400)
    try:
        count = domain.resend_invitation(invitation)
    except domain.InvitingRefused as refused:
        flash(refused.message, "error")
    else:
        flash(ngettext("The invitation was sent again (%(num)d e-mail).",
                       "The invitation was sent again (%(num)d e-mails).", count), "success")
    return redirect(url_for("invitations.overview", meeting_id=meeting.id))


def _invite(meeting: Meeting, send):
    try:
        result = send()
    except domain.InvitingRefused as refused:
        flash(refused.message, "error")
        return redirect(url_for("invitations.overview", meeting_id=meeting.id))
    _report(result)
    return redirect(url_for("invitations.overview", meeting_id=meeting.id))


def _report(result: domain.InvitationsSent) -> None:
    if result.new:
        flash(ngettext("%(num)d invitation sent.", "%(num)d invitations sent.", len(result.new)), "success")
    if result.sent_again:
        flash(ngettext("%(num)d invitation not yet answered was sent again.",
                       "%(num)d invitations not yet answered were sent again.", len(result.sent_again)), "success")
    if result.already_answered:
        flash(ngettext("%(num)d invitation had been answered already and was left as it is.",
                       "%(num)d invitations had been answered already and were left as they are.",
                       len(result.already_answered)), "success")
    if result.unreachable:
        flash(_("Not invited, as nobody in the register can be reached for them: %(names)s. "
                "Invite someone there by e-mail address instead.",
                names=", ".join(o.name for o in result.unreachable)), "error")
    if not (result.new or result.sent_again or result.already_answered or result.unreachable):
        flash(_("There was nobody to invite."), "error")


# --- for the invited ---------------------------------------------------------------------------

def _not_found():
    return render_error(404, _("This invitation link is not valid. Check that the whole link from the e-mail "
                               "was copied, or ask the organiser to send the invitation again."))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit("60 per 15 minutes", methods=["POST"])
def answer(token: str):
    # Only opening the page counts as opened; a form sent back does not.
    invitation = domain.open_invitation(token) if request.method == "GET" else domain.invitation_by_token(token)
    if invitation is None:
        return _not_found()
    meeting = invitation.meeting
    modes = offered_modes(meeting)
    problem = domain.answer_problem(invitation)
    current = domain.active_registrations(invitation)
    form = AnswerForm()
    status = 200
    if request.method == "POST" and problem is None:
        rows = min(max(len(form.attendees), FIRST_ROWS) + MORE_ROWS, _most_rows(invitation))
        if "more-rows" in request.form:
            form.configure(modes, rows)
            form.answer.errors = []
            form.answer.data = form.answer.data or "yes"
        else:
            form.configure(modes, 1)
            if form.validate_on_submit():
                try:
                    domain.answer_invitation(token, form.answer.data == "yes",
                                             _attendees(form, _hidden_needs(current)), locale=current_language())
                except domain.InvitationNotFound:
                    return _not_found()
                except domain.AnswerRefused as refused:
                    _show_refusal(form, refused)
                    status = 400
                else:
                    flash(_thanks(form.answer.data == "yes"), "success")
                    return redirect(url_for("invitations.answer", token=token))
            else:
                status = 400
    else:
        _fill_in(form, invitation, current, modes)
    return render_template(
        "invitations/answer.html", invitation=invitation, meeting=meeting, answer_form=form, problem=problem,
        registrations=current, show_modes=len(modes) > 1, can_add_rows=len(form.attendees) < _most_rows(invitation),
        description=render_markdown(meeting.description), closes_at=domain.registration_closes(meeting),
        row_errors=_row_errors(form), needs_hidden=_hidden_needs(current)), status


def _most_rows(invitation: Invitation) -> int:
    return min(invitation.seats or MOST_ROWS, MOST_ROWS)


def _fill_in(form: AnswerForm, invitation: Invitation, current, modes: list[ParticipationMode]) -> None:
    """The page as opened: the answer given before (if any) with the people named then."""
    if invitation.status in (InvitationStatus.YES, InvitationStatus.NO):
        form.answer.data = invitation.status.value
    for index, registration in enumerate(current):
        if index >= len(form.attendees):
            form.attendees.append_entry()
        row = form.attendees[index].form
        row.name.data = registration.person.name
        row.email.data = registration.person.email
        row.mode.data = registration.mode.value
        if may_see_needs(g.person, registration):
            row.dietary_needs.data = registration.dietary_needs
            row.access_needs.data = registration.access_needs
        row.show_name_publicly.data = registration.show_name_publicly
    wanted = max(len(current) + (1 if current else 0), min(FIRST_ROWS, _most_rows(invitation)))
    form.configure(modes, min(wanted, _most_rows(invitation)))
    for index, registration in enumerate(current):
        form.attendees[index].form.mode.data = registration.mode.value


def _hidden_needs(current) -> set[str]:
    """The addresses of those registered whose needs this visitor may not see (nor is shown)."""
    return {r.person.email for r in current if not may_see_needs(g.person, r)}


def _attendees(form: AnswerForm, hidden: set[str]) -> list[domain.Attendee]:
    if form.answer.data != "yes":
        return []

    def needs(row, field):
        typed = field.data or ""
        # Left empty where the page showed nothing: what the person gave stays.
        return None if not typed.strip() and (row.email.data or "").strip().lower() in hidden else typed

    return [domain.Attendee(name=row.name.data, email=row.email.data, mode=ParticipationMode(row.mode.data),
                            dietary_needs=needs(row, row.dietary_needs), access_needs=needs(row, row.access_needs),
                            show_name_publicly=bool(row.show_name_publicly.data))
            for row in form.filled_rows()]


def _show_refusal(form: AnswerForm, refused: domain.AnswerRefused) -> None:
    """Beside the person it is about, if it is about one; else beside the answer."""
    if refused.attendee is not None:
        rows = form.filled_rows()
        if refused.attendee < len(rows):
            rows[refused.attendee].email.errors = [*rows[refused.attendee].email.errors, refused.message]
            return
    form.answer.errors = [*form.answer.errors, refused.message]


def _row_errors(form: AnswerForm) -> list[tuple[str, str]]:
    """(field id, message) of every problem, for the summary at the top of the page."""
    problems = [(form.answer.id, str(message)) for message in form.answer.errors]
    for entry in form.attendees:
        row = entry.form
        for f in (row.name, row.email, row.mode, row.dietary_needs, row.access_needs):
            problems.extend((f.id, str(message)) for message in f.errors)
    return problems


def _thanks(attending: bool) -> str:
    if attending:
        return _("Thank you, your answer is saved. Everyone you named gets a confirmation by e-mail.")
    return _("Thank you, your answer is saved: you will not come.")
