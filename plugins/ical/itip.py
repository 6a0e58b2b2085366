"""Calendar invitations inside e-mails (iTIP, RFC 5546), so Outlook and Gmail add the meeting and
later update or remove the entry they already have: a move is a REQUEST with the same UID and a
higher SEQUENCE, a cancellation is a CANCEL."""

from __future__ import annotations

from flask_babel import force_locale
from icalendar import vCalAddress, vText
from sqlalchemy import select

from meetings.domain import queries
from meetings.extensions import db
from meetings.i18n import babel_locale
from meetings.models import Meeting, Person, Registration, RegistrationStatus

from .feeds import calendar, meeting_event

# Which e-mails carry which calendar message. A waiting-list notice carries none: no seat yet.
REQUEST_KINDS = {"invitation", "invitation_reminder", "registration_confirmed", "registration_promoted",
                 "meeting_moved"}
CANCEL_KINDS = {"meeting_cancelled", "registration_cancelled"}


def attachment_for(kind: str, meeting: Meeting | None, recipient: str) -> dict | None:
    if meeting is None or (kind not in REQUEST_KINDS and kind not in CANCEL_KINDS):
        return None
    method = "CANCEL" if kind in CANCEL_KINDS else "REQUEST"
    person = db.session.scalar(select(Person).where(Person.email == recipient.lower()))
    if kind == "meeting_moved" and not _is_registered(meeting, person):
        return None
    language = person.locale if person is not None and person.locale else None
    online_url = queries.online_link(meeting, person)
    with force_locale(babel_locale(language or "sv")):
        event = meeting_event(meeting, online_url)
        attendee = vCalAddress(f"mailto:{recipient}")
        attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
        attendee.params["PARTSTAT"] = vText("ACCEPTED" if kind.startswith("registration") else "NEEDS-ACTION")
        attendee.params["RSVP"] = vText("FALSE")
        event.add("attendee", attendee)
        if method == "CANCEL":
            event["status"] = "CANCELLED"
        body = calendar(meeting.title, meeting.forum.name, [event], method=method).to_ical()
    return {"filename": "invite.ics" if method == "REQUEST" else "cancel.ics",
            "content_type": f"text/calendar; method={method}; charset=utf-8",
            "content": body.decode("utf-8")}


def _is_registered(meeting: Meeting, person: Person | None) -> bool:
    if person is None:
        return False
    return db.session.scalar(select(Registration.id).where(
        Registration.meeting_id == meeting.id, Registration.person_id == person.id,
        Registration.status == RegistrationStatus.CONFIRMED)) is not None
