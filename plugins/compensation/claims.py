"""The rules of claims: who may claim, the amount, the states and the budget. Views stay thin and
call these; nothing here commits (the caller does), so a refused step leaves nothing half done."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from meetings import api

from . import money, payment
from .i18n import _l, kronor
from .models import (
    APPROVED,
    DRAFT,
    EDITABLE,
    PAID,
    REJECTED,
    RETURNED,
    SUBMITTED,
    Budget,
    Claim,
    ClaimAttendee,
    ClaimEvent,
    ClaimExpense,
    ClaimTrip,
    ForumRules,
    MeetingRules,
    PaymentDetails,
)

db = api.db


class ClaimError(ValueError):
    """A step that the rules refuse; ``message`` is translated, ``field`` names the form field."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


# --- Rules ------------------------------------------------------------------------------------------


def forum_rules(forum: api.Forum) -> ForumRules:
    """The forum's rules; a forum that has none yet gets the defaults (not offered), unsaved."""
    rules = db.session.scalar(select(ForumRules).where(ForumRules.forum_id == forum.id))
    if rules is None:
        rules = ForumRules(forum_id=forum.id, offered=False, kinds="civil_society", fee_on_site_ore=0,
                           fee_online_ore=0, max_representatives=1, mileage=True, receipts=True, deadline_days=30)
    return rules


def meeting_rules(meeting: api.Meeting) -> MeetingRules:
    rules = db.session.scalar(select(MeetingRules).where(MeetingRules.meeting_id == meeting.id))
    return rules or MeetingRules(meeting_id=meeting.id)


@dataclass(frozen=True)
class Effective:
    """The rules that hold for one meeting: the forum's, with the meeting's exceptions."""

    offered: bool
    kinds: tuple[str, ...]
    rates: money.Rates
    mileage: bool
    receipts: bool
    deadline_days: int
    deadline: date  # the last day (local) a claim may be submitted
    year: int  # the meeting's calendar year: its budget and mileage rate


def effective_rules(meeting: api.Meeting) -> Effective:
    base, own = forum_rules(meeting.forum), meeting_rules(meeting)

    def pick(name):
        value = getattr(own, name)
        return getattr(base, name) if value is None else value

    local_end = api.local_time(meeting.ends_at)
    year = api.local_time(meeting.starts_at).year
    days = pick("deadline_days")
    kinds = tuple(k for k in (base.kinds or "").split(",") if k and k != api.OrganisationKind.PUBLIC_BODY.value
                  and k != api.OrganisationKind.MUNICIPALITY.value)
    return Effective(
        offered=bool(pick("offered")),
        kinds=kinds,
        rates=money.Rates(pick("fee_on_site_ore"), pick("fee_online_ore"), pick("max_representatives"),
                          money.mileage_rate(year)),
        mileage=base.mileage, receipts=base.receipts, deadline_days=days,
        deadline=local_end.date() + timedelta(days=days), year=year)


def today() -> date:
    return api.local_time(api.utcnow()).date()


# --- Who may claim ----------------------------------------------------------------------------------


def attendance_of(meeting: api.Meeting, organisation: api.Organisation) -> list[api.Attendance]:
    """Those recorded present at ``meeting`` for ``organisation``, read through the plugin API."""
    return [a for a in api.attendance_of_meeting(meeting) if a.organisation_id == organisation.id]


def attendance_for_claims(found: list[Claim]) -> Callable[[api.Meeting, api.Organisation], list[api.Attendance]]:
    """``attendance_of`` for the claims of a list, read in one query for all of them."""
    records = api.attendance_of_meetings({claim.meeting for claim in found})

    def attendance_of_claim(meeting: api.Meeting, organisation: api.Organisation) -> list[api.Attendance]:
        return [a for a in records.get(meeting.id, []) if a.organisation_id == organisation.id]

    return attendance_of_claim


def claim_for(meeting: api.Meeting, organisation: api.Organisation) -> Claim | None:
    return db.session.scalar(select(Claim).where(Claim.meeting_id == meeting.id,
                                                 Claim.organisation_id == organisation.id))


def why_not(meeting: api.Meeting, organisation: api.Organisation, person: api.Person | None,
            *, on: date | None = None) -> str | None:
    """Why ``person`` may not start a claim for ``organisation`` at ``meeting`` (translated), or None."""
    rules = effective_rules(meeting)
    if not rules.offered or meeting.status != api.MeetingStatus.PUBLISHED:
        return _l("No compensation is offered for this meeting.")
    if not api.acts_for(person, organisation, "representative"):
        return _l("You do not represent this organisation.")
    if (organisation.is_public_sector or organisation.kind.value not in rules.kinds
            or organisation.status != api.OrganisationStatus.APPROVED):
        return _l("Compensation for this meeting is not offered to this kind of organisation.")
    if not attendance_of(meeting, organisation):
        return _l("Nobody was recorded present for this organisation at the meeting.")
    if (on or today()) > rules.deadline:
        return _l("The last day to claim was %(date)s.", date=rules.deadline.isoformat())
    return None


def claimable(meeting: api.Meeting, person: api.Person | None) -> list[tuple[api.Organisation, Claim | None]]:
    """The organisations ``person`` represents that attended ``meeting`` and may claim (or have)."""
    found = []
    for organisation in api.organisations_of(person, "representative"):
        claim = claim_for(meeting, organisation)
        if claim is not None or why_not(meeting, organisation, person) is None:
            found.append((organisation, claim))
    return found


# --- The trail --------------------------------------------------------------------------------------


def record(claim: Claim, by: api.Person | None, action: str, old: str = "", new: str = "") -> None:
    claim.events.append(ClaimEvent(person_id=by.id if by else None, actor=by.display_name if by else "",
                                   action=action, old=old, new=new, at=api.utcnow()))


# --- Making a claim ---------------------------------------------------------------------------------


def start(meeting: api.Meeting, organisation: api.Organisation, person: api.Person) -> Claim:
    """The organisation's claim for the meeting: the one there is, or a new draft."""
    existing = claim_for(meeting, organisation)
    if existing is not None:
        return existing
    reason = why_not(meeting, organisation, person)
    if reason:
        raise ClaimError(reason)
    claim = Claim(meeting_id=meeting.id, organisation_id=organisation.id, state=DRAFT, claimant_id=person.id,
                  claimant_name=person.display_name)
    try:
        with db.session.begin_nested():
            db.session.add(claim)
            db.session.flush()
    except IntegrityError:  # someone of the organisation started one at the same moment
        return claim_for(meeting, organisation)
    record(claim, person, "created", "", DRAFT)
    # Those present for the organisation are claimed for, until someone says otherwise.
    set_attendees(claim, [a.id for a in attendance_of(meeting, organisation)], person, log=False)
    return claim


def editable(claim: Claim) -> None:
    if claim.state not in EDITABLE:
        raise ClaimError(_l("This claim has been sent and can no longer be changed."))


def set_attendees(claim: Claim, attendance_ids: list[int], by: api.Person, *, log: bool = True) -> None:
    editable(claim)
    present = {a.id: a for a in attendance_of(claim.meeting, claim.organisation)}
    unknown = [i for i in attendance_ids if i not in present]
    if unknown:
        raise ClaimError(_l("Choose people recorded present for the organisation."), "attendees")
    old = ", ".join(a.name for a in claim.attendees)
    claim.attendees.clear()
    db.session.flush()
    for attendance_id in attendance_ids:
        attendance = present[attendance_id]
        claim.attendees.append(ClaimAttendee(attendance_id=attendance.id, person_id=attendance.person_id,
                                             name=attendance.name,
                                             online=attendance.mode == api.ParticipationMode.ONLINE))
    if log:
        record(claim, by, "attendees", old, ", ".join(present[i].name for i in attendance_ids))


def add_trip(claim: Claim, by: api.Person, driver: str, from_place: str, to_place: str, km: int,
             passengers: list[str]) -> ClaimTrip:
    editable(claim)
    if not effective_rules(claim.meeting).mileage:
        raise ClaimError(_l("Mileage is not paid for this meeting."), "km")
    try:
        money.check_distance(km)
    except money.AmountError as error:
        raise ClaimError(_l("Enter a distance between 0 and 2,000 km.") if str(error) in ("too_far", "negative")
                         else _l("Enter a distance in whole kilometres."), "km") from None
    trips = [money.Trip(t.driver, t.from_place, t.to_place, t.km, tuple(t.passengers.splitlines()))
             for t in claim.trips] + [money.Trip(driver, from_place, to_place, km, tuple(passengers))]
    if money.passengers_also_driving(trips):
        raise ClaimError(_l("Someone rides along in one car and drives another: one car is paid once."),
                         "passengers")
    trip = ClaimTrip(driver=driver, from_place=from_place, to_place=to_place, km=km,
                     passengers="\n".join(passengers))
    claim.trips.append(trip)
    record(claim, by, "trip_added", "", f"{driver}: {from_place} – {to_place}, {km} km")
    return trip


def remove_trip(claim: Claim, by: api.Person, trip_id: int) -> None:
    editable(claim)
    trip = next((t for t in claim.trips if t.id == trip_id), None)
    if trip is not None:
        record(claim, by, "trip_removed", f"{trip.driver}: {trip.from_place} – {trip.to_place}, {trip.km} km", "")
        claim.trips.remove(trip)


def add_expense(claim: Claim, by: api.Person, kind: str, description: str, amount_ore: int, receipt_file: str,
                receipt_type: str) -> ClaimExpense:
    editable(claim)
    expense = ClaimExpense(kind=kind, description=description, amount_ore=amount_ore, receipt_file=receipt_file,
                           receipt_type=receipt_type)
    claim.expenses.append(expense)
    record(claim, by, "expense_added", "", f"{description}: {money.format_kronor(amount_ore)}")
    return expense


def remove_expense(claim: Claim, by: api.Person, expense_id: int) -> str | None:
    """Remove a cost; returns the receipt's file name, to delete once the change is committed."""
    editable(claim)
    expense = next((e for e in claim.expenses if e.id == expense_id), None)
    if expense is None:
        return None
    record(claim, by, "expense_removed", f"{expense.description}: {money.format_kronor(expense.amount_ore)}", "")
    claim.expenses.remove(expense)
    return expense.receipt_file


def lines(claim: Claim) -> list[money.Line]:
    rules = effective_rules(claim.meeting)
    return money.claim_lines(
        [money.Attendee(a.name, a.online) for a in claim.attendees],
        [money.Trip(t.driver, t.from_place, t.to_place, t.km, tuple(t.passengers.splitlines())) for t in claim.trips],
        [money.Expense(e.description, e.amount_ore) for e in claim.expenses],
        rules.rates)


def _store_totals(claim: Claim) -> None:
    claim_lines = lines(claim)
    sums = money.totals_by_kind(claim_lines)
    claim.fees_ore, claim.mileage_ore, claim.receipts_ore = sums[money.FEE], sums[money.MILEAGE], sums[money.RECEIPT]
    claim.total_ore = money.total(claim_lines)


def _attendance_still_recorded(claim: Claim) -> None:
    """A claim never rests on a check-in that was undone: read the attendance again."""
    present = {a.id for a in attendance_of(claim.meeting, claim.organisation)}
    gone = [a.name for a in claim.attendees if a.attendance_id not in present]
    if gone:
        raise ClaimError(_l("%(names)s is no longer recorded present at the meeting.", names=", ".join(gone)),
                         "attendees")


def payment_details(organisation: api.Organisation) -> PaymentDetails | None:
    return db.session.scalar(select(PaymentDetails).where(PaymentDetails.organisation_id == organisation.id))


def submit(claim: Claim, by: api.Person, *, on: date | None = None) -> None:
    editable(claim)
    if not api.acts_for(by, claim.organisation, "representative"):
        raise ClaimError(_l("You do not represent this organisation."))
    rules = effective_rules(claim.meeting)
    if claim.state == DRAFT and (on or today()) > rules.deadline:
        raise ClaimError(_l("The last day to claim was %(date)s.", date=rules.deadline.isoformat()))
    if not claim.attendees and not claim.trips and not claim.expenses:
        raise ClaimError(_l("The claim is empty: add who attended, a journey or a cost."), "attendees")
    _attendance_still_recorded(claim)
    if payment_details(claim.organisation) is None:
        raise ClaimError(_l("Enter the organisation's payment details before sending the claim."))
    _store_totals(claim)
    old = claim.state
    claim.state, claim.submitted_at, claim.reason = SUBMITTED, api.utcnow(), ""
    claim.claimant_id, claim.claimant_name = by.id, by.display_name
    record(claim, by, "state", old, SUBMITTED)
    from .notify import state_changed
    state_changed(claim)


# --- Handling ---------------------------------------------------------------------------------------


def budget(forum: api.Forum, year: int) -> Budget | None:
    return db.session.scalar(select(Budget).where(Budget.forum_id == forum.id, Budget.year == year))


def set_budget(forum: api.Forum, year: int, amount_ore: int | None) -> Budget:
    row = budget(forum, year)
    if row is None:
        row = Budget(forum_id=forum.id, year=year, used_ore=0)
        db.session.add(row)
    if amount_ore is not None and amount_ore < row.used_ore:
        raise ClaimError(_l("Approved claims already use %(used)s of this year's budget.",
                            used=kronor(row.used_ore)), "budget")
    row.amount_ore = amount_ore
    return row


def budget_figures(forum: api.Forum, year: int) -> tuple[int | None, int, int | None]:
    """(budget, used, left) in öre; budget and left are None when no budget is set."""
    row = budget(forum, year)
    if row is None:
        return None, 0, None
    left = None if row.amount_ore is None else row.amount_ore - row.used_ore
    return row.amount_ore, row.used_ore, left


def _transition(claim: Claim, old: str, new: str, **values) -> None:
    """Move the claim from ``old`` to ``new`` with one conditional UPDATE: of two organisers acting
    at once, one moves it and the other is told it was already handled."""
    result = db.session.execute(update(Claim).where(Claim.id == claim.id, Claim.state == old)
                                .values(state=new, **values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise ClaimError(_l("Someone else has already handled this claim."))
    db.session.expire(claim)


def _may_handle(claim: Claim, by: api.Person) -> None:
    if not api.manages_meeting(by, claim.meeting):
        raise ClaimError(_l("Only the forum's organisers handle its claims."))


def approve(claim: Claim, by: api.Person) -> None:
    _may_handle(claim, by)
    if claim.state != SUBMITTED:
        raise ClaimError(_l("Someone else has already handled this claim."))
    _attendance_still_recorded(claim)
    details = payment_details(claim.organisation)
    if details is None:
        raise ClaimError(_l("The organisation has no payment details."))
    rules = effective_rules(claim.meeting)
    amount, forum = claim.total_ore, claim.meeting.forum
    _transition(claim, SUBMITTED, APPROVED, decided_at=api.utcnow(), budget_year=rules.year,
                pay_method=details.method, pay_number=details.number)
    if budget(forum, rules.year) is None:
        try:
            with db.session.begin_nested():
                db.session.add(Budget(forum_id=forum.id, year=rules.year, amount_ore=None, used_ore=0))
        except IntegrityError:
            pass
    used = db.session.execute(
        update(Budget).where(Budget.forum_id == forum.id, Budget.year == rules.year,
                             or_(Budget.amount_ore.is_(None), Budget.used_ore + amount <= Budget.amount_ore))
        .values(used_ore=Budget.used_ore + amount).execution_options(synchronize_session=False))
    if used.rowcount != 1:
        db.session.rollback()
        _, spent, left = budget_figures(forum, rules.year)
        raise ClaimError(_l("Approving %(amount)s would pass the budget for %(year)s: %(left)s is left.",
                            amount=kronor(amount), year=rules.year, left=kronor(left or 0)))
    record(claim, by, "state", SUBMITTED, APPROVED)
    from .notify import state_changed
    state_changed(claim)


def send_back(claim: Claim, by: api.Person, new: str, reason: str) -> None:
    """Return (editable again) or reject a submitted claim, with a reason for the organisation."""
    _may_handle(claim, by)
    if new not in (RETURNED, REJECTED):
        raise ValueError(new)
    if not reason.strip():
        raise ClaimError(_l("Give a reason: the organisation sees it."), "reason")
    _transition(claim, SUBMITTED, new, decided_at=api.utcnow(), reason=reason.strip())
    record(claim, by, "state", SUBMITTED, new)
    record(claim, by, "reason", "", reason.strip())
    from .notify import state_changed
    state_changed(claim)


def mark_paid(claims: list[Claim], by: api.Person) -> int:
    """Mark approved claims paid; returns how many were (others were already paid or not approved)."""
    done = 0
    for claim in claims:
        _may_handle(claim, by)
        result = db.session.execute(update(Claim).where(Claim.id == claim.id, Claim.state == APPROVED)
                                    .values(state=PAID, paid_at=api.utcnow())
                                    .execution_options(synchronize_session=False))
        if result.rowcount == 1:
            db.session.expire(claim)
            record(claim, by, "state", APPROVED, PAID)
            from .notify import state_changed
            state_changed(claim)
            done += 1
    return done


# What a list of claims shows of each: its organisation, meeting and who it claims for.
_LISTED = (selectinload(Claim.organisation), selectinload(Claim.attendees))


def claims_of_forum(forum: api.Forum, states: tuple[str, ...] | None = None, year: int | None = None) -> list[Claim]:
    query = (select(Claim).join(Claim.meeting).where(api.Meeting.forum_id == forum.id)
             .order_by(api.Meeting.starts_at, Claim.id).options(contains_eager(Claim.meeting), *_LISTED))
    if states:
        query = query.where(Claim.state.in_(states))
    if year is not None:
        begins, ends = api.year_bounds(year)
        query = query.where(api.Meeting.starts_at >= begins, api.Meeting.starts_at < ends)
    return list(db.session.scalars(query))


def claims_of_meeting(meeting: api.Meeting) -> list[Claim]:
    return list(db.session.scalars(select(Claim).where(Claim.meeting_id == meeting.id).order_by(Claim.id)
                                   .options(selectinload(Claim.meeting), *_LISTED)))


# --- Payment details --------------------------------------------------------------------------------


def save_payment_details(organisation: api.Organisation, by: api.Person, method: str, number: str) -> PaymentDetails:
    if not api.acts_for(by, organisation, "representative"):
        raise ClaimError(_l("You do not represent this organisation."))
    try:
        stored = payment.normalise(method, number)
    except payment.PaymentError as error:
        raise ClaimError(_l("The check digit is wrong: check the number.") if str(error) == "check_digit"
                         else _l("This is not a bankgiro, plusgiro or IBAN number as chosen."), "number") from None
    details = payment_details(organisation)
    if details is None:
        details = PaymentDetails(organisation_id=organisation.id, method=method, number=stored)
        db.session.add(details)
    else:
        details.method, details.number = method, stored
    return details

