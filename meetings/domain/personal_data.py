"""What the service holds about a person, for their copy (GDPR article 15) and for erasure (article 17).

The core answers for its own tables; each plugin answers for its own through the ``person_data`` and
``erase_person`` hooks. Erasure keeps what others rely on but strips it of the person: a place on a
coming meeting is given up the usual way (so the waiting list moves up), and attendance at past
meetings stays as an anonymous count for compensation and minutes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, or_, select, update

from ..extensions import db
from ..models import (
    Attendance,
    ForumRepresentative,
    Invitation,
    Meeting,
    OutboxMessage,
    Person,
    Registration,
    RegistrationStatus,
    SignInToken,
    utcnow,
)
from ..plugins import collect_by_plugin, hook
from .registration import cancel


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_person(person: Person) -> dict[str, Any]:
    """Everything held about ``person``, as JSON-ready data."""
    registrations = db.session.scalars(select(Registration).where(Registration.person_id == person.id)
                                       .order_by(Registration.created_at)).all()
    attendance = db.session.scalars(select(Attendance).where(Attendance.person_id == person.id)
                                    .order_by(Attendance.recorded_at)).all()
    invitations = db.session.scalars(select(Invitation).where(Invitation.email == person.email)).all()
    speaking_for = db.session.scalars(select(ForumRepresentative).where(ForumRepresentative.person_id == person.id))
    emails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == person.email)
                                .order_by(OutboxMessage.id)).all()
    contact_for = db.session.scalars(select(Meeting).where(Meeting.contact_email == person.email)
                                     .order_by(Meeting.starts_at)).all()
    data: dict[str, Any] = {
        "person": {"email": person.email, "name": person.name, "language": person.locale,
                   "administrator": person.is_admin, "created_at": _when(person.created_at),
                   "last_sign_in_at": _when(person.last_sign_in_at)},
        "memberships": [{"organisation": m.organisation.name, "role": m.role.value, "title": m.title,
                         "name_shown_in_register": m.shown_publicly, "since": _when(m.created_at)}
                        for m in person.memberships],
        "speaks_for_in_forums": [{"forum_id": r.forum_id, "organisation_id": r.organisation_id}
                                 for r in speaking_for],
        "registrations": [{"meeting": r.meeting.title, "starts_at": _when(r.meeting.starts_at),
                           "organisation": r.organisation_label or None,
                           "mode": r.mode.value, "status": r.status.value, "dietary_needs": r.dietary_needs,
                           "access_needs": r.access_needs, "name_shown_publicly": r.show_name_publicly,
                           "registered_at": _when(r.created_at), "cancelled_at": _when(r.cancelled_at)}
                          for r in registrations],
        "attendance": [{"meeting": a.meeting.title, "mode": a.mode.value, "recorded_at": _when(a.recorded_at)}
                       for a in attendance],
        "invitations_to_your_address": [{"meeting": i.meeting.title, "status": i.status.value,
                                         "sent_at": _when(i.sent_at)} for i in invitations],
        "contact_person_for": [{"meeting": m.title, "starts_at": _when(m.starts_at), "name": m.contact_name,
                                "email": m.contact_email, "phone": m.contact_phone} for m in contact_for],
        "emails_sent_to_you": [{"subject": m.subject, "queued_at": _when(m.created_at), "sent_at": _when(m.sent_at)}
                               for m in emails],
    }
    # Under "plugins", by plugin name: a plugin's section can never replace one of the core's or
    # another plugin's, whatever its keys.
    data["plugins"] = {plugin: sections for plugin, sections in collect_by_plugin("person_data", person=person)}
    return data


def erase_person(person: Person, now: datetime | None = None) -> None:
    """Remove ``person`` and what is theirs, in one transaction; nothing is half-erased."""
    now = now or utcnow()
    try:
        coming = db.session.scalars(select(Registration).where(
            Registration.person_id == person.id, Registration.status != RegistrationStatus.CANCELLED)).all()
        for registration in coming:
            if registration.meeting.starts_at > now:
                cancel(registration, now=now, commit=False)  # gives the seat to the first in line
        # Attendance stays, as a count that compensation and minutes rely on, without the person.
        db.session.execute(update(Attendance).where(Attendance.person_id == person.id)
                           .values(person_id=None, name=""))
        db.session.execute(update(Attendance).where(Attendance.recorded_by_id == person.id)
                           .values(recorded_by_id=None))
        db.session.execute(delete(Invitation).where(Invitation.email == person.email))
        db.session.execute(delete(SignInToken).where(SignInToken.email == person.email))
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.recipient == person.email))
        # Named as a meeting's contact: the meeting keeps the organising body's address instead.
        db.session.execute(update(Meeting).where(Meeting.contact_email == person.email)
                           .values(contact_name=None, contact_email=None, contact_phone=None))
        hook().erase_person(person=person)
        db.session.delete(person)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def delete_old_needs(now: datetime | None = None) -> int:
    """Delete the food and access needs of registrations for meetings that ended more than
    ``NEEDS_RETENTION_DAYS`` ago (a scheduled job; commits). They may tell something of a person's
    health and serve only the meeting itself. Returns how many registrations had needs removed."""
    now = now or utcnow()
    ended_before = now - timedelta(days=current_app.config["NEEDS_RETENTION_DAYS"])
    result = db.session.execute(
        update(Registration)
        .where(Registration.meeting_id.in_(select(Meeting.id).where(Meeting.ends_at <= ended_before)),
               or_(Registration.dietary_needs != "", Registration.access_needs != ""))
        .values(dietary_needs="", access_needs="").execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount
