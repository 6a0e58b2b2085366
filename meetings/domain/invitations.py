"""Inviting organisations and addresses to a meeting, and answering without an account.

An invitation goes to an organisation (its representatives get the e-mail) or to a plain address,
once per meeting: inviting again sends the same link again. The link's token is derived from the
site's secret key with HMAC, so the same link can go into a reminder or be sent again, while the
database keeps only its SHA-256 hash: a copy of the database alone opens no invitation.

Answering "yes" registers every person named through ``meetings.domain.registration.register``
in one transaction: if any of them is refused, nothing of that answer is stored. The invitation
row is updated first, which locks it (the whole database on SQLite), so two answers to the same
invitation at the same moment are taken one after the other and its seat allowance holds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..collation import swedish_sort_key
from ..extensions import db
from ..models import (
    ForumMember,
    ForumMemberStatus,
    ForumRepresentative,
    Invitation,
    InvitationStatus,
    Meeting,
    MeetingStatus,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    OrganisationStatus,
    ParticipationMode,
    Person,
    Registration,
    RegistrationStatus,
    SubjectArea,
    utcnow,
)
from .mail import queue_mail
from .registration import (
    REFUSAL_MESSAGES,
    Refusal,
    RegistrationRefused,
    cancel,
    hash_token,
    offered_modes,
    register,
    registration_window_problem,
    switch_mode,
)

Message = str | LazyString

# Reminders go to those who have not answered when registration closes within this time …
REMINDER_BEFORE_CLOSING = timedelta(hours=48)
# … unless the invitation itself went out only shortly before: it is still fresh in the inbox.
REMINDER_NOT_SOONER_THAN = timedelta(hours=24)
UNANSWERED = (InvitationStatus.SENT, InvitationStatus.OPENED)
# Inviting is refused when nobody could register any more (or the meeting is not public yet).
CANNOT_INVITE = (Refusal.NOT_PUBLISHED, Refusal.CANCELLED_MEETING, Refusal.CLOSED, Refusal.STARTED)

INVITING_MESSAGES = {
    Refusal.NOT_PUBLISHED: _l("Publish the meeting before you send invitations."),
    Refusal.CANCELLED_MEETING: _l("The meeting has been cancelled, so no invitations can be sent."),
    Refusal.CLOSED: _l("Registration for this meeting has closed, so no invitations can be sent."),
    Refusal.STARTED: _l("The meeting has already started, so no invitations can be sent."),
}


class _Refused(Exception):
    """A refusal whose message is translated when it is shown (jobs and tests have no request)."""

    def __init__(self, message: Message):
        super().__init__()
        self._message = message

    @property
    def message(self) -> str:
        return str(self._message)

    def __str__(self) -> str:
        return self.message


class InvitingRefused(_Refused):
    pass


class AnswerRefused(_Refused):
    """The answer was not stored. ``attendee`` is the index of the person it is about, if any."""

    def __init__(self, message: Message, attendee: int | None = None):
        super().__init__(message)
        self.attendee = attendee


class InvitationNotFound(Exception):
    """No invitation has this token: it was mistyped, cut short or made up."""


@dataclass(frozen=True)
class Attendee:
    """One person an invited organisation names in its answer."""

    name: str
    email: str
    mode: ParticipationMode
    # None for someone already registered: keep the needs stored (the page did not show them).
    dietary_needs: str | None = ""
    access_needs: str | None = ""
    show_name_publicly: bool = False


@dataclass
class InvitationsSent:
    """What inviting did: new invitations, unanswered ones sent again, and who could not be reached."""

    new: list[Invitation] = field(default_factory=list)
    sent_again: list[Invitation] = field(default_factory=list)
    already_answered: list[Invitation] = field(default_factory=list)
    unreachable: list[Organisation] = field(default_factory=list)


class InvitationState(StrEnum):
    """What the organiser sees for each invitation."""

    SENT = "sent"
    OPENED = "opened"
    YES = "yes"
    NO = "no"
    NO_ANSWER = "no_answer"

    @property
    def label(self):
        return {"sent": _l("Sent"), "opened": _l("Opened"), "yes": _l("Yes"), "no": _l("No"),
                "no_answer": _l("No answer")}[self.value]


# --- the link ---------------------------------------------------------------------------------

def invitation_token(invitation: Invitation) -> str:
    """The secret in the invitation's link, the same every time it is asked for.

    Derived from what identifies the invitation, including the moment it was first sent, so an
    invitation made again after a deletion gets a link of its own.
    """
    secret = current_app.config["SECRET_KEY"]
    key = secret if isinstance(secret, bytes) else secret.encode("utf-8")
    recipient = str(invitation.organisation_id) if invitation.organisation_id is not None else invitation.email
    sent_at = invitation.sent_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%f")
    message = "\0".join(["invitation-link", str(invitation.meeting_id), recipient or "", sent_at])
    digest = hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode("ascii")


def invitation_by_token(token: str) -> Invitation | None:
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


def open_invitation(token: str, now: datetime | None = None) -> Invitation | None:
    """The invitation behind a link, marked as opened the first time; None for an unknown token."""
    invitation = invitation_by_token(token)
    if invitation is None:
        return None
    if invitation.status == InvitationStatus.SENT:
        db.session.execute(
            update(Invitation).where(Invitation.id == invitation.id, Invitation.status == InvitationStatus.SENT)
            .values(status=InvitationStatus.OPENED, opened_at=now or utcnow())
            .execution_options(synchronize_session=False))
        db.session.commit()
        db.session.refresh(invitation)
    return invitation


# --- inviting ----------------------------------------------------------------------------------

def inviting_problem(meeting: Meeting, now: datetime | None = None) -> Message | None:
    """Why no invitations can be sent for ``meeting`` now, or None."""
    problem = registration_window_problem(meeting, now or utcnow())
    return INVITING_MESSAGES[problem] if problem in CANNOT_INVITE else None


def invite_organisations(meeting: Meeting, organisations: Iterable[Organisation], seats: int | None,
                         by: Person | None, now: datetime | None = None) -> InvitationsSent:
    """Invite organisations; their representatives (or, lacking any, the contact address) get the e-mail.

    Commits. An organisation invited before and not yet answering gets the same link again (with
    the new number of seats); one that answered is left alone.
    """
    now = now or utcnow()
    _check_may_invite(meeting, now)
    result = InvitationsSent()
    for organisation in organisations:
        recipients = _organisation_recipients(meeting, organisation)
        if not recipients:
            result.unreachable.append(organisation)
            continue
        invitation = db.session.scalar(select(Invitation).where(
            Invitation.meeting_id == meeting.id, Invitation.organisation_id == organisation.id))
        _invite(meeting, invitation, recipients, seats, by, now, result, organisation=organisation)
    _commit_invitations()
    return result


def invite_forum_members(meeting: Meeting, seats: int | None, by: Person | None,
                         now: datetime | None = None) -> InvitationsSent:
    members = db.session.scalars(
        select(Organisation).join(ForumMember, ForumMember.organisation_id == Organisation.id)
        .where(ForumMember.forum_id == meeting.forum_id, ForumMember.status == ForumMemberStatus.MEMBER)
        .order_by(Organisation.sort_key, Organisation.id))
    return invite_organisations(meeting, list(members), seats, by, now)


def invite_emails(meeting: Meeting, emails: Iterable[str], by: Person | None, seats: int | None = None,
                  now: datetime | None = None) -> InvitationsSent:
    """Invite plain addresses (already checked by the form). Commits."""
    now = now or utcnow()
    _check_may_invite(meeting, now)
    result = InvitationsSent()
    for email in dict.fromkeys(address.strip().lower() for address in emails if address.strip()):
        invitation = db.session.scalar(select(Invitation).where(
            Invitation.meeting_id == meeting.id, Invitation.email == email))
        _invite(meeting, invitation, [(email, _known_locale(email))], seats, by, now, result, email=email)
    _commit_invitations()
    return result


def resend_invitation(invitation: Invitation) -> int:
    """Send an unanswered invitation's e-mail again, with the same link; returns how many were queued."""
    _check_may_invite(invitation.meeting, utcnow())
    if invitation.answered:
        raise InvitingRefused(_l("This invitation has been answered already."))
    recipients = _recipients(invitation)
    _queue_invitation_mail(invitation, recipients, "invitation")
    db.session.commit()
    return len(recipients)


def _commit_invitations() -> None:
    try:
        db.session.commit()
    except IntegrityError:
        # Another organiser invited some of the same at the same moment; theirs stands.
        db.session.rollback()
        raise InvitingRefused(_l("Someone else sent invitations for this meeting at the same moment. "
                                "Nothing was sent; please try again.")) from None


def _check_may_invite(meeting: Meeting, now: datetime) -> None:
    problem = inviting_problem(meeting, now)
    if problem is not None:
        raise InvitingRefused(problem)


def _invite(meeting: Meeting, invitation: Invitation | None, recipients: list[tuple[str, str | None]],
            seats: int | None, by: Person | None, now: datetime, result: InvitationsSent, *,
            organisation: Organisation | None = None, email: str | None = None) -> None:
    if invitation is not None and invitation.answered:
        result.already_answered.append(invitation)
        return
    if invitation is None:
        invitation = Invitation(meeting=meeting, meeting_id=meeting.id, organisation=organisation,
                                organisation_id=organisation.id if organisation else None, email=email,
                                seats=seats, sent_at=now, invited_by_id=by.id if by else None,
                                status=InvitationStatus.SENT)
        invitation.token_hash = hash_token(invitation_token(invitation))
        db.session.add(invitation)
        result.new.append(invitation)
    else:
        invitation.seats = seats
        result.sent_again.append(invitation)
    _queue_invitation_mail(invitation, recipients, "invitation")


def _organisation_recipients(meeting: Meeting, organisation: Organisation) -> list[tuple[str, str | None]]:
    """Those who speak for the organisation in the forum, if it named any; else all its representatives."""
    people = list(db.session.scalars(
        select(Person).join(ForumRepresentative, ForumRepresentative.person_id == Person.id)
        .where(ForumRepresentative.forum_id == meeting.forum_id,
               ForumRepresentative.organisation_id == organisation.id)
        .order_by(Person.id)))
    if not people:
        people = list(db.session.scalars(
            select(Person).join(Membership, Membership.person_id == Person.id)
            .where(Membership.organisation_id == organisation.id, Membership.role == MembershipRole.REPRESENTATIVE)
            .order_by(Person.id)))
    if people:
        return [(person.email, person.locale) for person in people]
    if organisation.contact_email:
        return [(organisation.contact_email, None)]
    return []


def _recipients(invitation: Invitation) -> list[tuple[str, str | None]]:
    if invitation.organisation is not None:
        return _organisation_recipients(invitation.meeting, invitation.organisation)
    return [(invitation.email, _known_locale(invitation.email))]


def _known_locale(email: str) -> str | None:
    return db.session.scalar(select(Person.locale).where(Person.email == email.lower()))


def _queue_invitation_mail(invitation: Invitation, recipients: list[tuple[str, str | None]], template: str) -> None:
    token = invitation_token(invitation)
    meeting = invitation.meeting
    for address, locale in recipients:
        # The address goes into the outbox only; the organisation (or nobody) is named in the text.
        queue_mail(template, address, template, locale, meeting=meeting, invitation=invitation,
                   organisation=invitation.organisation, token=token,
                   closes_at=registration_closes(meeting), agenda=list(meeting.agenda_items))


def registration_closes(meeting: Meeting) -> datetime:
    return meeting.registration_closes_at or meeting.starts_at


# --- answering ---------------------------------------------------------------------------------

def answer_problem(invitation: Invitation, now: datetime | None = None) -> Message | None:
    """Why the invitation cannot be answered now (or the answer changed), or None."""
    problem = registration_window_problem(invitation.meeting, now or utcnow())
    return REFUSAL_MESSAGES[problem] if problem is not None else None


def answer_invitation(token: str, attending: bool, attendees: Sequence[Attendee] = (), *,
                      locale: str | None = None, now: datetime | None = None) -> Invitation:
    """Store an answer: "yes" with the people who come, or "no". Commits, or stores nothing.

    Answering again replaces the earlier answer: people no longer named are cancelled (freeing
    their seats for the waiting list), those still named keep their place and get their mode and
    needs updated, new ones are registered. Everyone registered gets the usual confirmation
    e-mail. ``locale`` is the language of people met here for the first time.
    Raises InvitationNotFound or AnswerRefused.
    """
    now = now or utcnow()
    invitation = invitation_by_token(token)
    if invitation is None:
        raise InvitationNotFound
    meeting = invitation.meeting
    problem = answer_problem(invitation, now)
    if problem is not None:
        raise AnswerRefused(problem)
    if attending:
        _check_attendees(meeting, invitation, attendees)
    try:
        # Taken first: it locks the invitation, so a second answer at the same moment waits for this one.
        answer = {"status": InvitationStatus.YES if attending else InvitationStatus.NO, "answered_at": now}
        if invitation.opened_at is None:
            answer["opened_at"] = now
        db.session.execute(update(Invitation).where(Invitation.id == invitation.id).values(answer)
                           .execution_options(synchronize_session=False))
        current = active_registrations(invitation)
        if attending:
            _store_attendees(meeting, invitation, attendees, current, locale, now)
        else:
            for registration in current:
                cancel(registration, now=now, commit=False)
        db.session.commit()
    except RegistrationRefused as refused:
        db.session.rollback()
        raise AnswerRefused(REFUSAL_MESSAGES[refused.refusal]) from None
    except IntegrityError:
        db.session.rollback()
        raise AnswerRefused(_l("Someone answered this invitation at the same moment. "
                              "Please look at the answer now stored and try again.")) from None
    except BaseException:
        db.session.rollback()
        raise
    db.session.refresh(invitation)
    return invitation


def _check_attendees(meeting: Meeting, invitation: Invitation, attendees: Sequence[Attendee]) -> None:
    if not attendees:
        raise AnswerRefused(_l("Name at least one person who will come, or answer no."))
    if invitation.seats is not None and len(attendees) > invitation.seats:
        raise AnswerRefused(_l("You named more people than the invitation has seats for (%(seats)d).",
                               seats=invitation.seats))
    seen: set[str] = set()
    modes = offered_modes(meeting)
    for index, attendee in enumerate(attendees):
        email = attendee.email.strip().lower()
        if email in seen:
            raise AnswerRefused(_l("%(email)s is named twice.", email=email), index)
        seen.add(email)
        if attendee.mode not in modes:
            raise AnswerRefused(REFUSAL_MESSAGES[Refusal.MODE_NOT_OFFERED], index)


def _store_attendees(meeting: Meeting, invitation: Invitation, attendees: Sequence[Attendee],
                     current: list[Registration], locale: str | None, now: datetime) -> None:
    by_email = {registration.person.email: registration for registration in current}
    named = {attendee.email.strip().lower() for attendee in attendees}
    # Cancel first, so the seats of those no longer coming count for the new ones.
    for email, registration in by_email.items():
        if email not in named:
            cancel(registration, now=now, commit=False)
    for index, attendee in enumerate(attendees):
        email = attendee.email.strip().lower()
        registration = by_email.get(email)
        try:
            if registration is not None:
                if attendee.dietary_needs is not None:
                    registration.dietary_needs = attendee.dietary_needs.strip()
                if attendee.access_needs is not None:
                    registration.access_needs = attendee.access_needs.strip()
                registration.show_name_publicly = attendee.show_name_publicly
                if attendee.name.strip() and not registration.person.name:
                    registration.person.name = attendee.name.strip()
                if registration.mode != attendee.mode:
                    switch_mode(registration, attendee.mode, now=now, commit=False)
                continue
            register(meeting, _person_for(attendee, locale), attendee.mode, organisation=invitation.organisation,
                     invitation=invitation, dietary_needs=attendee.dietary_needs or "",
                     access_needs=attendee.access_needs or "", show_name_publicly=attendee.show_name_publicly,
                     now=now, commit=False)
        except RegistrationRefused as refused:
            raise AnswerRefused(_attendee_message(refused, email), index) from None


def _attendee_message(refused: RegistrationRefused, email: str) -> Message:
    if refused.refusal == Refusal.ALREADY_REGISTERED:
        return _l("%(email)s is already registered for this meeting.", email=email)
    if refused.refusal == Refusal.SEATS_USED:
        return _l("Your organisation has no seats left for %(email)s: it has used all the seats it was offered.",
                 email=email)
    return REFUSAL_MESSAGES[refused.refusal]


def _person_for(attendee: Attendee, locale: str | None) -> Person:
    """The person with this address, made if needed: a person is not an account; they may sign in later."""
    email = attendee.email.strip().lower()
    person = db.session.scalar(select(Person).where(Person.email == email))
    if person is None:
        person = Person(email=email, name=attendee.name.strip(), locale=locale)
        db.session.add(person)
        db.session.flush()
    elif not person.name and attendee.name.strip():
        person.name = attendee.name.strip()
    return person


def active_registrations(invitation: Invitation) -> list[Registration]:
    """Who is registered (confirmed or waiting) through this invitation, in the order they were named."""
    return list(db.session.scalars(
        select(Registration)
        .where(Registration.invitation_id == invitation.id, Registration.status != RegistrationStatus.CANCELLED)
        .options(selectinload(Registration.person))
        .order_by(Registration.created_at, Registration.id)))


# --- the organiser's overview ------------------------------------------------------------------

@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    state: InvitationState
    registrations: list[Registration]

    @property
    def recipient(self) -> str:
        invitation = self.invitation
        return invitation.organisation.name if invitation.organisation is not None else invitation.email


def invitation_state(invitation: Invitation, now: datetime | None = None) -> InvitationState:
    """"No answer" once nobody can answer any more; before that, sent or opened."""
    if invitation.status in UNANSWERED:
        problem = registration_window_problem(invitation.meeting, now or utcnow())
        if problem in (Refusal.CLOSED, Refusal.STARTED, Refusal.CANCELLED_MEETING):
            return InvitationState.NO_ANSWER
    return InvitationState(invitation.status.value)


def invitation_overview(meeting: Meeting, now: datetime | None = None) -> list[InvitationRow]:
    now = now or utcnow()
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.meeting_id == meeting.id)
        .options(selectinload(Invitation.organisation)))
    registrations: dict[int, list[Registration]] = {}
    for registration in db.session.scalars(
            select(Registration)
            .where(Registration.meeting_id == meeting.id, Registration.invitation_id.is_not(None),
                   Registration.status != RegistrationStatus.CANCELLED)
            .options(selectinload(Registration.person)).order_by(Registration.created_at, Registration.id)):
        registrations.setdefault(registration.invitation_id, []).append(registration)
    rows = [InvitationRow(invitation, invitation_state(invitation, now), registrations.get(invitation.id, []))
            for invitation in invitations]
    return sorted(rows, key=lambda row: (row.invitation.organisation is None, row.recipient.casefold()))


def state_counts(rows: Sequence[InvitationRow]) -> dict[InvitationState, int]:
    counts = dict.fromkeys(InvitationState, 0)
    for row in rows:
        counts[row.state] += 1
    return counts


def organisations_to_choose(meeting: Meeting, area_code: str | None = None,
                            municipality_code: str | None = None) -> list[Organisation]:
    """Approved organisations in the register (the forum's own organiser left out), optionally
    those working on one subject area and in one municipality, in Swedish alphabetical order."""
    query = (select(Organisation)
             .where(Organisation.status == OrganisationStatus.APPROVED,
                    Organisation.id != meeting.forum.organiser_id)
             .options(selectinload(Organisation.subject_areas), selectinload(Organisation.municipalities))
             .order_by(Organisation.sort_key, Organisation.id))
    if area_code:
        query = query.where(Organisation.subject_areas.any(SubjectArea.code == area_code))
    if municipality_code:
        query = query.where(Organisation.municipalities.any(Municipality.code == municipality_code))
    return list(db.session.scalars(query))


def subject_areas_and_municipalities() -> tuple[list[SubjectArea], list[Municipality]]:
    areas = sorted(db.session.scalars(select(SubjectArea)), key=lambda area: swedish_sort_key(str(area.name)))
    places = list(db.session.scalars(select(Municipality).order_by(Municipality.name)))
    return areas, sorted(places, key=lambda place: swedish_sort_key(place.name))


def invited_organisation_ids(meeting: Meeting) -> set[int]:
    return set(db.session.scalars(select(Invitation.organisation_id).where(
        Invitation.meeting_id == meeting.id, Invitation.organisation_id.is_not(None))))


# --- reminders ---------------------------------------------------------------------------------

def send_invitation_reminders(now: datetime | None = None) -> int:
    """Remind those who have not answered when registration closes within two days. A job.

    Each invitation is claimed with a conditional UPDATE of ``reminded_at`` in the transaction
    that queues its e-mail, so it is reminded once, however often the job runs or how many
    workers run it. Returns how many invitations were reminded.
    """
    now = now or utcnow()
    closes = func.coalesce(Meeting.registration_closes_at, Meeting.starts_at)
    due = db.session.scalars(
        select(Invitation.id).join(Meeting, Meeting.id == Invitation.meeting_id)
        .where(Invitation.status.in_(UNANSWERED), Invitation.reminded_at.is_(None),
               Invitation.sent_at <= now - REMINDER_NOT_SOONER_THAN,
               Meeting.status == MeetingStatus.PUBLISHED, Meeting.starts_at > now,
               or_(Meeting.registration_opens_at.is_(None), Meeting.registration_opens_at <= now),
               closes > now, closes <= now + REMINDER_BEFORE_CLOSING)
        .order_by(Invitation.id)).all()
    db.session.rollback()
    reminded = 0
    for invitation_id in due:
        claimed = db.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation_id, Invitation.reminded_at.is_(None),
                   Invitation.status.in_(UNANSWERED))
            .values(reminded_at=now).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:  # answered, or reminded by another worker, since the list was read
            db.session.rollback()
            continue
        invitation = db.session.get(Invitation, invitation_id)
        _queue_invitation_mail(invitation, _recipients(invitation), "invitation_reminder")
        db.session.commit()
        reminded += 1
    return reminded
