"""Calendar invitations inside e-mails (iTIP, RFC 5546), so Outlook and Gmail add the meeting and
later update or remove the entry they already have: an invitation is a PUBLISH (no answer buttons
that would go nowhere), a registration a REQUEST already accepted, a move a REQUEST with the same
UID and a higher SEQUENCE, a cancelled meeting or registration a CANCEL."""

from __future__ import annotations

from flask_babel import force_locale
from icalendar import vCalAddress, vText
from sqlalchemy import select

from meetings.domain import queries
from meetings.extensions import db
from meetings.i18n import babel_locale
from meetings.models import Meeting, Person, Registration, RegistrationStatus

from .feeds import calendar, meeting_event

# Which e-mails carry which calendar message. An invitation is published: the event can be added to
# a calendar, but it shows no answer buttons, since the answer is given on the invitation's page.
# Once the person has said yes (registered), a REQUEST puts the meeting in the calendar as accepted,
# and later ones update it; a cancelled registration or meeting removes it. A waiting-list notice
# carries none: no seat yet.
PUBLISH_KINDS = {"invitation", "invitation_reminder"}
REQUEST_KINDS = {"registration_confirmed", "registration_promoted", "registration_restored", "meeting_moved"}
CANCEL_KINDS = {"meeting_cancelled", "registration_cancelled"}


def attachment_for(kind: str, meeting: Meeting | None, recipient: str) -> dict | None:
    if meeting is None or kind not in PUBLISH_KINDS | REQUEST_KINDS | CANCEL_KINDS:
        return None
    method = "CANCEL" if kind in CANCEL_KINDS else "PUBLISH" if kind in PUBLISH_KINDS else "REQUEST"
    person = db.session.scalar(select(Person).where(Person.email == recipient.lower()))
    if kind == "meeting_moved" and not _is_registered(meeting, person):
        return None
    language = person.locale if person is not None and person.locale else None
    online_url = queries.online_link(meeting, person)
    with force_locale(babel_locale(language or "sv")):
        event = meeting_event(meeting, online_url)
        if method != "PUBLISH":  # no attendee on a published event: nothing to answer in the calendar
            attendee = vCalAddress(f"mailto:{recipient}")
            attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
            attendee.params["PARTSTAT"] = vText("ACCEPTED")
            attendee.params["RSVP"] = vText("FALSE")
            event.add("attendee", attendee)
        if method == "CANCEL":
            event["status"] = "CANCELLED"
        body = calendar(meeting.title, meeting.forum.name, [event], method=method).to_ical()
    return {"filename": "cancel.ics" if method == "CANCEL" else "invite.ics",
            "content_type": f"text/calendar; method={method}; charset=utf-8",
            "content": body.decode("utf-8")}


def _is_registered(meeting: Meeting, person: Person | None) -> bool:
    if person is None:
        return False
    return db.session.scalar(select(Registration.id).where(
        Registration.meeting_id == meeting.id, Registration.person_id == person.id,
        Registration.status == RegistrationStatus.CONFIRMED)) is not None
