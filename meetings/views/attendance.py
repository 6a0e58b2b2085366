"""Taking attendance and the organisers' lists: the check-in list, the page a registration's QR
code opens, walk-ins, participant and attendance lists with downloads, the printable sign-in sheet,
and the page where people taking part online confirm their attendance themselves.

Only those who may manage the forum see these pages (except the self-confirmation, which works
by the registration's personal link). GET never changes anything: the QR code opens a page with
one big button, so a link preview or a second scan records nothing by itself.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_time, to_user_timezone
from flask_babel import gettext as _

from ..auth import login_required
from ..domain import attendance as domain
from ..domain.permissions import may_manage_forum, may_see_needs
from ..domain.queries import online_link
from ..domain.registration import offered_modes, registration_by_manage_token
from ..exports import table_response
from ..extensions import db, limiter
from ..forms.attendance import CheckInForm, CodeForm, SelfConfirmForm, UndoCheckInForm, WalkInForm, mode_choices
from ..models import Attendance, CheckInMethod, Meeting, ParticipationMode, Registration, RegistrationStatus, utcnow

bp = Blueprint("attendance", __name__)

# Empty rows at the foot of the sign-in sheet, for those who come without registering.
BLANK_SIGN_IN_ROWS = 5


def _managed_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    if not may_manage_forum(g.person, meeting.forum):
        abort(403)
    return meeting


def _registration_of(meeting: Meeting, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.meeting_id != meeting.id:
        abort(404)
    return registration


def _back_to_list(meeting: Meeting, anchor: str | None = None):
    query = request.form.get("q", "").strip()
    return redirect(url_for("attendance.check_in", meeting_id=meeting.id, q=query or None,
                            _anchor=anchor))


def _mode_labels(meeting: Meeting) -> dict[str, str]:
    return {mode.value: _("Present on site") if mode == ParticipationMode.ON_SITE else _("Present online")
            for mode in offered_modes(meeting)}


def _checked_in_message(checked: domain.CheckedIn) -> str:
    attendance = checked.attendance
    if checked.already:
        return _("%(name)s was already checked in at %(time)s.", name=attendance.name,
                 time=_time(attendance))
    return _("%(name)s is checked in (%(mode)s).", name=attendance.name, mode=attendance.mode.label)


def _time(attendance: Attendance) -> str:
    return format_time(attendance.recorded_at, "short")


# --- The check-in list ------------------------------------------------------------------------


def _render_check_in(meeting: Meeting, code_form: CodeForm | None = None, walk_in_form: WalkInForm | None = None,
                     status: int = 200):
    query = request.values.get("q", "").strip()
    confirmed = domain.confirmed_registrations(meeting)
    shown = [r for r in confirmed if domain.matches(r, query)]
    modes = offered_modes(meeting)
    walk_in_form = walk_in_form or WalkInForm(formdata=None)
    walk_in_form.configure(modes)
    walk_ins = domain.walk_ins(meeting)
    return render_template(
        "attendance/check_in.html", meeting=meeting, query=query, registrations=shown,
        confirmed_count=len(confirmed), present_count=sum(1 for r in confirmed if r.attendance is not None),
        waiting_count=len(domain.waiting_registrations(meeting)), walk_ins=walk_ins, modes=modes,
        mode_labels=_mode_labels(meeting), check_in_form=CheckInForm(formdata=None), undo_form=UndoCheckInForm(
            formdata=None), code_form=code_form or CodeForm(formdata=None), walk_in_form=walk_in_form,
        organisation_names=domain.organisation_suggestions(), meeting_problem=_meeting_problem(meeting)), status


def _meeting_problem(meeting: Meeting) -> str | None:
    try:
        domain.check_meeting(meeting)
    except domain.CheckInRefused as refused:
        return refused.message
    return None


@bp.get("/meetings/<int:meeting_id>/check-in")
@login_required
def check_in(meeting_id: int):
    return _render_check_in(_managed_meeting(meeting_id))


@bp.post("/meetings/<int:meeting_id>/registrations/<int:registration_id>/check-in")
@login_required
def record_check_in(meeting_id: int, registration_id: int):
    meeting = _managed_meeting(meeting_id)
    registration = _registration_of(meeting, registration_id)
    form = CheckInForm()
    form.mode.choices = mode_choices(offered_modes(meeting))
    if not form.validate_on_submit():
        flash(_("Choose whether the person is present on site or online."), "error")
        return _back_to_list(meeting, f"r-{registration.id}")
    try:
        checked = domain.check_in(registration, ParticipationMode(form.mode.data), by=g.person)
    except domain.CheckInRefused as refused:
        flash(refused.message, "error")
    else:
        flash(_checked_in_message(checked), "success")
    return _back_to_list(meeting, f"r-{registration_id}")


@bp.post("/meetings/<int:meeting_id>/attendance/<int:attendance_id>/undo")
@login_required
def undo(meeting_id: int, attendance_id: int):
    meeting = _managed_meeting(meeting_id)
    attendance = db.session.get(Attendance, attendance_id)
    if attendance is None or attendance.meeting_id != meeting.id:
        abort(404)
    if UndoCheckInForm().validate_on_submit():
        name, registration_id = attendance.name, attendance.registration_id
        domain.undo_check_in(attendance)
        flash(_("The check-in of %(name)s was undone.", name=name), "success")
        return _back_to_list(meeting, f"r-{registration_id}" if registration_id else "walk-ins")
    return _back_to_list(meeting)


@bp.post("/meetings/<int:meeting_id>/check-in-code")
@login_required
def record_code(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            checked = domain.check_in_by_code(meeting, form.code.data, by=g.person)
        except domain.CheckInRefused as refused:
            form.code.errors = [refused.message]
        else:
            flash(_checked_in_message(checked), "success")
            return _back_to_list(meeting)
    return _render_check_in(meeting, code_form=form)


@bp.post("/meetings/<int:meeting_id>/walk-ins")
@login_required
def add_walk_in(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    form = WalkInForm()
    form.configure(offered_modes(meeting))
    if form.validate_on_submit():
        try:
            checked = domain.add_walk_in(meeting, form.name.data, form.organisation.data or None,
                                         ParticipationMode(form.mode.data), by=g.person)
        except domain.CheckInRefused as refused:
            form.name.errors = [refused.message]
        else:
            if checked.already:
                flash(_("%(name)s was already added as a walk-in.", name=checked.attendance.name), "success")
            else:
                flash(_("%(name)s was added as a walk-in.", name=checked.attendance.name), "success")
            return _back_to_list(meeting, "walk-ins")
    return _render_check_in(meeting, walk_in_form=form)


# --- The page a registration's QR code opens -------------------------------------------------


@bp.route("/meetings/<int:meeting_id>/check-in/<code>", methods=["GET", "POST"])
@login_required
def check_in_code(meeting_id: int, code: str):
    meeting = _managed_meeting(meeting_id)
    registration = domain.registration_by_code(meeting, code)
    if registration is None:
        return render_template("attendance/unknown_code.html", meeting=meeting,
                               code=domain.normalise_code(code)), 404
    form = CheckInForm()
    form.mode.choices = mode_choices(offered_modes(meeting))
    if request.method == "POST" and form.validate_on_submit():
        try:
            checked = domain.check_in(registration, ParticipationMode(form.mode.data), CheckInMethod.CODE,
                                      by=g.person)
        except domain.CheckInRefused as refused:
            flash(refused.message, "error")
        else:
            flash(_checked_in_message(checked), "success")
        return redirect(url_for("attendance.check_in_code", meeting_id=meeting.id, code=registration.code))
    problem = None
    if registration.attendance is None:
        try:
            domain.check_registration(registration, domain.default_mode(meeting))
        except domain.CheckInRefused as refused:
            problem = refused.message
    modes = sorted(offered_modes(meeting), key=lambda mode: mode != domain.default_mode(meeting))
    return render_template("attendance/code.html", meeting=meeting, registration=registration,
                           attendance=registration.attendance, problem=problem, form=form, modes=modes,
                           mode_labels=_mode_labels(meeting))


# --- Lists, downloads and the sign-in sheet ---------------------------------------------------


@bp.get("/meetings/<int:meeting_id>/participants")
@login_required
def lists(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    registrations = domain.active_registrations(meeting)
    confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
    waiting = [r for r in registrations if r.status == RegistrationStatus.WAITING]
    return render_template(
        "attendance/lists.html", meeting=meeting, confirmed=confirmed, waiting=waiting,
        walk_ins=domain.walk_ins(meeting), present=domain.attendance_records(meeting),
        on_site=sum(1 for r in confirmed if r.mode == ParticipationMode.ON_SITE),
        online=sum(1 for r in confirmed if r.mode == ParticipationMode.ONLINE))


def _local(value):
    return to_user_timezone(value) if value is not None else None


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _filename(meeting: Meeting, what: str) -> str:
    return f"{what}-{_local(meeting.starts_at):%Y-%m-%d}-{meeting.id}"


def _needs(registration: Registration) -> tuple[str, str]:
    if not may_see_needs(g.person, registration):
        return "", ""
    return registration.dietary_needs, registration.access_needs


@bp.get("/meetings/<int:meeting_id>/participants.<fmt>")
@login_required
def participants_export(meeting_id: int, fmt: str):
    meeting = _managed_meeting(meeting_id)
    registrations = domain.active_registrations(meeting)
    positions = {r.id: n for n, r in enumerate(
        (r for r in registrations if r.status == RegistrationStatus.WAITING), start=1)}
    headers = [_("Name"), _("E-mail"), _("Organisation"), _("Taking part"), _("Status"),
               _("Place on the waiting list"), _("Registered"), _("Food and allergies"), _("Accessibility needs"),
               _("Name shown publicly"), _("Present"), _("Check-in code")]
    rows = [[r.person.name, r.person.email, r.organisation_label, str(r.mode.label),
             str(r.status.label), positions.get(r.id), _local(r.created_at), *_needs(r),
             _yes_no(r.show_name_publicly), _yes_no(r.attendance is not None), r.code]
            for r in registrations]
    return table_response(fmt, _filename(meeting, "participants"), headers, rows, sheet_title=_("Participants"))


@bp.get("/meetings/<int:meeting_id>/attendance.<fmt>")
@login_required
def attendance_export(meeting_id: int, fmt: str):
    meeting = _managed_meeting(meeting_id)
    headers = [_("Name"), _("Organisation"), _("Taking part"), _("Recorded at"), _("How it was recorded"),
               _("E-mail"), _("Check-in code")]
    rows = [[a.name, domain.organisation_label(a), str(a.mode.label), _local(a.recorded_at), str(a.method.label),
             a.registration.person.email if a.registration else "", a.registration.code if a.registration else ""]
            for a in domain.attendance_records(meeting)]
    return table_response(fmt, _filename(meeting, "attendance"), headers, rows, sheet_title=_("Attendance"))


@bp.get("/meetings/<int:meeting_id>/sign-in-sheet")
@login_required
def sign_in_sheet(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    # The sheet lies on the table at the door: those confirmed to come on site (or all, online-only).
    mode = ParticipationMode.ON_SITE if meeting.has_venue else None
    return render_template("attendance/sign_in_sheet.html", meeting=meeting,
                           registrations=domain.confirmed_registrations(meeting, mode),
                           blank_rows=BLANK_SIGN_IN_ROWS)


# --- Confirming one's own attendance online ---------------------------------------------------


@bp.route("/registrations/<token>/present", methods=["GET", "POST"])
@limiter.limit("60 per 15 minutes", methods=["POST"])
def self_confirm(token: str):
    registration = registration_by_manage_token(token)
    if registration is None:
        abort(404)
    form = SelfConfirmForm()
    if form.validate_on_submit():
        try:
            domain.self_confirm_online(registration)
        except domain.CheckInRefused as refused:
            flash(refused.message, "error")
        else:
            flash(_("Thank you: your attendance is recorded."), "success")
        return redirect(url_for("attendance.self_confirm", token=token))
    attendance = domain.attendance_of(registration)
    problem = None if attendance else domain.self_confirm_problem(registration, utcnow())
    meeting = registration.meeting
    return render_template(
        "attendance/self_confirm.html", meeting=meeting, registration=registration, attendance=attendance,
        form=form, problem=str(domain.CHECK_IN_MESSAGES[problem]) if problem else None, token=token,
        online_url=online_link(meeting, registration.person, registration))
