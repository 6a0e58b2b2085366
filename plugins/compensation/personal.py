"""Personal data: what the plugin holds about a person, erasure, and undone check-ins."""

from __future__ import annotations

from sqlalchemy import select

from meetings import api

from . import receipts
from .models import APPROVED, DRAFT, PAID, RETURNED, SUBMITTED, Claim, ClaimAttendee, ClaimEvent

db = api.db
REMOVED = "–"


def check_in_undone(attendance) -> None:
    """A check-in was undone: no claim that is still open rests on it (its fee line goes); a
    decided claim keeps its record and the trail says what happened."""
    from .claims import _store_totals, record

    rows = db.session.scalars(select(ClaimAttendee).where(ClaimAttendee.attendance_id == attendance.id)).all()
    for row in rows:
        claim = db.session.get(Claim, row.claim_id)
        if claim.state in (DRAFT, RETURNED, SUBMITTED):
            claim.attendees.remove(row)
            if claim.state == SUBMITTED:
                _store_totals(claim)
        record(claim, None, "attendance_removed", row.name, "")


def export(person) -> dict | None:
    made = db.session.scalars(select(Claim).where(Claim.claimant_id == person.id).order_by(Claim.id)).all()
    named = db.session.scalars(select(ClaimAttendee).where(ClaimAttendee.person_id == person.id)).all()
    events = db.session.scalars(select(ClaimEvent).where(ClaimEvent.person_id == person.id)
                                .order_by(ClaimEvent.id)).all()
    if not made and not named and not events:
        return None
    return {
        "claims_made": [{"claim": c.id, "meeting": c.meeting.title, "organisation": c.organisation.name,
                         "state": c.state, "total_ore": c.total_ore} for c in made],
        "claimed_as_attendee": [{"claim": a.claim_id, "name": a.name, "online": a.online} for a in named],
        "changes_made": [{"claim": e.claim_id, "at": e.at.isoformat(), "action": e.action, "old": e.old,
                          "new": e.new} for e in events],
    }


def erase(person) -> None:
    """Drafts the person started are deleted with their receipts; every other claim is an accounting
    record and is kept, without the person's name."""
    for claim in db.session.scalars(select(Claim).where(Claim.claimant_id == person.id)).all():
        if claim.state == DRAFT:
            for expense in claim.expenses:
                receipts.delete(expense.receipt_file)
            db.session.delete(claim)
        else:
            claim.claimant_id, claim.claimant_name = None, REMOVED
    for row in db.session.scalars(select(ClaimAttendee).where(ClaimAttendee.person_id == person.id)):
        row.name, row.person_id = REMOVED, None
    for event in db.session.scalars(select(ClaimEvent).where(ClaimEvent.person_id == person.id)):
        event.person_id, event.actor = None, REMOVED
        if event.action in ("attendees", "created"):
            event.old = event.new = ""
    for claim in db.session.scalars(select(Claim).where(Claim.state.in_((APPROVED, PAID)))):
        for trip in claim.trips:
            if person.name and trip.driver == person.name:
                trip.driver = REMOVED
