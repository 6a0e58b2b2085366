"""Registering for a meeting: the rules that must hold however many people register at once.

A seat is taken with one conditional UPDATE on the meeting's counter (``confirmed_on_site`` or
``confirmed_online``): it succeeds only while a seat is free, on SQLite (one writer at a time) and
on PostgreSQL (the row lock makes the second writer re-check the condition) alike. Whoever does
not get a seat goes on the waiting list in arrival order; a cancellation promotes the first in
line in the same transaction. One registration per person and meeting is a UNIQUE constraint.

Every change of a registration's state is a conditional claim too: an UPDATE of its row that names
the status (and mode) it expects, and a seat is kept only when that UPDATE changed one row. So two
presses at once of "register again", "change to online" or "cancel" change the registration once,
and the meeting's counters always equal its confirmed rows.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import (
    ForumMember,
    ForumMemberStatus,
    Invitation,
    Meeting,
    MeetingStatus,
    Organisation,
    ParticipationMode,
    Person,
    Registration,
    RegistrationStatus,
    utcnow,
)
from ..plugins import hook
from .auth import normalise_email
from .checkin_qr import check_in_qr_mail
from .mail import queue_mail
from .sessions import choose_sessions, release_session_places

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on a phone
CODE_LENGTH = 6
CLAIM_TRIES = 5  # a change re-read after another change of the same registration won
ORGANISATION_NAME_MAX = 200


class Refusal(StrEnum):
    NOT_PUBLISHED = "not_published"
    CANCELLED_MEETING = "cancelled_meeting"
    NOT_OPEN_YET = "not_open_yet"
    CLOSED = "closed"
    STARTED = "started"
    ALREADY_REGISTERED = "already_registered"
    MODE_NOT_OFFERED = "mode_not_offered"
    SEATS_USED = "seats_used"
    MEMBERS_ONLY = "members_only"
    NOT_REPRESENTATIVE = "not_representative"
    PLACE_TAKEN = "place_taken"


REFUSAL_MESSAGES = {
    Refusal.NOT_PUBLISHED: _l("This meeting is not open for registration."),
    Refusal.CANCELLED_MEETING: _l("This meeting has been cancelled, so registration is closed."),
    Refusal.NOT_OPEN_YET: _l("Registration for this meeting has not opened yet."),
    Refusal.CLOSED: _l("Registration for this meeting has closed."),
    Refusal.STARTED: _l("The meeting has already started; registrations can no longer be changed."),
    Refusal.ALREADY_REGISTERED: _l("You are already registered for this meeting."),
    Refusal.MODE_NOT_OFFERED: _l("This meeting cannot be attended that way."),
    Refusal.SEATS_USED: _l("Your organisation has used all the seats it was offered for this meeting."),
    Refusal.MEMBERS_ONLY: _l("This meeting is for the forum's member organisations and invited guests only."),
    Refusal.NOT_REPRESENTATIVE: _l("You can only register on behalf of an organisation you represent."),
    Refusal.PLACE_TAKEN: _l("Your place has gone to someone else in the meantime, so the cancellation cannot be "
                            "undone. You can register again to join the waiting list."),
}


class RegistrationRefused(Exception):
    def __init__(self, refusal: Refusal):
        self.refusal = refusal
        super().__init__(refusal.value)

    @property
    def message(self) -> str:
        return str(REFUSAL_MESSAGES[self.refusal])


@dataclass(frozen=True)
class Registered:
    """What ``register`` did: the registration, and the one-time secret for managing it by link."""

    registration: Registration
    manage_token: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def registration_window_problem(meeting: Meeting, now: datetime) -> Refusal | None:
    """Why nobody can register for ``meeting`` now, or None if registration is open."""
    if meeting.status == MeetingStatus.CANCELLED:
        return Refusal.CANCELLED_MEETING
    if meeting.status != MeetingStatus.PUBLISHED:
        return Refusal.NOT_PUBLISHED
    if meeting.registration_opens_at is not None and now < meeting.registration_opens_at:
        return Refusal.NOT_OPEN_YET
    if now >= meeting.starts_at:
        return Refusal.STARTED
    if meeting.registration_closes_at is not None and now >= meeting.registration_closes_at:
        return Refusal.CLOSED
    return None


def registration_open_clause(now: datetime) -> ColumnElement[bool]:
    """``registration_window_problem(meeting, now) is None`` as SQL, for lists that filter on it.

    The same conditions, in the same terms: published, opened (or no opening time), not started,
    not closed (or no closing time). Keep the two together; a test checks that they agree.
    """
    return and_(
        Meeting.status == MeetingStatus.PUBLISHED,
        or_(Meeting.registration_opens_at.is_(None), Meeting.registration_opens_at <= now),
        Meeting.starts_at > now,
        or_(Meeting.registration_closes_at.is_(None), Meeting.registration_closes_at > now),
    )


def offered_modes(meeting: Meeting) -> list[ParticipationMode]:
    modes = []
    if meeting.has_venue:
        modes.append(ParticipationMode.ON_SITE)
    if meeting.is_online:
        modes.append(ParticipationMode.ONLINE)
    return modes


def may_register(meeting: Meeting, person: Person | None, invitation: Invitation | None = None) -> bool:
    """Members-only meetings are for the forum's member organisations and the invited."""
    if not meeting.members_only or invitation is not None:
        return True
    if person is None:
        return False
    if person.organises_for(meeting.forum.organiser):
        return True
    member_ids = {m.organisation_id for m in meeting.forum.members if m.status == ForumMemberStatus.MEMBER}
    return any(m.organisation_id in member_ids for m in person.memberships)


def _counter(mode: ParticipationMode):
    return Meeting.confirmed_on_site if mode == ParticipationMode.ON_SITE else Meeting.confirmed_online


def _limit(mode: ParticipationMode):
    return Meeting.capacity if mode == ParticipationMode.ON_SITE else Meeting.online_capacity


def _take_seat(meeting_id: int, mode: ParticipationMode) -> bool:
    counter, limit = _counter(mode), _limit(mode)
    result = db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting_id, (limit.is_(None)) | (counter < limit))
        # updated_at is kept: a seat taken is not a change to the meeting (calendars rely on it).
        .values({counter: counter + 1, Meeting.updated_at: Meeting.updated_at})
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _release_seat(meeting_id: int, mode: ParticipationMode) -> None:
    counter = _counter(mode)
    db.session.execute(
        update(Meeting).where(Meeting.id == meeting_id, counter > 0)
        .values({counter: counter - 1, Meeting.updated_at: Meeting.updated_at})
        .execution_options(synchronize_session=False))


def _lock_meeting(meeting_id: int) -> None:
    """Take the meeting's row lock (a no-op UPDATE) before any registration's.

    Every change takes its locks in one order: the invitation, the meeting, registrations, then
    sessions. Taking a seat locks the meeting only when a seat is free; a cancellation or a change
    of mode, which may change its registration before giving a seat back, takes this lock first,
    so two of them never wait for each other in a circle (a deadlock on PostgreSQL).
    """
    db.session.execute(
        update(Meeting).where(Meeting.id == meeting_id)
        .values({Meeting.confirmed_on_site: Meeting.confirmed_on_site, Meeting.updated_at: Meeting.updated_at})
        .execution_options(synchronize_session=False))


def _give_back(meeting_id: int, mode: ParticipationMode, seat_taken: bool, commit: bool) -> None:
    """Undo a seat taken for a claim that another request won."""
    if commit:
        db.session.rollback()
    elif seat_taken:
        _release_seat(meeting_id, mode)


def _take_organisation_seat(invitation: Invitation | None, meeting_id: int, organisation_id: int | None) -> bool:
    """An invitation may limit how many people an organisation registers."""
    if invitation is None or invitation.seats is None:
        return True
    # Lock the invitation's row first (a no-op UPDATE), so two people of one organisation
    # registering at the same moment are counted one after the other and never both take the last seat.
    db.session.execute(update(Invitation).where(Invitation.id == invitation.id).values(seats=Invitation.seats)
                       .execution_options(synchronize_session=False))
    same_organisation = Registration.invitation_id == invitation.id
    if organisation_id is not None:
        same_organisation = or_(same_organisation, Registration.organisation_id == organisation_id)
    used = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.meeting_id == meeting_id, Registration.status != RegistrationStatus.CANCELLED,
            same_organisation))
    return used < invitation.seats


def _new_code(meeting_id: int) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        taken = db.session.scalar(select(Registration.id).where(
            Registration.meeting_id == meeting_id, Registration.code == code))
        if taken is None:
            return code


def register(meeting: Meeting, person: Person, mode: ParticipationMode, *,
             organisation: Organisation | None = None, invitation: Invitation | None = None,
             organisation_name: str = "", dietary_needs: str = "", access_needs: str = "",
             show_name_publicly: bool = False, session_ids: Iterable[int] = (), now: datetime | None = None,
             notify: bool = True, commit: bool = True) -> Registered:
    """Register ``person``: a confirmed seat if one is free, otherwise a place on the waiting list.

    ``organisation_name`` is the association someone says they come for without representing it
    (open registration); it is kept only when no ``organisation`` is given. ``session_ids`` are the
    programme's sessions chosen in the same form: taken with a confirmed seat (so the confirmation
    lists them), ignored on the waiting list; a refused choice (sessions.SessionRefused) stores nothing.

    Commits, and queues the confirmation (or waiting-list) e-mail in the same transaction.
    Raises RegistrationRefused, having stored nothing, when the rules do not allow it.
    With ``commit=False`` the caller commits, so that several registrations (an invitation's
    answer) are stored together or not at all; a refusal may then have rolled the session back.
    """
    now = now or utcnow()
    problem = registration_window_problem(meeting, now)
    if problem is not None:
        raise RegistrationRefused(problem)
    if mode not in offered_modes(meeting):
        raise RegistrationRefused(Refusal.MODE_NOT_OFFERED)
    if not may_register(meeting, person, invitation):
        raise RegistrationRefused(Refusal.MEMBERS_ONLY)
    if organisation is not None and invitation is None and not person.represents(organisation):
        raise RegistrationRefused(Refusal.NOT_REPRESENTATIVE)

    existing = db.session.scalar(select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.person_id == person.id))
    if existing is not None and existing.is_active:
        raise RegistrationRefused(Refusal.ALREADY_REGISTERED)
    if not _take_organisation_seat(invitation, meeting.id, organisation.id if organisation else None):
        raise RegistrationRefused(Refusal.SEATS_USED)

    confirmed = _take_seat(meeting.id, mode)
    token = secrets.token_urlsafe(24)
    previous_status = existing.status if existing is not None else None
    fields = {
        "mode": mode,
        "status": RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITING,
        "waiting_since": None if confirmed else now,
        "organisation_id": organisation.id if organisation else None,
        "organisation_name": "" if organisation else organisation_name.strip()[:ORGANISATION_NAME_MAX],
        "invitation_id": invitation.id if invitation else None,
        "dietary_needs": dietary_needs.strip(),
        "access_needs": access_needs.strip(),
        "show_name_publicly": show_name_publicly,
        "manage_token_hash": hash_token(token),
        "cancelled_at": None,
    }
    if existing is not None:
        # Coming back after a cancellation: the cancelled row is claimed conditionally, so two
        # presses at once revive it once and the second gives its seat back.
        claimed = db.session.execute(
            update(Registration)
            .where(Registration.id == existing.id, Registration.status == RegistrationStatus.CANCELLED)
            .values(**fields, updated_at=now).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            _give_back(meeting.id, mode, confirmed, commit)
            raise RegistrationRefused(Refusal.ALREADY_REGISTERED)
        registration = existing
        db.session.refresh(registration)
    else:
        registration = Registration(meeting_id=meeting.id, person_id=person.id, code=_new_code(meeting.id),
                                    created_at=now, **fields)
        db.session.add(registration)
        try:
            db.session.flush()
        except IntegrityError:
            # The same person registered at the same moment from another tab or device.
            db.session.rollback()
            raise RegistrationRefused(Refusal.ALREADY_REGISTERED) from None
    session_ids = set(session_ids)
    if session_ids and confirmed:
        choose_sessions(registration, session_ids, now=now, commit=False)
        db.session.expire(registration, ["session_choices"])
    if notify:
        _queue_registration_mail(registration, token)
    hook().registration_changed(registration=registration, previous_status=previous_status)
    if commit:
        db.session.commit()
    return Registered(registration, token)


def register_by_address(meeting: Meeting, email: str, name: str, mode: ParticipationMode, *,
                        organisation_name: str = "", dietary_needs: str = "", access_needs: str = "",
                        show_name_publicly: bool = False, locale: str | None = None,
                        now: datetime | None = None) -> Registered | None:
    """Open registration: someone without an account registers with a name and an e-mail address.

    Only for meetings anyone may register for (``may_register`` with nobody signed in). Nobody has
    proven the address here, so an address that already has a registration for the meeting never
    changes it: the link to manage it is e-mailed to that address again and None is returned. A
    person with the address is made when there is none (a person is not an account), and an
    existing person's name is left as it is. Commits; raises RegistrationRefused having stored nothing.
    """
    now = now or utcnow()
    problem = registration_window_problem(meeting, now)
    if problem is not None:
        raise RegistrationRefused(problem)
    if not may_register(meeting, None):
        raise RegistrationRefused(Refusal.MEMBERS_ONLY)
    email = normalise_email(email)
    person = db.session.scalar(select(Person).where(Person.email == email))
    existing = None if person is None else db.session.scalar(select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.person_id == person.id))
    if existing is not None and existing.is_active:
        resend_manage_link(existing)
        return None
    if person is None:
        person = Person(email=email, name=name.strip(), locale=locale)
        db.session.add(person)
        db.session.flush()
    try:
        return register(meeting, person, mode, organisation_name=organisation_name, dietary_needs=dietary_needs,
                        access_needs=access_needs, show_name_publicly=show_name_publicly, now=now)
    except RegistrationRefused:
        db.session.rollback()
        raise


def resend_manage_link(registration: Registration) -> None:
    """E-mail the registrant a new link to manage their registration; earlier links stop working.

    The registration itself is unchanged. Commits.
    """
    token = secrets.token_urlsafe(24)
    registration.manage_token_hash = hash_token(token)
    person = db.session.get(Person, registration.person_id)
    queue_mail("registration_link", person.email, "registration_link", locale=person.locale,
               meeting=registration.meeting, registration=registration, manage_token=token)
    db.session.commit()


def cancel(registration: Registration, now: datetime | None = None, commit: bool = True) -> Registration | None:
    """Cancel a registration until the meeting starts; returns whoever was promoted, if anyone.

    With ``commit=False`` the caller commits (see ``register``).
    """
    now = now or utcnow()
    meeting = registration.meeting
    if now >= meeting.starts_at:
        raise RegistrationRefused(Refusal.STARTED)
    for _ in range(CLAIM_TRIES):
        previous = registration.status
        if previous == RegistrationStatus.CANCELLED:
            return None
        _lock_meeting(meeting.id)
        # Conditional, so that two clicks on "cancel" release only one seat.
        result = db.session.execute(
            update(Registration)
            .where(Registration.id == registration.id, Registration.status == previous)
            .values(status=RegistrationStatus.CANCELLED, cancelled_at=now, waiting_since=None)
            .execution_options(synchronize_session=False))
        if result.rowcount == 1:
            break
        # Changed meanwhile: cancelled by the other click (done), or promoted from the waiting
        # list (then cancelled from the new state, giving the seat on).
        if commit:
            db.session.rollback()
        db.session.refresh(registration)
    else:
        return None
    promoted = None
    if previous == RegistrationStatus.CONFIRMED:
        _release_seat(meeting.id, registration.mode)
        promoted = promote_waiting(meeting, registration.mode, now)
    release_session_places(registration, now)  # places in the programme's sessions go to those waiting
    db.session.refresh(registration)
    _queue_person_mail("registration_cancelled", registration)  # carries the calendar's CANCEL
    hook().registration_changed(registration=registration, previous_status=previous)
    if commit:
        db.session.commit()
    return promoted


def may_undo_cancel(registration: Registration, now: datetime | None = None) -> bool:
    """A cancelled registration can be taken back while registration is open and its place is still
    free: a seat in the same way of taking part, within its invitation's seats."""
    meeting = registration.meeting
    if registration.status != RegistrationStatus.CANCELLED or registration_window_problem(meeting, now or utcnow()):
        return False
    if registration.mode not in offered_modes(meeting):
        return False
    db.session.refresh(meeting, ["confirmed_on_site", "confirmed_online"])
    used = meeting.confirmed_on_site if registration.mode == ParticipationMode.ON_SITE else meeting.confirmed_online
    limit = meeting.capacity if registration.mode == ParticipationMode.ON_SITE else meeting.online_capacity
    if limit is not None and used >= limit:
        return False
    return _take_organisation_seat(registration.invitation, meeting.id, registration.organisation_id)


def undo_cancel(registration: Registration, now: datetime | None = None) -> Registration:
    """Take back a cancellation while the place is free: the registration is confirmed again, with
    its check-in code and manage link unchanged. Commits; raises RegistrationRefused otherwise."""
    now = now or utcnow()
    meeting = registration.meeting
    problem = registration_window_problem(meeting, now)
    if problem is not None:
        raise RegistrationRefused(problem)
    if registration.status != RegistrationStatus.CANCELLED:
        return registration
    if not may_undo_cancel(registration, now) or not _take_seat(meeting.id, registration.mode):
        db.session.rollback()
        raise RegistrationRefused(Refusal.PLACE_TAKEN)
    # Conditional, so that two clicks on "undo" take only one seat.
    claimed = db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.status == RegistrationStatus.CANCELLED)
        .values(status=RegistrationStatus.CONFIRMED, cancelled_at=None, waiting_since=None)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        db.session.rollback()
        return registration
    db.session.refresh(registration)
    _queue_person_mail("registration_restored", registration, **check_in_qr_mail(registration))
    hook().registration_changed(registration=registration, previous_status=RegistrationStatus.CANCELLED)
    db.session.commit()
    return registration


def switch_mode(registration: Registration, mode: ParticipationMode, now: datetime | None = None,
                commit: bool = True) -> Registration:
    """Change between on site and online (hybrid meetings) until the meeting starts.

    The seat in the old mode is released (promoting the first in line for it) and a seat in the
    new mode is taken if one is free; otherwise the registration waits for the new mode.
    """
    now = now or utcnow()
    meeting = registration.meeting
    if now >= meeting.starts_at:
        raise RegistrationRefused(Refusal.STARTED)
    if mode not in offered_modes(meeting):
        raise RegistrationRefused(Refusal.MODE_NOT_OFFERED)
    for _ in range(CLAIM_TRIES):
        if registration.mode == mode or registration.status == RegistrationStatus.CANCELLED:
            return registration
        previous_status, old_mode = registration.status, registration.mode
        _lock_meeting(meeting.id)  # even when no seat is free in the new mode (see _lock_meeting)
        confirmed = _take_seat(meeting.id, mode)
        # Conditional on the mode and status read: of two presses at once only one moves the
        # registration, and only that one keeps the seat it took.
        claimed = db.session.execute(
            update(Registration)
            .where(Registration.id == registration.id, Registration.mode == old_mode,
                   Registration.status == previous_status)
            .values(mode=mode, status=RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITING,
                    waiting_since=None if confirmed else now, updated_at=now)
            .execution_options(synchronize_session=False))
        if claimed.rowcount == 1:
            break
        # Changed meanwhile: by the same press twice (then it is done), or by a promotion from
        # the waiting list (then the move is tried again from the new state).
        _give_back(meeting.id, mode, confirmed, commit)
        db.session.refresh(registration)
    else:
        return registration
    db.session.refresh(registration)
    if previous_status == RegistrationStatus.CONFIRMED:
        _release_seat(meeting.id, old_mode)
        promote_waiting(meeting, old_mode, now)
    hook().registration_changed(registration=registration, previous_status=previous_status)
    if commit:
        db.session.commit()
    return registration


def promote_waiting(meeting: Meeting, mode: ParticipationMode, now: datetime | None = None) -> Registration | None:
    """Give free seats to the waiting list in arrival order; returns the last one promoted.

    Runs inside the caller's transaction. Each promotion takes a seat with the same conditional
    UPDATE as registering, and claims the waiting registration conditionally, so two cancellations
    at once never promote the same person twice.
    """
    now = now or utcnow()
    promoted = None
    while True:
        candidate = db.session.scalar(
            select(Registration)
            .where(Registration.meeting_id == meeting.id, Registration.mode == mode,
                   Registration.status == RegistrationStatus.WAITING)
            .order_by(Registration.waiting_since, Registration.id).limit(1))
        if candidate is None or not _take_seat(meeting.id, mode):
            return promoted
        claimed = db.session.execute(
            update(Registration)
            .where(Registration.id == candidate.id, Registration.status == RegistrationStatus.WAITING)
            .values(status=RegistrationStatus.CONFIRMED, waiting_since=None)
            .execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            _release_seat(meeting.id, mode)
            continue
        db.session.refresh(candidate)
        queue_mail("registration_promoted", candidate.person.email, "registration_promoted",
                   locale=candidate.person.locale, meeting=meeting, registration=candidate,
                   **check_in_qr_mail(candidate))
        hook().registration_changed(registration=candidate, previous_status=RegistrationStatus.WAITING)
        promoted = candidate


def registration_by_manage_token(token: str) -> Registration | None:
    return db.session.scalar(select(Registration).where(Registration.manage_token_hash == hash_token(token)))


def waiting_list(meeting: Meeting, mode: ParticipationMode | None = None) -> list[Registration]:
    query = select(Registration).where(Registration.meeting_id == meeting.id,
                                       Registration.status == RegistrationStatus.WAITING)
    if mode is not None:
        query = query.where(Registration.mode == mode)
    return list(db.session.scalars(query.order_by(Registration.waiting_since, Registration.id)))


def _queue_person_mail(template: str, registration: Registration, **context) -> None:
    person = db.session.get(Person, registration.person_id)
    queue_mail(template, person.email, template, locale=person.locale, meeting=registration.meeting,
               registration=registration, **context)


def _queue_registration_mail(registration: Registration, manage_token: str) -> None:
    template = ("registration_confirmed" if registration.status == RegistrationStatus.CONFIRMED
                else "registration_waiting")
    meeting = db.session.get(Meeting, registration.meeting_id)
    person = db.session.get(Person, registration.person_id)
    # URLs are built in the templates: queue_mail renders them with the site's address even
    # when no request is being served (a job promoting from the waiting list).
    qr_code = check_in_qr_mail(registration) if registration.status == RegistrationStatus.CONFIRMED else {}
    queue_mail(template, person.email, template, locale=person.locale, meeting=meeting,
               registration=registration, manage_token=manage_token, **qr_code)


def is_member_organisation(meeting: Meeting, organisation: Organisation) -> bool:
    return db.session.scalar(select(ForumMember).where(
        ForumMember.forum_id == meeting.forum_id, ForumMember.organisation_id == organisation.id,
        ForumMember.status == ForumMemberStatus.MEMBER)) is not None
