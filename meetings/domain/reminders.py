"""Reminders a set time before a meeting (default 24 hours), sent once to each confirmed registrant.

A scheduler job sweeps for registrations whose reminder is due. Each registration is claimed with
a conditional UPDATE (``reminded_at`` is set only where it is still empty) in the same transaction
that queues its e-mail: a worker that restarts, or two workers sweeping at once, never send a
reminder twice, and a crash before the commit leaves the registration for the next sweep.
People who register after the reminder time but before the start get one on the next sweep.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select, update

from ..extensions import db
from ..models import (
    Meeting,
    MeetingSession,
    MeetingStatus,
    Registration,
    RegistrationStatus,
    SessionChoice,
    utcnow,
)
from .mail import queue_mail
from .queries import online_link

TEMPLATE = "meeting_reminder"


def reminder_due_at(meeting: Meeting) -> datetime:
    return meeting.starts_at - timedelta(hours=meeting.reminder_hours)


def _remindable_meeting_ids(now: datetime):
    """Published meetings with reminders on that have not started (the hours are checked in Python,
    as date arithmetic differs between SQLite and PostgreSQL)."""
    return select(Meeting.id).where(Meeting.status == MeetingStatus.PUBLISHED, Meeting.reminder_enabled.is_(True),
                                    Meeting.starts_at > now)


def _waiting_for_reminder(now: datetime):
    return (Registration.status == RegistrationStatus.CONFIRMED, Registration.reminded_at.is_(None),
            Registration.meeting_id.in_(_remindable_meeting_ids(now)))


def meetings_due(now: datetime) -> list[int]:
    """Meetings whose reminder time has come and that have someone still to remind."""
    rows = db.session.execute(
        select(Meeting.id, Meeting.starts_at, Meeting.reminder_hours)
        .where(Meeting.id.in_(_remindable_meeting_ids(now)),
               exists().where(Registration.meeting_id == Meeting.id, *_waiting_for_reminder(now)))
        .order_by(Meeting.starts_at)).all()
    return [row.id for row in rows if row.starts_at - timedelta(hours=row.reminder_hours) <= now]


def send_meeting_reminders(now: datetime | None = None) -> int:
    """Queue every reminder that is due; returns how many were queued. A scheduler job."""
    now = now or utcnow()
    queued = 0
    for meeting_id in meetings_due(now):
        registration_ids = db.session.scalars(
            select(Registration.id).where(Registration.meeting_id == meeting_id, *_waiting_for_reminder(now))
            .order_by(Registration.id)).all()
        db.session.rollback()  # no transaction stays open between the claims
        for registration_id in registration_ids:
            if _remind(registration_id, now):
                queued += 1
    db.session.rollback()
    return queued


def _remind(registration_id: int, now: datetime) -> bool:
    """Claim one registration and queue its reminder, in one transaction."""
    claimed = db.session.execute(
        update(Registration)
        .where(Registration.id == registration_id, *_waiting_for_reminder(now))
        .values(reminded_at=now)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        db.session.rollback()  # another worker reminded them, or they cancelled meanwhile
        return False
    registration = db.session.get(Registration, registration_id, populate_existing=True)
    meeting = db.session.get(Meeting, registration.meeting_id, populate_existing=True)
    if reminder_due_at(meeting) > now:  # the organiser changed the hours since the sweep began
        db.session.rollback()
        return False
    person = registration.person
    queue_mail(TEMPLATE, person.email, TEMPLATE, locale=person.locale, meeting=meeting,
               registration=registration, sessions=chosen_sessions(registration),
               online_url=online_link(meeting, person, registration))
    db.session.commit()
    return True


def chosen_sessions(registration: Registration) -> list[MeetingSession]:
    """The programme sessions where the registrant has a confirmed place, in time order."""
    return list(db.session.scalars(
        select(MeetingSession).join(SessionChoice)
        .where(SessionChoice.registration_id == registration.id,
               SessionChoice.status == RegistrationStatus.CONFIRMED)
        .order_by(MeetingSession.starts_at, MeetingSession.id)))


def forget_reminders(meeting: Meeting) -> None:
    """Let everyone be reminded again, before the new time, after a meeting has moved.

    Runs inside the caller's transaction (it does not commit).
    """
    db.session.execute(
        update(Registration).where(Registration.meeting_id == meeting.id, Registration.reminded_at.is_not(None))
        .values(reminded_at=None).execution_options(synchronize_session=False))
