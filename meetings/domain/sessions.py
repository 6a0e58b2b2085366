"""The programme of a meeting (the yearly meeting place): sessions with their own time, room, format
and capacity, which registrants choose.

A place in a session is taken as a seat at the meeting is (meetings.domain.registration): one
conditional UPDATE on the session's ``confirmed_count``, so a session's capacity holds however many
choose at once, on SQLite and PostgreSQL. Whoever finds the session full waits in arrival order;
un-choosing a session, or cancelling the registration, gives the place to the first in line and
tells them by e-mail. Every change of one registration's choices first locks that registration's
row, so two tabs saving at once cannot slip two sessions at the same time past the overlap rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as ngettext  # lazy; named so that extraction finds the plural
from flask_babel.speaklater import LazyString
from sqlalchemy import and_, delete, func, insert, or_, select, update

from ..extensions import db
from ..i18n import format_when
from ..models import (
    Meeting,
    MeetingFormat,
    MeetingSession,
    MeetingStatus,
    ParticipationMode,
    Registration,
    RegistrationStatus,
    SessionChoice,
    utcnow,
)
from .mail import queue_mail

CONFIRMED, WAITING = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING


# --- the organisers' side: the programme -----------------------------------------------------

@dataclass(frozen=True)
class SessionData:
    """What an organiser enters for a session; times are UTC-aware."""

    title: str
    starts_at: datetime
    ends_at: datetime
    format: MeetingFormat
    room: str = ""
    capacity: int | None = None
    description: str = ""


class SessionInvalid(Exception):
    """A session cannot be saved as entered; ``field`` names the form field to show the message beside."""

    def __init__(self, field: str, message):
        self.field = field
        self.message_text = message
        super().__init__(field)

    @property
    def message(self) -> str:
        return str(self.message_text)


def session_formats(meeting: Meeting) -> list[MeetingFormat]:
    """A session is held in a way its meeting offers: a hybrid meeting may have sessions of each kind."""
    if meeting.format == MeetingFormat.HYBRID:
        return [MeetingFormat.ON_SITE, MeetingFormat.DIGITAL, MeetingFormat.HYBRID]
    return [meeting.format]


def programme(meeting: Meeting) -> list[MeetingSession]:
    return list(db.session.scalars(
        select(MeetingSession).where(MeetingSession.meeting_id == meeting.id)
        .order_by(MeetingSession.starts_at, MeetingSession.ends_at, MeetingSession.id)))


def _check(meeting: Meeting, data: SessionData) -> None:
    if data.ends_at <= data.starts_at:
        raise SessionInvalid("ends_at", _l("The session must end after it starts."))
    if data.starts_at < meeting.starts_at or data.ends_at > meeting.ends_at:
        raise SessionInvalid("starts_at", _l("The session must take place during the meeting (%(when)s).",
                                             when=LazyString(format_when, meeting.starts_at, meeting.ends_at)))
    if data.format not in session_formats(meeting):
        raise SessionInvalid("format", _l("Choose a way of taking part that the meeting offers."))
    if data.capacity is not None and data.capacity < 1:
        raise SessionInvalid("capacity", _l("Enter at least 1, or leave the field empty for no limit."))


def create_session(meeting: Meeting, data: SessionData) -> MeetingSession:
    """Add a session to the programme; commits. Raises SessionInvalid, having stored nothing."""
    _check(meeting, data)
    session = MeetingSession(meeting_id=meeting.id, title=data.title.strip(), description=data.description.strip(),
                             starts_at=data.starts_at, ends_at=data.ends_at, room=data.room.strip(),
                             format=data.format, capacity=data.capacity, confirmed_count=0)
    db.session.add(session)
    db.session.commit()
    return session


def update_session(session: MeetingSession, data: SessionData, now: datetime | None = None) -> MeetingSession:
    """Change a session; commits. A larger capacity goes to the waiting list at once, and everyone who
    chose the session hears when its time, room or format changes."""
    now = now or utcnow()
    meeting = session.meeting
    _check(meeting, data)
    if data.capacity is not None:
        # Conditional, so that a place taken since the form was loaded is never squeezed out.
        fits = db.session.execute(
            update(MeetingSession)
            .where(MeetingSession.id == session.id, MeetingSession.confirmed_count <= data.capacity)
            .values(capacity=data.capacity).execution_options(synchronize_session=False))
        if fits.rowcount != 1:
            db.session.rollback()
            taken = db.session.get(MeetingSession, session.id, populate_existing=True).confirmed_count
            raise SessionInvalid("capacity", ngettext(
                "%(num)d person already has a place in this session; the capacity cannot be lower.",
                "%(num)d people already have a place in this session; the capacity cannot be lower.", taken))
    else:
        db.session.execute(update(MeetingSession).where(MeetingSession.id == session.id).values(capacity=None)
                           .execution_options(synchronize_session=False))
    db.session.refresh(session)
    before = (session.starts_at, session.ends_at, session.room, session.format)
    session.title = data.title.strip()
    session.description = data.description.strip()
    session.starts_at, session.ends_at = data.starts_at, data.ends_at
    session.room, session.format = data.room.strip(), data.format
    db.session.flush()
    if before != (session.starts_at, session.ends_at, session.room, session.format):
        for choice in _choices_of_session(session):
            person = choice.registration.person
            queue_mail("session_changed", person.email, "session_changed", locale=person.locale, meeting=meeting,
                       session=session, previous_starts_at=before[0], previous_ends_at=before[1])
    _promote_waiting(session, now)
    db.session.commit()
    return session


def delete_session(session: MeetingSession) -> None:
    """Remove a session from the programme and tell everyone who had chosen it; commits."""
    meeting = session.meeting
    for choice in _choices_of_session(session):
        person = choice.registration.person
        queue_mail("session_removed", person.email, "session_removed", locale=person.locale, meeting=meeting,
                   session_title=session.title, session_starts_at=session.starts_at,
                   session_ends_at=session.ends_at)
    db.session.delete(session)
    db.session.commit()


def _choices_of_session(session: MeetingSession) -> list[SessionChoice]:
    return list(db.session.scalars(
        select(SessionChoice).where(SessionChoice.session_id == session.id)
        .order_by(SessionChoice.status, SessionChoice.waiting_since, SessionChoice.registration_id)))


def session_participants(session: MeetingSession) -> tuple[list[SessionChoice], list[SessionChoice]]:
    """(confirmed, waiting in order) for the organisers' view of one session."""
    confirmed = list(db.session.scalars(
        select(SessionChoice).join(Registration)
        .where(SessionChoice.session_id == session.id, SessionChoice.status == CONFIRMED)
        .order_by(Registration.id)))
    return confirmed, waiting_list(session)


def waiting_list(session: MeetingSession) -> list[SessionChoice]:
    return list(db.session.scalars(
        select(SessionChoice).where(SessionChoice.session_id == session.id, SessionChoice.status == WAITING)
        .order_by(SessionChoice.waiting_since, SessionChoice.registration_id)))


def waiting_counts(meeting: Meeting) -> dict[int, int]:
    """How many wait for each session of the meeting."""
    rows = db.session.execute(
        select(SessionChoice.session_id, func.count()).join(MeetingSession)
        .where(MeetingSession.meeting_id == meeting.id, SessionChoice.status == WAITING)
        .group_by(SessionChoice.session_id)).all()
    return {session_id: count for session_id, count in rows}


# --- the registrants' side: choosing sessions --------------------------------------------------

class SessionRefusal(StrEnum):
    NOT_OPEN = "not_open"
    NOT_CONFIRMED = "not_confirmed"
    UNKNOWN_SESSION = "unknown_session"
    STARTED = "started"
    ON_SITE_ONLY = "on_site_only"
    OVERLAP = "overlap"


class SessionRefused(Exception):
    """The choice was not saved (nothing was); ``message`` says why in the user's language."""

    def __init__(self, refusal: SessionRefusal, message):
        self.refusal = refusal
        self.message_text = message
        super().__init__(refusal.value)

    @property
    def message(self) -> str:
        return str(self.message_text)


def _refuse(refusal: SessionRefusal, **names: str) -> SessionRefused:
    messages = {
        SessionRefusal.NOT_OPEN: _l("Sessions cannot be chosen for this meeting."),
        SessionRefusal.NOT_CONFIRMED: _l("Sessions can be chosen once your place at the meeting is confirmed."),
        SessionRefusal.UNKNOWN_SESSION: _l("That session is not in this meeting's programme."),
        SessionRefusal.STARTED: _l("“%(title)s” has already started, so your choice for it can no longer be "
                                   "changed.", **names),
        SessionRefusal.ON_SITE_ONLY: _l("“%(title)s” is held on site only, and you take part online.", **names),
        SessionRefusal.OVERLAP: _l("“%(first)s” and “%(second)s” are at the same time: choose one of them.",
                                   **names),
    }
    return SessionRefused(refusal, messages[refusal])


def overlaps(first: MeetingSession, second: MeetingSession) -> bool:
    return first.starts_at < second.ends_at and second.starts_at < first.ends_at


def current_choices(registration: Registration) -> dict[int, SessionChoice]:
    """The registration's choices by session id, as they are in the database now."""
    return {choice.session_id: choice for choice in db.session.scalars(
        select(SessionChoice).where(SessionChoice.registration_id == registration.id)
        .execution_options(populate_existing=True))}


def waiting_position(choice: SessionChoice) -> int:
    """1 for the first in line for the session."""
    ahead = db.session.scalar(
        select(func.count()).select_from(SessionChoice)
        .where(SessionChoice.session_id == choice.session_id, SessionChoice.status == WAITING,
               or_(SessionChoice.waiting_since < choice.waiting_since,
                   and_(SessionChoice.waiting_since == choice.waiting_since,
                        SessionChoice.registration_id < choice.registration_id))))
    return ahead + 1


def choose_sessions(registration: Registration, session_ids: set[int] | list[int],
                    now: datetime | None = None, commit: bool = True) -> dict[int, SessionChoice]:
    """Make ``session_ids`` the registration's choice of sessions; commits (with ``commit=False``
    the caller does, as registering and answering an invitation do).

    Newly chosen sessions give a place if one is free, otherwise a place in the session's waiting
    list; sessions no longer chosen are released (promoting the first in line). Raises
    SessionRefused, having changed nothing, when the choice breaks a rule.
    """
    now = now or utcnow()
    meeting = registration.meeting
    wanted = set(session_ids)
    sessions = {session.id: session for session in programme(meeting)}
    if not wanted <= sessions.keys():
        raise _refuse(SessionRefusal.UNKNOWN_SESSION)
    if meeting.status != MeetingStatus.PUBLISHED:
        raise _refuse(SessionRefusal.NOT_OPEN)
    _lock_confirmed(registration, now)

    try:
        current = current_choices(registration)
        added, removed = wanted - current.keys(), current.keys() - wanted
        for session_id in sorted(added | removed, key=lambda sid: sessions[sid].starts_at):
            if sessions[session_id].starts_at <= now:
                raise _refuse(SessionRefusal.STARTED, title=sessions[session_id].title)
        db.session.refresh(registration)
        for session_id in added:
            if (registration.mode == ParticipationMode.ONLINE
                    and sessions[session_id].format == MeetingFormat.ON_SITE):
                raise _refuse(SessionRefusal.ON_SITE_ONLY, title=sessions[session_id].title)
        in_order = sorted((sessions[sid] for sid in wanted), key=lambda s: (s.starts_at, s.id))
        for index, first in enumerate(in_order):
            for second in in_order[index + 1:]:
                if overlaps(first, second):
                    raise _refuse(SessionRefusal.OVERLAP, first=first.title, second=second.title)
    except SessionRefused:
        db.session.rollback()
        raise

    # Sessions' rows are locked in the order of their ids in every transaction, so that two people
    # swapping sessions at once never wait for each other (a deadlock on PostgreSQL).
    for session_id in sorted(added | removed):
        if session_id in removed:
            _drop_choice(registration.id, sessions[session_id], now)
            continue
        confirmed = _take_place(session_id)
        # Core, not the ORM: a choice dropped earlier in this session may still sit in its identity map.
        db.session.execute(insert(SessionChoice).values(
            registration_id=registration.id, session_id=session_id, status=CONFIRMED if confirmed else WAITING,
            waiting_since=None if confirmed else now))
    if commit:
        db.session.commit()
    return current_choices(registration)


def _lock_confirmed(registration: Registration, now: datetime) -> None:
    """Take the registration's row lock (a no-op UPDATE), refusing unless its place is confirmed.

    Starts the write transaction on SQLite; on PostgreSQL a second change of the same
    registration's choices waits here until the first is committed.
    """
    locked = db.session.execute(
        update(Registration).where(Registration.id == registration.id, Registration.status == CONFIRMED)
        .values(updated_at=now).execution_options(synchronize_session=False))
    if locked.rowcount != 1:
        db.session.rollback()
        raise _refuse(SessionRefusal.NOT_CONFIRMED)


def release_session_places(registration: Registration, now: datetime | None = None) -> None:
    """Give up every session place of a registration being cancelled, promoting whoever waits.

    Runs inside the caller's transaction (meetings.domain.registration.cancel) and does not commit.
    """
    now = now or utcnow()
    for session_id in db.session.scalars(
            select(SessionChoice.session_id).where(SessionChoice.registration_id == registration.id)
            .order_by(SessionChoice.session_id)).all():
        _drop_choice(registration.id, db.session.get(MeetingSession, session_id), now)


def _take_place(session_id: int) -> bool:
    taken = db.session.execute(
        update(MeetingSession)
        .where(MeetingSession.id == session_id,
               MeetingSession.capacity.is_(None) | (MeetingSession.confirmed_count < MeetingSession.capacity))
        .values(confirmed_count=MeetingSession.confirmed_count + 1)
        .execution_options(synchronize_session=False))
    return taken.rowcount == 1


def _release_place(session_id: int) -> None:
    db.session.execute(
        update(MeetingSession).where(MeetingSession.id == session_id, MeetingSession.confirmed_count > 0)
        .values(confirmed_count=MeetingSession.confirmed_count - 1)
        .execution_options(synchronize_session=False))


def _drop_choice(registration_id: int, session: MeetingSession, now: datetime) -> None:
    for status in (CONFIRMED, WAITING):
        # Conditional on the status read, so a place is released only by the one who held it.
        dropped = db.session.execute(
            delete(SessionChoice).where(SessionChoice.registration_id == registration_id,
                                        SessionChoice.session_id == session.id, SessionChoice.status == status)
            .execution_options(synchronize_session=False))
        if dropped.rowcount == 1:
            if status == CONFIRMED:
                _release_place(session.id)
                _promote_waiting(session, now)
            return


def _promote_waiting(session: MeetingSession, now: datetime) -> None:
    """Give free places in ``session`` to its waiting list in arrival order, telling each by e-mail."""
    while True:
        candidate = db.session.scalar(
            select(SessionChoice).where(SessionChoice.session_id == session.id, SessionChoice.status == WAITING)
            .order_by(SessionChoice.waiting_since, SessionChoice.registration_id).limit(1)
            .execution_options(populate_existing=True))
        if candidate is None or not _take_place(session.id):
            return
        claimed = db.session.execute(
            update(SessionChoice)
            .where(SessionChoice.registration_id == candidate.registration_id,
                   SessionChoice.session_id == session.id, SessionChoice.status == WAITING)
            .values(status=CONFIRMED, waiting_since=None).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            _release_place(session.id)
            continue
        person = candidate.registration.person
        queue_mail("session_promoted", person.email, "session_promoted", locale=person.locale,
                   meeting=session.meeting, session=session)
