"""Pages: the organisation's claim and payment details; the organisers' rules, queue and exports."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, request, send_file, url_for
from wtforms.fields.choices import SelectChoice

from meetings import api

from . import claims, money, payment, receipts, sie
from .forms import (
    AttendeesForm,
    DecideForm,
    EmptyForm,
    ExpenseForm,
    MeetingRulesForm,
    PaidForm,
    PaymentForm,
    RulesForm,
    TripForm,
)
from .i18n import _, domain, kronor, long_date
from .models import APPROVED, DRAFT, EDITABLE, PAID, STATES, SUBMITTED, Claim

bp = Blueprint("compensation", __name__, template_folder="templates", url_prefix="/compensation")
db = api.db


def render(template: str, **context):
    return api.render_plugin_template(domain, f"compensation/{template}", money=money, payment=payment,
                                      state_label=state_label, action_label=action_label, method_label=method_label,
                                      long_date=long_date, kronor=kronor,
                                      **context)


def method_label(method: str) -> str:
    return {"bankgiro": _("Bankgiro"), "plusgiro": _("Plusgiro"), "iban": _("IBAN")}.get(method, method)


def state_label(state: str) -> str:
    return {"draft": _("Draft"), "submitted": _("Submitted"), "approved": _("Approved"),
            "returned": _("Returned"), "rejected": _("Rejected"), "paid": _("Paid")}.get(state, state)


def action_label(action: str) -> str:
    return {"created": _("Claim started"), "attendees": _("Attendees changed"), "trip_added": _("Journey added"),
            "trip_removed": _("Journey removed"), "expense_added": _("Cost added"),
            "expense_removed": _("Cost removed"), "state": _("State changed"), "reason": _("Reason given"),
            "attendance_removed": _("Check-in undone"), "erased": _("Personal details removed")}.get(action, action)


def _field_error(form, error: claims.ClaimError) -> None:
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, str(error.message)]
    else:
        flash(str(error.message), "error")


# --- The organisation's claim -------------------------------------------------------------------------


def _claim_context(meeting_id: int, organisation_id: int):
    """The meeting and organisation of a representative's claim page; 404 for anyone else, so a
    representative of another organisation learns nothing."""
    person = api.current_person()
    meeting, organisation = api.get_meeting(meeting_id), api.get_organisation(organisation_id)
    if (meeting is None or organisation is None or not api.may_see_meeting(person, meeting)
            or not api.acts_for(person, organisation, "representative")):
        abort(404)
    return person, meeting, organisation


def _claim_page(meeting, organisation, person, claim, *, attendees_form=None, trip_form=None, expense_form=None,
                status=200):
    rules = claims.effective_rules(meeting)
    present = claims.attendance_of(meeting, organisation)
    if attendees_form is None:
        attendees_form = AttendeesForm()
        attendees_form.attendees.data = [a.attendance_id for a in claim.attendees] if claim else []
    attendees_form.attendees.choices = [SelectChoice(a.id, f"{a.name} ({a.mode.label})") for a in present]
    trip_form = trip_form or TripForm(formdata=None)
    expense_form = expense_form or ExpenseForm(formdata=None)
    details = claims.payment_details(organisation)
    return render("claim.html", meeting=meeting, organisation=organisation, claim=claim, rules=rules,
                  why_not=claims.why_not(meeting, organisation, person) if claim is None else None,
                  lines=claims.lines(claim) if claim else [], attendees_form=attendees_form, trip_form=trip_form,
                  expense_form=expense_form, empty_form=EmptyForm(), details=details,
                  editable=claim is not None and claim.state in EDITABLE), status


@bp.get("/meetings/<int:meeting_id>/organisations/<int:organisation_id>/claim")
@api.login_required
def claim(meeting_id: int, organisation_id: int):
    person, meeting, organisation = _claim_context(meeting_id, organisation_id)
    return _claim_page(meeting, organisation, person, claims.claim_for(meeting, organisation))


@bp.post("/meetings/<int:meeting_id>/organisations/<int:organisation_id>/claim")
@api.login_required
def start(meeting_id: int, organisation_id: int):
    person, meeting, organisation = _claim_context(meeting_id, organisation_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        claims.start(meeting, organisation, person)
    except claims.ClaimError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
    return redirect(url_for(".claim", meeting_id=meeting.id, organisation_id=organisation.id))


def _own_claim(meeting_id: int, organisation_id: int):
    person, meeting, organisation = _claim_context(meeting_id, organisation_id)
    claim = claims.claim_for(meeting, organisation) or abort(404)
    return person, meeting, organisation, claim


@bp.post("/meetings/<int:meeting_id>/organisations/<int:organisation_id>/claim/attendees")
@api.login_required
def attendees(meeting_id: int, organisation_id: int):
    person, meeting, organisation, claim = _own_claim(meeting_id, organisation_id)
    form = AttendeesForm()
    if form.validate_on_submit():
        try:
            claims.set_attendees(claim, form.attendees.data or [], person)
        except claims.ClaimError as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            db.session.commit()
            flash(_("Saved: who attended."), "success")
            return redirect(url_for(".claim", meeting_id=meeting.id, organisation_id=organisation.id))
    return _claim_page(meeting, organisation, person, claim, attendees_form=form, status=422)


@bp.post("/meetings/<int:meeting_id>/organisations/<int:organisation_id>/claim/trips")
@api.login_required
def add_trip(meeting_id: int, organisation_id: int):
    person, meeting, organisation, claim = _own_claim(meeting_id, organisation_id)
    form = TripForm()
    if form.validate_on_submit():
        km_text = form.km.data.strip().replace(" ", "")
        try:
            if not km_text.lstrip("-").isdigit():
                raise claims.ClaimError(_("Enter a distance in whole kilometres."), "km")
            passengers = [line.strip() for line in (form.passengers.data or "").splitlines() if line.strip()]
            claims.add_trip(claim, person, form.driver.data.strip(), form.from_place.data.strip(),
                            form.to_place.data.strip(), int(km_text), passengers)
        except claims.ClaimError as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            db.session.commit()
            flash(_("The journey is added."), "success")
            return redirect(url_for(".claim", meeting_id=meeting.id, organisation_id=organisation.id) + "#lines")
    return _claim_page(meeting, organisation, person, claim, trip_form=form, status=422)


@bp.post("/meetings/<int:meeting_id>/organisations/<int:organisation_id>/claim/trips/<int:trip_id>/delete")
@api.login_required
def remove_trip(meeting_id: int, organisation_id: int, trip_id: int):
    person, meeting, organisation, claim = _own_claim(meeting_id, organisation_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        claims.remove_trip(claim, person, trip_id)
    except claims.ClaimError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
    return redirect(url_for(".claim", meeting_id=meeting.id, organisation_id=organisation.id) + "#lines")


RECEIPT_MESSAGES = {
    "missing": lambda: _("Attach the receipt."),
    "too_large": lambda: _("The receipt is larger than %(mb)s MB.", mb=receipts.max_bytes() // (1024 * 1024)),
    "type": lambda: _("The receipt must be a PDF, JPEG or PNG file."),
}

AMOUNT_MESSAGES = {
    "not_a_number": lambda: _("Enter the amount in kronor, such as 125 or 125,50."),
    "too_many_decimals": lambda: _("Enter the amount in kronor with at most two decimals (öre)."),
    "negative": lambda: _("The amount cannot be negative."),
    "too_large": lambda: _("The amount is larger than 100,000 kronor: check it."),
}


@bp.post("/meetings/<int:meeting_id>/organisations/<int:organisation_id>/claim/expenses")
@api.accepts_files
@api.login_required
def add_expense(meeting_id: int, organisation_id: int):
    person, meeting, organisation, claim = _own_claim(meeting_id, organisation_id)
    form = ExpenseForm()
    if form.validate_on_submit():
        amount = content = kind = None
        try:
            amount = money.parse_kronor(form.amount.data)
        except money.AmountError as error:
            form.amount.errors = [AMOUNT_MESSAGES[str(error)]()]
        try:
            content, kind = receipts.check(form.receipt.data)
        except receipts.ReceiptError as error:
            form.receipt.errors = [RECEIPT_MESSAGES[str(error)]()]
        if not claims.effective_rules(meeting).receipts:
            flash(_("Costs against receipts are not paid for this meeting."), "error")
        elif amount is not None and content is not None:
            name = None
            try:
                claims.editable(claim)
                name = receipts.store(content, kind)
                claims.add_expense(claim, person, form.kind.data, form.description.data.strip(), amount, name, kind)
                db.session.commit()
            except claims.ClaimError as error:
                db.session.rollback()
                receipts.delete(name)
                flash(str(error.message), "error")
            except Exception:
                db.session.rollback()
                receipts.delete(name)  # a receipt is never left behind without its cost
                raise
            else:
                flash(_("The cost is added."), "success")
                return redirect(url_for(".claim", meeting_id=meeting.id, organisation_id=organisation.id) + "#lines")
    return _claim_page(meeting, organisation, person, claim, expense_form=form, status=422)


@bp.post("/meetings/<int:meeting_id>/organisations/<int:organisation_id>/claim/expenses/<int:expense_id>/delete")
@api.login_required
def remove_expense(meeting_id: int, organisation_id: int, expense_id: int):
    person, meeting, organisation, claim = _own_claim(meeting_id, organisation_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        name = claims.remove_expense(claim, person, expense_id)
    except claims.ClaimError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        receipts.delete(name)
    return redirect(url_for(".claim", meeting_id=meeting.id, organisation_id=organisation.id) + "#lines")


@bp.post("/meetings/<int:meeting_id>/organisations/<int:organisation_id>/claim/submit")
@api.login_required
def submit(meeting_id: int, organisation_id: int):
    person, meeting, organisation, claim = _own_claim(meeting_id, organisation_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        claims.submit(claim, person)
    except claims.ClaimError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("The claim is sent to the organisers."), "success")
    return redirect(url_for(".claim", meeting_id=meeting.id, organisation_id=organisation.id))


@bp.get("/claims/<int:claim_id>/receipts/<int:expense_id>")
@api.login_required
def receipt(claim_id: int, expense_id: int):
    claim = db.session.get(Claim, claim_id) or abort(404)
    person = api.current_person()
    if not (api.acts_for(person, claim.organisation, "representative") or api.manages_meeting(person, claim.meeting)):
        abort(404)
    expense = next((e for e in claim.expenses if e.id == expense_id), None) or abort(404)
    path = receipts.path_of(expense.receipt_file)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=expense.receipt_type, as_attachment=True,
                         download_name=f"receipt-{claim.id}-{expense.id}{receipts.SUFFIX[expense.receipt_type]}")
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- Payment details ----------------------------------------------------------------------------------


@bp.route("/organisations/<int:organisation_id>/payment", methods=["GET", "POST"])
@api.login_required
def payment_details(organisation_id: int):
    person = api.current_person()
    organisation = api.get_organisation(organisation_id)
    if organisation is None or not api.acts_for(person, organisation, "representative"):
        abort(404)
    details = claims.payment_details(organisation)
    form = PaymentForm(data={"method": details.method} if details else None)
    if form.validate_on_submit():
        try:
            claims.save_payment_details(organisation, person, form.method.data, form.number.data)
        except claims.ClaimError as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            db.session.commit()
            flash(_("The payment details are saved."), "success")
            back = request.args.get("next", "")
            if back.startswith("/") and not back.startswith("//"):
                return redirect(back)
            return redirect(url_for(".payment_details", organisation_id=organisation.id))
    if not form.is_submitted():
        form.number.data = ""
    return render("payment.html", organisation=organisation, details=details, form=form), \
        422 if form.errors else 200


# --- The organisers' pages --------------------------------------------------------------------------


def _parse_kronor_field(form, name: str, *, blank_ok: bool = False) -> int | None:
    text = (form[name].data or "").strip()
    if not text and blank_ok:
        return None
    try:
        return money.parse_kronor(text)
    except money.AmountError as error:
        form[name].errors = [*form[name].errors, AMOUNT_MESSAGES[str(error)]()]
        return None


def _parse_count(form, name: str, low: int, high: int, *, blank_ok: bool = False) -> int | None:
    text = (form[name].data or "").strip()
    if not text and blank_ok:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        form[name].errors = [*form[name].errors, _("Enter a whole number from %(low)s to %(high)s.",
                                                   low=low, high=high)]
        return None
    return int(text)


@bp.route("/forums/<slug>/rules", methods=["GET", "POST"])
@api.permission_required(api.manages_forum, hide=True)
def rules(forum):
    current = claims.forum_rules(forum)
    year = request.args.get("year", type=int) or claims.today().year
    row = claims.budget(forum, year)
    form = RulesForm(data=None if request.method == "POST" else {
        "offered": current.offered, "fee_on_site": money.format_kronor(current.fee_on_site_ore),
        "fee_online": money.format_kronor(current.fee_online_ore),
        "max_representatives": str(current.max_representatives), "mileage": current.mileage,
        "receipts": current.receipts, "deadline_days": str(current.deadline_days),
        "budget": money.format_kronor(row.amount_ore) if row and row.amount_ore is not None else ""})
    if form.validate_on_submit():
        values = {"fee_on_site_ore": _parse_kronor_field(form, "fee_on_site"),
                  "fee_online_ore": _parse_kronor_field(form, "fee_online"),
                  "max_representatives": _parse_count(form, "max_representatives", 0, 50),
                  "deadline_days": _parse_count(form, "deadline_days", 1, 365)}
        amount = _parse_kronor_field(form, "budget", blank_ok=True)
        if not form.errors:
            if current.id is None:
                db.session.add(current)
            current.offered, current.mileage = form.offered.data, form.mileage.data
            current.receipts = form.receipts.data
            current.kinds = api.OrganisationKind.CIVIL_SOCIETY.value
            for name, value in values.items():
                setattr(current, name, value)
            try:
                claims.set_budget(forum, year, amount)
            except claims.ClaimError as error:
                db.session.rollback()
                _field_error(form, error)
            else:
                db.session.commit()
                flash(_("The compensation rules are saved."), "success")
                return redirect(url_for(".rules", slug=forum.slug, year=year))
    return render("rules.html", forum=forum, form=form, year=year,
                  rate=money.mileage_rate(year)), 422 if form.errors else 200


@bp.get("/forums/<slug>")
@api.permission_required(api.manages_forum, hide=True)
def forum_queue(forum):
    year = request.args.get("year", type=int) or claims.today().year
    state = request.args.get("state", "")
    sent_states = tuple(s for s in STATES if s != DRAFT)  # a draft is the organisation's own until sent
    found = claims.claims_of_forum(forum, (state,) if state in sent_states else sent_states, year=year)
    budget, used, left = claims.budget_figures(forum, year)
    paid_form = PaidForm()
    approved = [c for c in found if c.state == APPROVED]
    paid_form.claims.choices = [SelectChoice(c.id, c.organisation.name) for c in approved]
    return render("forum.html", forum=forum, year=year, state=state, claims=found, budget=budget, used=used,
                  left=left, paid_form=paid_form, approved=approved, states=sent_states,
                  attendance_of=claims.attendance_for_claims(found))


@bp.post("/forums/<slug>/paid")
@api.permission_required(api.manages_forum, hide=True)
def mark_paid(forum):
    form = PaidForm()
    form.claims.choices = []
    if not form.validate_on_submit():
        abort(400)
    chosen = [c for c in claims.claims_of_forum(forum, (APPROVED,)) if c.id in set(form.claims.data or [])]
    if not chosen:
        flash(_("Choose the claims that have been paid."), "error")
    else:
        done = claims.mark_paid(chosen, api.current_person())
        db.session.commit()
        flash(_("%(count)s claims marked as paid.", count=done), "success")
    return redirect(url_for(".forum_queue", slug=forum.slug, year=request.args.get("year", type=int)))


def _export_rows(forum, year):
    return claims.claims_of_forum(forum, (APPROVED, PAID), year=year)


@bp.get("/forums/<slug>/approved-<int:year>.<fmt>")
@api.permission_required(api.manages_forum, hide=True)
def export(forum, year: int, fmt: str):
    if fmt == "si":
        body = sie.render(forum, year, _export_rows(forum, year))
        return Response(body, mimetype="application/octet-stream", headers={
            "Content-Disposition": f'attachment; filename="compensation-{forum.slug}-{year}.si"'})
    headers = [_("Claim"), _("Meeting"), _("Date"), _("Organisation"), _("Organisation number"), _("Paid to"),
               _("Number"), _("Fees (kr)"), _("Mileage (kr)"), _("Receipts (kr)"), _("Total (kr)"), _("State")]
    rows = [[c.id, c.meeting.title, api.local_time(c.meeting.starts_at).date(), c.organisation.name,
             c.organisation.formatted_org_number or "", c.pay_method,
             payment.formatted(c.pay_method, c.pay_number) if c.pay_number else "",
             c.fees_ore / 100, c.mileage_ore / 100, c.receipts_ore / 100, c.total_ore / 100, state_label(c.state)]
            for c in _export_rows(forum, year)]
    return api.table_download(fmt, f"compensation-{forum.slug}-{year}", headers, rows,
                              sheet_title=_("Compensation"))


@bp.route("/meetings/<int:meeting_id>/handle", methods=["GET", "POST"])
@api.permission_required(api.manages_meeting, hide=True)
def meeting_claims(meeting):
    own = claims.meeting_rules(meeting)
    form = MeetingRulesForm(data=None if request.method == "POST" else {
        "offered": "" if own.offered is None else ("yes" if own.offered else "no"),
        "fee_on_site": "" if own.fee_on_site_ore is None else money.format_kronor(own.fee_on_site_ore),
        "fee_online": "" if own.fee_online_ore is None else money.format_kronor(own.fee_online_ore),
        "max_representatives": "" if own.max_representatives is None else str(own.max_representatives),
        "deadline_days": "" if own.deadline_days is None else str(own.deadline_days)})
    if form.validate_on_submit():
        values = {"fee_on_site_ore": _parse_kronor_field(form, "fee_on_site", blank_ok=True),
                  "fee_online_ore": _parse_kronor_field(form, "fee_online", blank_ok=True),
                  "max_representatives": _parse_count(form, "max_representatives", 0, 50, blank_ok=True),
                  "deadline_days": _parse_count(form, "deadline_days", 1, 365, blank_ok=True)}
        if not form.errors:
            if own.id is None:
                db.session.add(own)
            own.offered = {"yes": True, "no": False}.get(form.offered.data)
            for name, value in values.items():
                setattr(own, name, value)
            db.session.commit()
            flash(_("The rules for this meeting are saved."), "success")
            return redirect(url_for(".meeting_claims", meeting_id=meeting.id))
    found = [c for c in claims.claims_of_meeting(meeting) if c.state != DRAFT]
    rules = claims.effective_rules(meeting)
    budget, used, left = claims.budget_figures(meeting.forum, rules.year)
    return render("meeting.html", meeting=meeting, form=form, claims=found, rules=rules, budget=budget, used=used,
                  left=left, attendance_of=claims.attendance_for_claims(found)), 422 if form.errors else 200


@bp.route("/claims/<int:claim_id>", methods=["GET", "POST"])
@api.login_required
def handle(claim_id: int):
    claim = db.session.get(Claim, claim_id) or abort(404)
    person = api.current_person()
    if not api.manages_meeting(person, claim.meeting) or claim.state == DRAFT:
        abort(404)
    form = DecideForm()
    if form.validate_on_submit():
        decision = next((name for name in ("approve", "return", "reject") if name in request.form), None)
        try:
            if decision == "approve":
                claims.approve(claim, person)
            elif decision in ("return", "reject"):
                claims.send_back(claim, person, "returned" if decision == "return" else "rejected",
                                 form.reason.data or "")
            else:
                abort(400)
        except claims.ClaimError as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            db.session.commit()
            flash(_("The claim is now: %(state)s.", state=state_label(claim.state)), "success")
            return redirect(url_for(".handle", claim_id=claim.id))
    rules = claims.effective_rules(claim.meeting)
    budget, used, left = claims.budget_figures(claim.meeting.forum, rules.year)
    return render("handle.html", claim=claim, meeting=claim.meeting, form=form, lines=claims.lines(claim),
                  present=claims.attendance_of(claim.meeting, claim.organisation), budget=budget, used=used,
                  left=left, decidable=claim.state == SUBMITTED, year=rules.year), 422 if form.errors else 200
