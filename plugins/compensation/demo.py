"""Example compensation for ``flask meetings demo``: switched on for two forums, with claims in every
state (draft, submitted, approved, returned, rejected, paid) at their latest past meetings, so a
newcomer sees the whole flow. Inserted only where missing: running the demo again changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from meetings import api

from . import claims
from .models import Budget, Claim, ForumRules, PaymentDetails

db = api.db

FORUMS = ("lanspensionarsradet", "jamstalldhetsradet")
STATES = ("draft", "submitted", "approved", "returned", "rejected", "paid")
BANKGIROS = ("73551236", "50501055", "9020900")  # valid check digits


def _latest_past_meeting(forum):
    now = api.utcnow()
    past = [m for m in forum.meetings if m.ends_at < now and m.status == api.MeetingStatus.PUBLISHED]
    return past[-1] if past else None


def _representatives(forum):
    """Civil-society organisations with a representative: the forum's members first, then others
    (anyone may come to a meeting that is not members-only)."""
    members = [m.organisation for m in api.forum_members(forum)]
    others = [o for person in _people_with_memberships() for o in api.organisations_of(person, "representative")]
    found, seen = [], set()
    for organisation in members + others:
        if organisation.id in seen or organisation.is_public_sector:
            continue
        people = [m.person for m in organisation.memberships if m.role == api.MembershipRole.REPRESENTATIVE]
        if people:
            seen.add(organisation.id)
            found.append((organisation, people[0]))
    return found


def _people_with_memberships():
    return db.session.scalars(
        select(api.Person).join(api.Membership, api.Membership.person_id == api.Person.id)
        .order_by(api.Person.id).distinct()).all()


def load(app) -> dict[str, int] | None:
    wanted = iter(STATES)
    for slug in FORUMS:
        forum = api.get_forum(slug)
        meeting = forum and _latest_past_meeting(forum)
        if meeting is None:
            continue
        if db.session.scalar(select(ForumRules).where(ForumRules.forum_id == forum.id)) is None:
            db.session.add(ForumRules(forum_id=forum.id, offered=True, kinds="civil_society", fee_on_site_ore=50_000,
                                      fee_online_ore=30_000, max_representatives=2, mileage=True, receipts=True,
                                      deadline_days=60))
        db.session.flush()
        year = claims.effective_rules(meeting).year
        if claims.budget(forum, year) is None:
            db.session.add(Budget(forum_id=forum.id, year=year, amount_ore=5_000_000, used_ore=0))
        db.session.commit()
        organisers = [m.person for m in forum.organiser.memberships if m.role == api.MembershipRole.ORGANISER]
        if not organisers:
            continue
        for index, (organisation, person) in enumerate(_representatives(forum)[:3]):
            state = next(wanted, None)
            if state is None:
                break
            if claims.claim_for(meeting, organisation) is not None:
                continue
            try:
                api.record_walk_in(meeting, person.display_name, organisation)
            except ValueError:
                continue
            if claims.payment_details(organisation) is None:
                db.session.add(PaymentDetails(organisation_id=organisation.id, method="bankgiro",
                                              number=BANKGIROS[index % len(BANKGIROS)]))
            _claim_in_state(meeting, organisation, person, organisers[0], state)
            db.session.commit()
    count = db.session.scalar(select(func.count(Claim.id)))
    return {"compensation claims": count}


def _claim_in_state(meeting, organisation, person, organiser, state: str) -> None:
    claim = claims.start(meeting, organisation, person)
    claims.add_trip(claim, person, person.display_name, "Boden", meeting.venue_name or "Luleå", 74, [])
    if state == "draft":
        return
    claims.submit(claim, person, on=claims.effective_rules(meeting).deadline)
    if state == "submitted":
        return
    if state in ("returned", "rejected"):
        reason = ("Ange hela resvägen, tack." if state == "returned"
                  else "Organisationen har redan fått ersättning för mötet genom ett annat bidrag.")
        claims.send_back(claim, organiser, state, reason)
        return
    claims.approve(claim, organiser)
    if state == "paid":
        claims.mark_paid([claim], organiser)
