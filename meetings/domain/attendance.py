"""Recording who came: checked in by the organisers (from the list, by code or QR code, or as a
walk-in) or, for those taking part online, confirmed by themselves during the meeting.

Compensation and minutes rely on these records, so recording is idempotent: a second tap, a
second scan or two organisers at once never make a second record (UNIQUE registration_id).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..collation import swedish_sort_key
from ..extensions import db
from ..models import (
    Attendance,
    CheckInMethod,
    Meeting,
    MeetingStatus,
    Organisation,
    OrganisationStatus,
    ParticipationMode,
    Person,
    Registration,
    RegistrationStatus,
    search_key,
    utcnow,
)
from ..plugins import hook
from .registration import offered_modes

# Online participants may confirm from a little before the start, when they open the meeting.
SELF_CONFIRM_OPENS_BEFORE_START = timedelta(minutes=15)
NAME_MAX = Attendance.__table__.c.name.type.length
_NOT_CODE = re.compile(r"[\s\-]+")


class CheckInProblem(StrEnum):
    MEETING_NOT_PUBLISHED = "meeting_not_published"
    MEETING_CANCELLED = "meeting_cancelled"
    UNKNOWN_CODE = "unknown_code"
    REGISTRATION_CANCELLED = "registration_cancelled"
    WAITING_LIST = "waiting_list"
    MODE_NOT_OFFERED = "mode_not_offered"
    NAME_MISSING = "name_missing"
    NOT_ONLINE = "not_online"
    TOO_EARLY = "too_early"
    MEETING_ENDED = "meeting_ended"


CHECK_IN_MESSAGES = {
    CheckInProblem.MEETING_NOT_PUBLISHED: _l("Attendance can be recorded only for a published meeting."),
    CheckInProblem.MEETING_CANCELLED: _l("This meeting has been cancelled, so no attendance is recorded."),
    CheckInProblem.UNKNOWN_CODE: _l("No registration for this meeting has that code. Check the code and try again."),
    CheckInProblem.REGISTRATION_CANCELLED: _l("This registration was cancelled."),
    CheckInProblem.WAITING_LIST: _l("This person is on the waiting list and has no confirmed place. "
                                    "If there is room, add them as a walk-in."),
    CheckInProblem.MODE_NOT_OFFERED: _l("This meeting cannot be attended that way."),
    CheckInProblem.NAME_MISSING: _l("Enter the name of the person who came."),
    CheckInProblem.NOT_ONLINE: _l("You are registered to take part on site: the organisers check you in "
                                  "when you arrive."),
    CheckInProblem.TOO_EARLY: _l("The meeting has not started yet. You can confirm from 15 minutes before "
                                 "the start."),
    CheckInProblem.MEETING_ENDED: _l("The meeting has ended, so attendance can no longer be confirmed here. "
                                     "Contact the organisers if you took part."),
}


class CheckInRefused(Exception):
    def __init__(self, problem: CheckInProblem):
        self.problem = problem
        super().__init__(problem.value)

    @property
    def message(self) -> str:
        return str(CHECK_IN_MESSAGES[self.problem])


@dataclass(frozen=True)
class CheckedIn:
    """The attendance record, and whether it had been made before (a second scan or tap)."""

    attendance: Attendance
    already: bool


def normalise_code(code: str) -> str:
    """Codes are typed as seen: any case, with spaces or a dash in the middle."""
    return _NOT_CODE.sub("", code).upper()


def registration_by_code(meeting: Meeting, code: str) -> Registration | None:
    code = normalise_code(code)
    if not code:
        return None
    return db.session.scalar(select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.code == code))


def default_mode(meeting: Meeting) -> ParticipationMode:
    """How someone shown at the door (code, QR code, walk-in) takes part."""
    return ParticipationMode.ON_SITE if meeting.has_venue else ParticipationMode.ONLINE


def check_meeting(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise CheckInRefused(CheckInProblem.MEETING_CANCELLED)
    if meeting.status != MeetingStatus.PUBLISHED:
        raise CheckInRefused(CheckInProblem.MEETING_NOT_PUBLISHED)


def check_registration(registration: Registration, mode: ParticipationMode) -> None:
    check_meeting(registration.meeting)
    if registration.status == RegistrationStatus.CANCELLED:
        raise CheckInRefused(CheckInProblem.REGISTRATION_CANCELLED)
    if registration.status == RegistrationStatus.WAITING:
        raise CheckInRefused(CheckInProblem.WAITING_LIST)
    if mode not in offered_modes(registration.meeting):
        raise CheckInRefused(CheckInProblem.MODE_NOT_OFFERED)


def _record(registration: Registration, mode: ParticipationMode, method: CheckInMethod,
            by: Person | None, now: datetime | None) -> CheckedIn:
    existing = attendance_of(registration)
    if existing is not None:
        return CheckedIn(existing, already=True)
    attendance = Attendance(
        meeting_id=registration.meeting_id, registration_id=registration.id, person_id=registration.person_id,
        name=registration.person.name or registration.person.email, organisation_id=registration.organisation_id,
        mode=mode, method=method, recorded_at=now or utcnow(), recorded_by_id=by.id if by else None)
    db.session.add(attendance)
    try:
        db.session.flush()
    except IntegrityError:
        # Another organiser (or the person) recorded it at the same moment: theirs stands.
        db.session.rollback()
        return CheckedIn(attendance_of(registration), already=True)
    hook().attendance_recorded(attendance=attendance)
    db.session.commit()
    return CheckedIn(attendance, already=False)


def attendance_of(registration: Registration) -> Attendance | None:
    return db.session.scalar(select(Attendance).where(Attendance.registration_id == registration.id))


def check_in(registration: Registration, mode: ParticipationMode, method: CheckInMethod = CheckInMethod.LIST,
             by: Person | None = None, now: datetime | None = None) -> CheckedIn:
    """Record that a confirmed registrant is present; a repeat returns the first record unchanged.

    The organisers may record attendance after the meeting too (from the paper sign-in sheet).
    Raises CheckInRefused, having stored nothing, when the registration cannot be checked in.
    """
    check_registration(registration, mode)
    return _record(registration, mode, method, by, now)


def check_in_by_code(meeting: Meeting, code: str, by: Person | None = None,
                     mode: ParticipationMode | None = None, now: datetime | None = None) -> CheckedIn:
    """Check in the registration with ``code`` (as typed, or from the QR code)."""
    registration = registration_by_code(meeting, code)
    if registration is None:
        raise CheckInRefused(CheckInProblem.UNKNOWN_CODE)
    return check_in(registration, mode or default_mode(meeting), CheckInMethod.CODE, by, now)


def add_walk_in(meeting: Meeting, name: str, organisation: Organisation | str | None = None,
                mode: ParticipationMode | None = None, by: Person | None = None,
                now: datetime | None = None) -> CheckedIn:
    """Record someone who came without a registration.

    ``organisation`` is one from the register or a name as they gave it. The same name recorded
    twice for a meeting (a form sent twice) is one walk-in.
    """
    check_meeting(meeting)
    mode = mode or default_mode(meeting)
    if mode not in offered_modes(meeting):
        raise CheckInRefused(CheckInProblem.MODE_NOT_OFFERED)
    name = " ".join(name.split())[:NAME_MAX]
    if not name:
        raise CheckInRefused(CheckInProblem.NAME_MISSING)
    for walk_in in walk_ins(meeting):
        if search_key(walk_in.name) == search_key(name):
            return CheckedIn(walk_in, already=True)
    attendance = Attendance(meeting_id=meeting.id, name=name, mode=mode, method=CheckInMethod.WALK_IN,
                            recorded_at=now or utcnow(), recorded_by_id=by.id if by else None)
    if isinstance(organisation, str):
        organisation = " ".join(organisation.split())[:NAME_MAX]
        # A name picked from the suggestions is the organisation in the register.
        attendance.organisation_name = organisation
        organisation = registered_organisation_named(organisation) if organisation else None
    if organisation is not None:
        attendance.organisation_id, attendance.organisation_name = organisation.id, ""
    db.session.add(attendance)
    db.session.flush()
    hook().attendance_recorded(attendance=attendance)
    db.session.commit()
    return CheckedIn(attendance, already=False)


def registered_organisation_named(name: str) -> Organisation | None:
    return db.session.scalars(select(Organisation).where(
        Organisation.name == name, Organisation.status == OrganisationStatus.APPROVED).limit(1)).first()


def organisation_suggestions() -> list[str]:
    """Names for the walk-in form's suggestions: the approved organisations of the register."""
    names = db.session.scalars(select(Organisation.name).where(Organisation.status == OrganisationStatus.APPROVED))
    return sorted(set(names), key=swedish_sort_key)


def self_confirm_problem(registration: Registration, now: datetime) -> CheckInProblem | None:
    """Why ``registration`` cannot confirm its own attendance online now, or None if it can."""
    meeting = registration.meeting
    if meeting.status == MeetingStatus.CANCELLED:
        return CheckInProblem.MEETING_CANCELLED
    if meeting.status != MeetingStatus.PUBLISHED:
        return CheckInProblem.MEETING_NOT_PUBLISHED
    if registration.status == RegistrationStatus.CANCELLED:
        return CheckInProblem.REGISTRATION_CANCELLED
    if registration.status == RegistrationStatus.WAITING:
        return CheckInProblem.WAITING_LIST
    if registration.mode != ParticipationMode.ONLINE:
        return CheckInProblem.NOT_ONLINE
    if now < meeting.starts_at - SELF_CONFIRM_OPENS_BEFORE_START:
        return CheckInProblem.TOO_EARLY
    if now >= meeting.ends_at:
        return CheckInProblem.MEETING_ENDED
    return None


def self_confirm_online(registration: Registration, now: datetime | None = None) -> CheckedIn:
    """A confirmed online participant says they are taking part, from 15 minutes before the start
    until the end of the meeting."""
    now = now or utcnow()
    problem = self_confirm_problem(registration, now)
    if problem is not None:
        raise CheckInRefused(problem)
    return _record(registration, ParticipationMode.ONLINE, CheckInMethod.SELF, registration.person, now)


def undo_check_in(attendance: Attendance) -> None:
    """Remove a record made by mistake (the wrong person tapped, a walk-in entered twice).

    Plugins hear of it before the row goes, in the same transaction: one that refuses rolls it back.
    """
    try:
        hook().attendance_removed(attendance=attendance)
        db.session.delete(attendance)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


# --- What the organisers' pages show --------------------------------------------------------


def _person_order(registration: Registration) -> tuple[str, int]:
    return swedish_sort_key(registration.person.name or registration.person.email), registration.id


def active_registrations(meeting: Meeting) -> list[Registration]:
    """Confirmed registrations by name, then the waiting list in its order; no cancelled ones."""
    registrations = list(db.session.scalars(
        select(Registration)
        .where(Registration.meeting_id == meeting.id, Registration.status != RegistrationStatus.CANCELLED)
        .options(selectinload(Registration.person), selectinload(Registration.organisation),
                 selectinload(Registration.attendance))))
    confirmed = sorted((r for r in registrations if r.status == RegistrationStatus.CONFIRMED), key=_person_order)
    waiting = sorted((r for r in registrations if r.status == RegistrationStatus.WAITING),
                     key=lambda r: (r.waiting_since, r.id))
    return confirmed + waiting


def waiting_registrations(meeting: Meeting) -> list[Registration]:
    return [r for r in active_registrations(meeting) if r.status == RegistrationStatus.WAITING]


def confirmed_registrations(meeting: Meeting, mode: ParticipationMode | None = None) -> list[Registration]:
    return [r for r in active_registrations(meeting) if r.status == RegistrationStatus.CONFIRMED
            and (mode is None or r.mode == mode)]


def matches(registration: Registration, query: str) -> bool:
    """The check-in list's search: name, e-mail, organisation or code, ignoring case (å, ä, ö too)."""
    wanted = search_key(query)
    if not wanted:
        return True
    person = registration.person
    haystack = search_key(" ".join(filter(None, (
        person.name, person.email, registration.organisation_label,
        registration.code))))
    return wanted in haystack or normalise_code(query) == registration.code


def walk_ins(meeting: Meeting) -> list[Attendance]:
    return list(db.session.scalars(
        select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.registration_id.is_(None),
                                 Attendance.method == CheckInMethod.WALK_IN)
        .options(selectinload(Attendance.organisation)).order_by(Attendance.recorded_at, Attendance.id)))


def attendance_records(meeting: Meeting) -> list[Attendance]:
    """Everyone recorded as present, by name."""
    return attendance_records_of([meeting.id]).get(meeting.id, [])


def attendance_records_of(meeting_ids: Iterable[int]) -> dict[int, list[Attendance]]:
    """``attendance_records`` of many meetings in one query: by meeting id (a meeting nobody
    attended is missing), each list by name."""
    ids = set(meeting_ids)
    if not ids:
        return {}
    found: dict[int, list[Attendance]] = {}
    for record in db.session.scalars(
            select(Attendance).where(Attendance.meeting_id.in_(ids))
            .options(selectinload(Attendance.organisation), selectinload(Attendance.registration))):
        found.setdefault(record.meeting_id, []).append(record)
    return {meeting_id: sorted(records, key=lambda a: (swedish_sort_key(a.name), a.id))
            for meeting_id, records in found.items()}


def attendance_for(meeting: Meeting, person: Person | None) -> Attendance | None:
    """The record of ``person`` being present at ``meeting`` (registered or as a walk-in), or None."""
    if person is None:
        return None
    return db.session.scalars(select(Attendance).where(
        Attendance.meeting_id == meeting.id, Attendance.person_id == person.id).limit(1)).first()


def attendance_of_person(person: Person) -> list[Attendance]:
    """Every meeting ``person`` was recorded present at, earliest meeting first."""
    return list(db.session.scalars(
        select(Attendance).join(Meeting).where(Attendance.person_id == person.id)
        .options(selectinload(Attendance.meeting), selectinload(Attendance.organisation))
        .order_by(Meeting.starts_at, Attendance.id)))


def organisation_label(attendance: Attendance) -> str:
    if attendance.organisation is not None:
        return attendance.organisation.name
    return attendance.organisation_name
