"""Mail at each change of a claim's state, and the reminder before the deadline."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from meetings import api

from .i18n import domain, kronor, long_date
from .models import Claim, Reminder


def representatives(organisation: api.Organisation) -> list[api.Person]:
    return [m.person for m in organisation.memberships if m.role == api.MembershipRole.REPRESENTATIVE]


def _recipients(claim: Claim) -> list[api.Person]:
    people = {p.id: p for p in representatives(claim.organisation)}
    if claim.claimant is not None:
        people.setdefault(claim.claimant.id, claim.claimant)
    return sorted(people.values(), key=lambda p: p.email)


def state_changed(claim: Claim) -> None:
    """Tell the claimant and the organisation's representatives what happened to the claim."""
    api.db.session.flush()
    api.db.session.refresh(claim)
    for person in _recipients(claim):
        api.queue_mail("compensation", "state_changed", person.email, person.locale, domain=domain,
                       meeting=claim.meeting, claim=claim, kronor=kronor,
                       claim_url=api.public_url("compensation.claim", meeting_id=claim.meeting_id,
                                                organisation_id=claim.organisation_id))


def send_reminders(now=None) -> int:
    """Remind organisations that attended, may claim and have not, ``COMPENSATION_REMINDER_DAYS``
    before the deadline. Each organisation is reminded once per meeting (a row claims the reminder)."""
    from .claims import attendance_of, claim_for, effective_rules, why_not

    now = now or api.utcnow()
    today = api.local_time(now).date()
    days = current_app.config.get("COMPENSATION_REMINDER_DAYS", 7)
    sent = 0
    recent = select(api.Meeting).where(api.Meeting.status == api.MeetingStatus.PUBLISHED,
                                       api.Meeting.ends_at <= now, api.Meeting.ends_at >= now - timedelta(days=400))
    for meeting in api.db.session.scalars(recent):
        rules = effective_rules(meeting)
        if not rules.offered or not (today <= rules.deadline <= today + timedelta(days=days)):
            continue
        organisations = {a.organisation.id: a.organisation for a in api.attendance_of_meeting(meeting)
                         if a.organisation is not None}
        for organisation in organisations.values():
            if claim_for(meeting, organisation) is not None or not attendance_of(meeting, organisation):
                continue
            people = [p for p in representatives(organisation) if why_not(meeting, organisation, p, on=today) is None]
            if not people:
                continue
            try:
                with api.db.session.begin_nested():
                    api.db.session.add(Reminder(meeting_id=meeting.id, organisation_id=organisation.id))
            except IntegrityError:
                continue  # reminded already
            for person in people:
                api.queue_mail("compensation", "reminder", person.email, person.locale, domain=domain,
                               meeting=meeting, organisation=organisation, deadline=rules.deadline,
                               long_date=long_date,
                               claim_url=api.public_url("compensation.claim", meeting_id=meeting.id,
                                                        organisation_id=organisation.id))
            sent += 1
    api.db.session.commit()
    return sent


def reminder_job(app) -> None:
    with app.app_context():
        send_reminders()
