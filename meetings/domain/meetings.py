"""Organisers plan meetings: create, edit, publish, move and cancel them, and keep their agenda.

Every function here owns its transaction: it commits, or rolls back and raises, so nothing is
half-written. A change of time or place (a move) raises the meeting's ``sequence`` so that
calendars replace the entry they have, and tells everyone registered by e-mail in the same
transaction; so does a cancellation. Registrations are left as they are when a meeting is
cancelled, so that lists and follow-up still show who had registered.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import (
    AgendaItem,
    Forum,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Municipality,
    ParticipationMode,
    Person,
    Registration,
    RegistrationStatus,
    utcnow,
)
from ..plugins import hook
from .identity import email_problem, phone_problem
from .interests import queue_meeting_news
from .mail import queue_mail
from .queries import online_link
from .registration import Refusal, offered_modes, promote_waiting, registration_window_problem
from .reminders import forget_reminders

# Changing any of these moves the meeting: registrants are told and calendars update. The online
# link is the place of those taking part online.
MOVE_FIELDS = frozenset({"starts_at", "ends_at", "format", "venue_name", "venue_address", "municipality_id",
                         "online_url"})
ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)
REMINDER_HOURS_RANGE = (1, 720)  # up to 30 days ahead
MODES_OF_FORMAT = {
    MeetingFormat.ON_SITE: {ParticipationMode.ON_SITE},
    MeetingFormat.DIGITAL: {ParticipationMode.ONLINE},
    MeetingFormat.HYBRID: {ParticipationMode.ON_SITE, ParticipationMode.ONLINE},
}


@dataclass(frozen=True)
class MeetingDetails:
    """What an organiser says about a meeting; the names are the Meeting's columns."""

    title: str
    starts_at: datetime
    ends_at: datetime
    format: MeetingFormat
    description: str = ""
    venue_name: str = ""
    venue_address: str = ""
    municipality_id: int | None = None
    access_info: str = ""
    online_url: str | None = None
    capacity: int | None = None
    online_capacity: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    members_only: bool = False
    reminder_enabled: bool = True
    reminder_hours: int = 24
    reminder_text: str = ""
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None

    def normalised(self) -> MeetingDetails:
        """Facts of a way to take part that the meeting does not offer are dropped, so no stale
        address or link is shown or mailed."""
        values = asdict(self)
        for name in ("title", "description", "venue_name", "venue_address", "access_info", "reminder_text"):
            values[name] = (values[name] or "").strip()
        values["online_url"] = (self.online_url or "").strip() or None
        for name in ("contact_name", "contact_email", "contact_phone"):
            values[name] = " ".join((values[name] or "").split()) or None
        if values["contact_email"]:
            values["contact_email"] = values["contact_email"].lower()
        if self.format == MeetingFormat.DIGITAL:
            values.update(venue_name="", venue_address="", municipality_id=None, access_info="", capacity=None)
        if self.format == MeetingFormat.ON_SITE:
            values.update(online_url=None, online_capacity=None)
        return MeetingDetails(**values)


DETAIL_NAMES = tuple(f.name for f in fields(MeetingDetails))


@dataclass(frozen=True)
class Problem:
    """A rule the details break, named by the field a form shows it beside.

    The message is a lazy string: it is put into words in the language of whoever reads it.
    """

    field: str
    message: LazyString


class MeetingRuleError(Exception):
    """The details break one or more rules; nothing was stored."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(", ".join(p.field for p in problems))


class MeetingStateError(Exception):
    """The meeting's state does not allow this (a cancelled meeting cannot be edited, …)."""

    def __init__(self, message: LazyString):
        super().__init__(message)
        self.lazy_message = message

    @property
    def message(self) -> str:
        return str(self.lazy_message)


CANCELLED_IS_FINAL = _l("A cancelled meeting cannot be changed. Create a new meeting instead.")


@dataclass(frozen=True)
class MeetingPlace:
    """Time and place of a meeting at one moment, for telling people what changed."""

    starts_at: datetime
    ends_at: datetime
    format: MeetingFormat
    venue_name: str
    venue_address: str
    municipality_name: str

    @classmethod
    def of(cls, meeting: Meeting) -> MeetingPlace:
        municipality = db.session.get(Municipality, meeting.municipality_id) if meeting.municipality_id else None
        return cls(meeting.starts_at, meeting.ends_at, meeting.format, meeting.venue_name, meeting.venue_address,
                   municipality.name if municipality else "")

    @property
    def has_venue(self) -> bool:
        return self.format in (MeetingFormat.ON_SITE, MeetingFormat.HYBRID)

    @property
    def where(self) -> str:
        return ", ".join(part for part in (self.venue_name, self.venue_address, self.municipality_name) if part)


@dataclass(frozen=True)
class MeetingUpdate:
    """What ``update_meeting`` changed: attribute name to (old, new), and whether it was a move."""

    changes: dict
    moved: bool
    told: int


# --- rules ------------------------------------------------------------------------------------

def is_https_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.netloc) and " " not in url


def detail_problems(details: MeetingDetails, meeting: Meeting | None = None) -> list[Problem]:
    """Every rule that ``details`` break (for an existing ``meeting``, also against its registrations)."""
    problems = []

    def problem(name: str, message: LazyString) -> None:
        problems.append(Problem(name, message))

    if not details.title:
        problem("title", _l("Enter the title of the meeting."))
    if details.ends_at <= details.starts_at:
        problem("ends_at", _l("The meeting must end after it starts."))
    for name in ("capacity", "online_capacity"):
        if getattr(details, name) is not None and getattr(details, name) < 0:
            problem(name, _l("The number cannot be below zero."))
    if details.format in (MeetingFormat.ON_SITE, MeetingFormat.HYBRID) and not details.venue_name:
        problem("venue_name", _l("Enter where the meeting is held."))
    if details.format in (MeetingFormat.DIGITAL, MeetingFormat.HYBRID):
        if not details.online_url:
            problem("online_url", _l("Enter the link to the online meeting."))
        elif not is_https_url(details.online_url):
            problem("online_url", _l("Enter a link that starts with https://, for example https://meet.example.org/dialog."))
    if details.municipality_id is not None and db.session.get(Municipality, details.municipality_id) is None:
        problem("municipality_id", _l("Choose a municipality from the list."))
    opens, closes = details.registration_opens_at, details.registration_closes_at
    if closes is not None and closes > details.starts_at:
        problem("registration_closes_at", _l("Registration must close before the meeting starts, or when it starts."))
    if opens is not None and opens >= (closes or details.starts_at):
        problem("registration_opens_at", _l("Registration must open before it closes."))
    if details.contact_email and (message := email_problem(details.contact_email)):
        problem("contact_email", message)
    if details.contact_phone and (message := phone_problem(details.contact_phone)):
        problem("contact_phone", message)
    low, high = REMINDER_HOURS_RANGE
    if details.reminder_enabled and not low <= details.reminder_hours <= high:
        problem("reminder_hours", _l("Choose a number of hours from %(low)d to %(high)d.", low=low, high=high))
    if meeting is not None:
        problems.extend(_problems_with_registrations(details, meeting))
    return problems


def _problems_with_registrations(details: MeetingDetails, meeting: Meeting) -> list[Problem]:
    """Seats already given cannot be taken back, and a way of taking part that people chose stays."""
    problems = []
    confirmed_on_site, confirmed_online = db.session.execute(
        select(Meeting.confirmed_on_site, Meeting.confirmed_online).where(Meeting.id == meeting.id)).one()
    if details.capacity is not None and details.capacity < confirmed_on_site:
        problems.append(Problem("capacity", lazy_ngettext(
            "%(num)d person already has a confirmed seat on site; the number of seats cannot be lower.",
            "%(num)d people already have a confirmed seat on site; the number of seats cannot be lower.",
            confirmed_on_site)))
    if details.online_capacity is not None and details.online_capacity < confirmed_online:
        problems.append(Problem("online_capacity", lazy_ngettext(
            "%(num)d person already has a confirmed place online; the number of places cannot be lower.",
            "%(num)d people already have a confirmed place online; the number of places cannot be lower.",
            confirmed_online)))
    for mode in ParticipationMode:
        if mode in MODES_OF_FORMAT[details.format]:
            continue
        registered = db.session.scalar(select(func.count(Registration.id)).where(
            Registration.meeting_id == meeting.id, Registration.mode == mode, Registration.status.in_(ACTIVE)))
        if registered:
            message = (lazy_ngettext("%(num)d person is registered to take part on site.",
                                     "%(num)d people are registered to take part on site.", registered)
                       if mode == ParticipationMode.ON_SITE else
                       lazy_ngettext("%(num)d person is registered to take part online.",
                                     "%(num)d people are registered to take part online.", registered))
            problems.append(Problem("format", LazyString(
                lambda message=message: f"{message} {_l('Keep a format that lets them come.')}")))
    return problems


# --- creating, editing, moving -----------------------------------------------------------------

def create_meeting(forum: Forum, details: MeetingDetails) -> Meeting:
    """A new meeting, as a draft that only the forum's organisers see until it is published."""
    details = details.normalised()
    problems = detail_problems(details)
    if problems:
        raise MeetingRuleError(problems)
    meeting = Meeting(forum=forum, status=MeetingStatus.DRAFT, **asdict(details))
    db.session.add(meeting)
    db.session.flush()
    hook().meeting_changed(meeting=meeting, changes={name: (None, getattr(meeting, name)) for name in DETAIL_NAMES})
    db.session.commit()
    return meeting


def update_meeting(meeting: Meeting, details: MeetingDetails, now: datetime | None = None) -> MeetingUpdate:
    """Save an organiser's changes. A change of time or place is a move: ``sequence`` rises and
    everyone registered (confirmed or waiting) gets an e-mail with the old and the new time and
    place. More seats give places to the waiting list at once."""
    now = now or utcnow()
    if meeting.status == MeetingStatus.CANCELLED:
        raise MeetingStateError(CANCELLED_IS_FINAL)
    details = details.normalised()
    problems = detail_problems(details, meeting)
    if problems:
        raise MeetingRuleError(problems)

    before = MeetingPlace.of(meeting)
    changes = {name: (getattr(meeting, name), value) for name, value in asdict(details).items()
               if getattr(meeting, name) != value}
    if not changes:
        return MeetingUpdate({}, moved=False, told=0)
    for name, (_old, value) in changes.items():
        setattr(meeting, name, value)
    moved = bool(MOVE_FIELDS & changes.keys())
    if moved:
        meeting.sequence += 1
    try:
        db.session.flush()
    except IntegrityError:
        # Someone took a seat between our check and the save: the CHECK constraint refused it.
        db.session.rollback()
        raise MeetingRuleError(_problems_with_registrations(details, db.session.get(Meeting, meeting.id))) from None
    db.session.expire(meeting, ["municipality"])

    told = 0
    if meeting.status == MeetingStatus.PUBLISHED:
        if "capacity" in changes:
            promote_waiting(meeting, ParticipationMode.ON_SITE, now)
        if "online_capacity" in changes:
            promote_waiting(meeting, ParticipationMode.ONLINE, now)
        if moved:
            told = _tell_registrants(meeting, "meeting_moved", before=before, after=MeetingPlace.of(meeting))
        if "starts_at" in changes:
            forget_reminders(meeting)  # a reminder sent for the old time says nothing about the new one
    hook().meeting_changed(meeting=meeting, changes=changes)
    db.session.commit()
    return MeetingUpdate(changes, moved=moved, told=told)


def publish_meeting(meeting: Meeting, now: datetime | None = None) -> bool:
    """Make a draft public (or visible to the members, for a members-only meeting).

    Public meetings become news for the organisations interested in them. Returns False when
    the meeting was already published (a second click changes nothing).
    """
    now = now or utcnow()
    if meeting.status == MeetingStatus.CANCELLED:
        raise MeetingStateError(CANCELLED_IS_FINAL)
    # Conditional, so that two clicks at once publish (and announce) the meeting once.
    result = db.session.execute(
        update(Meeting).where(Meeting.id == meeting.id, Meeting.status == MeetingStatus.DRAFT)
        .values(status=MeetingStatus.PUBLISHED, published_at=now).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        return False
    db.session.refresh(meeting)
    if not meeting.members_only and meeting.ends_at > now:
        queue_meeting_news(meeting)
    hook().meeting_changed(meeting=meeting, changes={"status": (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED)})
    db.session.commit()
    return True


def cancel_meeting(meeting: Meeting, message: str = "", now: datetime | None = None) -> int:
    """Cancel a published meeting and tell everyone registered; returns how many were told.

    Registrations stay as they were, so the lists still show who had registered.
    """
    now = now or utcnow()
    if meeting.status == MeetingStatus.DRAFT:
        raise MeetingStateError(_l("A draft is not public yet: delete it instead of cancelling it."))
    if meeting.status == MeetingStatus.CANCELLED:
        return 0
    if now >= meeting.starts_at:
        raise MeetingStateError(_l("The meeting has already started, so it can no longer be cancelled."))
    result = db.session.execute(
        update(Meeting).where(Meeting.id == meeting.id, Meeting.status == MeetingStatus.PUBLISHED)
        .values(status=MeetingStatus.CANCELLED, cancelled_at=now, sequence=Meeting.sequence + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        return 0
    db.session.refresh(meeting)
    told = _tell_registrants(meeting, "meeting_cancelled", message=message.strip())
    hook().meeting_cancelled(meeting=meeting)
    db.session.commit()
    return told


def delete_draft(meeting: Meeting) -> None:
    """A draft nobody else has seen can simply go."""
    if meeting.status != MeetingStatus.DRAFT:
        raise MeetingStateError(_l("Only a draft can be deleted. Cancel a published meeting instead."))
    db.session.delete(meeting)
    db.session.commit()


def _tell_registrants(meeting: Meeting, template: str, **context) -> int:
    registrations = db.session.scalars(
        select(Registration).where(Registration.meeting_id == meeting.id, Registration.status.in_(ACTIVE))
        .order_by(Registration.id)).all()
    for registration in registrations:
        person = registration.person
        queue_mail(template, person.email, template, locale=person.locale, meeting=meeting,
                   registration=registration, show_link=online_link(meeting, person, registration) is not None,
                   **context)
    return len(registrations)


def active_registration_count(meeting: Meeting) -> int:
    return db.session.scalar(select(func.count(Registration.id)).where(
        Registration.meeting_id == meeting.id, Registration.status.in_(ACTIVE)))


# --- agenda --------------------------------------------------------------------------------------

def _agenda_titles(meeting: Meeting) -> list[str]:
    return [item.title for item in meeting.agenda_items]


def _agenda_changed(meeting: Meeting, before: list[str]) -> None:
    db.session.flush()
    db.session.expire(meeting, ["agenda_items"])
    hook().meeting_changed(meeting=meeting, changes={"agenda_items": (before, _agenda_titles(meeting))})
    db.session.commit()


def _renumber(items: list[AgendaItem]) -> None:
    for position, item in enumerate(items):
        item.position = position


def add_agenda_item(meeting: Meeting, title: str, description: str = "") -> AgendaItem:
    if meeting.status == MeetingStatus.CANCELLED:
        raise MeetingStateError(CANCELLED_IS_FINAL)
    before = _agenda_titles(meeting)
    item = AgendaItem(meeting=meeting, title=title.strip(), description=description.strip(), position=len(before))
    db.session.add(item)
    _agenda_changed(meeting, before)
    return item


def update_agenda_item(item: AgendaItem, title: str, description: str = "") -> None:
    meeting = item.meeting
    if meeting.status == MeetingStatus.CANCELLED:
        raise MeetingStateError(CANCELLED_IS_FINAL)
    before = _agenda_titles(meeting)
    item.title, item.description = title.strip(), description.strip()
    _agenda_changed(meeting, before)


def remove_agenda_item(item: AgendaItem) -> None:
    meeting = item.meeting
    if meeting.status == MeetingStatus.CANCELLED:
        raise MeetingStateError(CANCELLED_IS_FINAL)
    before = _agenda_titles(meeting)
    remaining = [other for other in meeting.agenda_items if other.id != item.id]
    meeting.agenda_items.remove(item)
    _renumber(remaining)
    _agenda_changed(meeting, before)


def move_agenda_item(item: AgendaItem, offset: int) -> bool:
    """Move an item up (offset -1) or down (+1); False when it is already first or last."""
    meeting = item.meeting
    if meeting.status == MeetingStatus.CANCELLED:
        raise MeetingStateError(CANCELLED_IS_FINAL)
    before = _agenda_titles(meeting)
    items = list(meeting.agenda_items)
    index = items.index(item)
    target = index + offset
    if not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    _renumber(items)
    _agenda_changed(meeting, before)
    return True


# --- what the meeting page shows ---------------------------------------------------------------

@dataclass(frozen=True)
class RegistrationState:
    """Whether and until when people can register, and how many places are left."""

    problem: Refusal | None
    opens_at: datetime | None
    closes_at: datetime
    seats_left: int | None  # on site; None when there is no limit or no venue
    online_places_left: int | None
    full: bool  # every way of taking part is full: newcomers go on the waiting list

    @property
    def is_open(self) -> bool:
        return self.problem is None


def registration_state(meeting: Meeting, now: datetime | None = None) -> RegistrationState:
    now = now or utcnow()
    db.session.refresh(meeting, ["confirmed_on_site", "confirmed_online"])  # counters move under other requests
    seats_left = (max(meeting.capacity - meeting.confirmed_on_site, 0)
                  if meeting.has_venue and meeting.capacity is not None else None)
    online_left = (max(meeting.online_capacity - meeting.confirmed_online, 0)
                   if meeting.is_online and meeting.online_capacity is not None else None)
    left = {ParticipationMode.ON_SITE: seats_left, ParticipationMode.ONLINE: online_left}
    full = all(left[mode] == 0 for mode in offered_modes(meeting))
    return RegistrationState(
        problem=registration_window_problem(meeting, now), opens_at=meeting.registration_opens_at,
        closes_at=meeting.registration_closes_at or meeting.starts_at, seats_left=seats_left,
        online_places_left=online_left, full=full)


def registration_of(meeting: Meeting, person: Person | None) -> Registration | None:
    """The person's registration for the meeting, whatever its status."""
    if person is None:
        return None
    return db.session.scalar(select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.person_id == person.id))


@dataclass(frozen=True)
class Participant:
    name: str
    organisation: str


def public_participants(meeting: Meeting) -> list[Participant]:
    """Confirmed registrants who agreed to be listed, by name; never the waiting list, never an address."""
    # Plain rows, not objects: one light query, for a page everyone opens.
    rows = db.session.execute(
        select(Person.name, Registration.organisation_label).join(Person, Person.id == Registration.person_id)
        .where(Registration.meeting_id == meeting.id, Registration.status == RegistrationStatus.CONFIRMED,
               Registration.show_name_publicly.is_(True))).all()
    listed = [Participant(name.strip(), organisation) for name, organisation in rows if name.strip()]
    return sorted(listed, key=lambda p: (p.name.casefold(), p.organisation.casefold()))


def confirmed_count(meeting: Meeting) -> int:
    return db.session.scalar(select(func.count(Registration.id)).where(
        Registration.meeting_id == meeting.id, Registration.status == RegistrationStatus.CONFIRMED))
