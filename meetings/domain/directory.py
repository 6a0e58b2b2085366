"""The meetings directory: the public meetings that match a visitor's filters, a page at a time.

The filters come from the query string, so that a search is a link anyone can share. The same
parameters, parsed by ``parse_filters`` here, choose the meetings of the calendar plugin's feed of
all meetings (``filtered_meetings``), so a feed shows what the directory shows.

A value the directory does not know (a municipality code that does not exist, a date that is no
date, a forum that has gone) is not dropped: it makes the list empty and is named, with a way
back, because a list that quietly ignores part of a search looks like an answer to it.

Which meetings are listed at all is ``queries.publicly_listed`` (what ``meeting_visible_to`` shows
to anyone); whether registration is open is ``registration.registration_open_clause`` (the SQL of
``registration_window_problem``); a municipality counts a meeting held there and every meeting of
a forum that covers it (``forums.forum_covers``: county-wide forums cover every municipality).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.orm import selectinload

from ..collation import swedish_sort_key
from ..extensions import db
from ..models import Forum, Meeting, MeetingFormat, Municipality, Organisation, SubjectArea, utcnow
from ..models.meeting import ONLINE_FORMATS, VENUE_FORMATS
from .forums import all_municipalities, all_subject_areas, forum_covers, forum_organisers
from .paging import Page, page_count, parse_page_number
from .queries import publicly_listed
from .registration import registration_open_clause, registration_window_problem

PAGE_SIZE = 20
# A date outside these years is a slip of the keyboard (as in the meeting form).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2200
# More values of one filter than any list offers: the rest are not looked up, and of the unknown ones
# only the first few are named.
MAX_VALUES = 100
MAX_NAMED_PROBLEMS = 3
# Values that tick "open for registration": what a checkbox sends, and what a person might type.
YES = frozenset({"1", "on", "yes", "true", "ja"})


class When(StrEnum):
    COMING = "coming"
    PAST = "past"

    @property
    def label(self):
        return {"coming": _l("Coming meetings"), "past": _l("Past meetings")}[self.value]


class Mode(StrEnum):
    """How a visitor wants to take part; a hybrid meeting can be attended either way."""

    ON_SITE = "on_site"
    ONLINE = "online"
    HYBRID = "hybrid"

    @property
    def label(self):
        return {"on_site": _l("Can be attended on site"), "online": _l("Can be attended online"),
                "hybrid": _l("Both on site and online")}[self.value]

    @property
    def formats(self) -> tuple[MeetingFormat, ...]:
        return {"on_site": VENUE_FORMATS, "online": ONLINE_FORMATS, "hybrid": (MeetingFormat.HYBRID,)}[self.value]


@dataclass(frozen=True)
class FilterProblem:
    """A filter value the directory does not know; ``message`` says which, in the reader's language."""

    parameter: str
    message: Any  # a lazy message


@dataclass(frozen=True)
class MeetingFilters:
    """The directory's filters; empty means "any". ``when`` is None for a feed, which has its own
    time window. ``problems`` lists the values that were not understood: then nothing matches."""

    when: When | None = When.COMING
    date_from: date | None = None
    date_to: date | None = None
    municipalities: tuple[str, ...] = ()  # codes
    areas: tuple[str, ...] = ()  # subject-area codes
    forum: str | None = None  # a forum's slug
    organiser: int | None = None  # the id of an organisation that arranges forums
    mode: Mode | None = None
    open_only: bool = False
    problems: tuple[FilterProblem, ...] = ()

    @property
    def active(self) -> bool:
        """Whether anything narrows the list (besides coming or past)."""
        return bool(self.date_from or self.date_to or self.municipalities or self.areas or self.forum
                    or self.organiser is not None or self.mode or self.open_only)

    def query_args(self, when: bool = True) -> dict[str, Any]:
        """The understood filters as query-string arguments for ``url_for``; those not in use are
        left out, and so is ``when`` when it is the default or ``when=False`` (for a feed)."""
        args: dict[str, Any] = {
            "when": self.when.value if when and self.when not in (None, When.COMING) else None,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "municipality": list(self.municipalities), "area": list(self.areas), "forum": self.forum,
            "organiser": self.organiser, "mode": self.mode.value if self.mode else None,
            "open": "1" if self.open_only else None,
        }
        return {name: value for name, value in args.items() if value not in (None, [], "")}

    def without(self, parameter: str) -> dict[str, Any]:
        """``query_args()`` without one filter: the link that removes it."""
        names = {"date": ("from", "to")}.get(parameter, (parameter,))
        return {name: value for name, value in self.query_args().items() if name not in names}

    def for_feed(self) -> MeetingFilters:
        """The same filters without coming or past (and without a problem with that choice): a feed
        keeps its own window."""
        return replace(self, when=None, problems=tuple(p for p in self.problems if p.parameter != "when"))


# --- reading the query string ---------------------------------------------------------------------


def _values(args: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(args, "getlist", None)
    raw = list(getlist(name)) if getlist is not None else ([args[name]] if args.get(name) else [])
    values = list(dict.fromkeys(value.strip() for value in raw if value and value.strip()))  # in order, once each
    return values[:MAX_VALUES]


def _one(args: Mapping[str, Any], name: str) -> str:
    return (args.get(name) or "").strip()


def _date(raw: str, parameter: str, problems: list[FilterProblem]) -> date | None:
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is None or not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        problems.append(FilterProblem(parameter, _l("“%(value)s” is not a date we can use. Write a date like "
                                                    "2027-03-12.", value=raw[:40])))
        return None
    return day


def _known_codes(model, codes: list[str], unknown: Callable[[str], Any], parameter: str,
                 problems: list[FilterProblem]) -> tuple[str, ...]:
    if not codes:
        return ()
    known = set(db.session.scalars(select(model.code).where(model.code.in_(codes))))
    for code in [code for code in codes if code not in known][:MAX_NAMED_PROBLEMS]:
        problems.append(FilterProblem(parameter, unknown(code[:60])))
    return tuple(code for code in codes if code in known)


def parse_filters(args: Mapping[str, Any]) -> MeetingFilters:
    """The filters of a query string (a MultiDict). Every parameter is optional:

    ``when`` (coming, the default, or past), ``from`` and ``to`` (dates, YYYY-MM-DD, in the site's
    time zone; a meeting on any day between them, both included), ``municipality`` and ``area``
    (codes; may be repeated: any of them), ``forum`` (a slug), ``organiser`` (an organisation's
    id), ``mode`` (on_site, online or hybrid) and ``open`` (1: only meetings open for registration).
    """
    problems: list[FilterProblem] = []

    when_raw = _one(args, "when")
    when = When.COMING
    if when_raw:
        try:
            when = When(when_raw)
        except ValueError:
            problems.append(FilterProblem("when", _l("“%(value)s” is not a choice here. Choose coming or past "
                                                     "meetings.", value=when_raw[:40])))

    date_from = _date(_one(args, "from"), "from", problems)
    date_to = _date(_one(args, "to"), "to", problems)
    if date_from and date_to and date_from > date_to:
        problems.append(FilterProblem("date", _l("The first day comes after the last day. Swap them, or "
                                                 "leave one of them empty.")))

    municipalities = _known_codes(
        Municipality, _values(args, "municipality"),
        lambda code: _l("There is no municipality with the code “%(code)s”.", code=code), "municipality", problems)
    areas = _known_codes(
        SubjectArea, _values(args, "area"),
        lambda code: _l("There is no subject area with the code “%(code)s”.", code=code), "area", problems)

    forum = _one(args, "forum") or None
    if forum is not None and db.session.scalar(select(Forum.id).where(Forum.slug == forum)) is None:
        problems.append(FilterProblem("forum", _l("There is no forum with the address “%(forum)s”.",
                                                  forum=forum[:120])))
        forum = None

    organiser_raw, organiser = _one(args, "organiser"), None
    if organiser_raw:
        if organiser_raw.isascii() and organiser_raw.isdigit() and len(organiser_raw) < 10:
            organiser = db.session.scalar(select(Organisation.id).where(
                Organisation.id == int(organiser_raw), Organisation.id.in_(select(Forum.organiser_id))))
        if organiser is None:
            problems.append(FilterProblem("organiser", _l("We do not know the organiser “%(value)s”. Choose one "
                                                          "from the list.", value=organiser_raw[:40])))

    mode_raw, mode = _one(args, "mode"), None
    if mode_raw:
        try:
            mode = Mode(mode_raw)
        except ValueError:
            problems.append(FilterProblem("mode", _l("“%(value)s” is not a way of taking part. Choose on site, "
                                                     "online, or both.", value=mode_raw[:40])))

    open_raw = _one(args, "open")
    if open_raw and open_raw.casefold() not in YES:
        problems.append(FilterProblem("open", _l("“%(value)s” is not a choice for “open for registration”. Tick "
                                                 "the box, or leave it empty.", value=open_raw[:40])))

    return MeetingFilters(when=when, date_from=date_from, date_to=date_to, municipalities=municipalities,
                          areas=areas, forum=forum, organiser=organiser, mode=mode,
                          open_only=open_raw.casefold() in YES, problems=tuple(problems))


# --- the query ------------------------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIME_ZONE"])


def _start_of(day: date) -> datetime:
    """The first moment of ``day`` in the site's time zone, in UTC."""
    return datetime.combine(day, time(0), tzinfo=_zone()).astimezone(UTC)


def _conditions(filters: MeetingFilters, now: datetime) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [publicly_listed()]
    if filters.problems:
        return [false()]
    if filters.when == When.COMING:
        conditions.append(Meeting.ends_at >= now)
    elif filters.when == When.PAST:
        conditions.append(Meeting.ends_at < now)
    if filters.date_from:
        conditions.append(Meeting.ends_at > _start_of(filters.date_from))
    if filters.date_to:
        conditions.append(Meeting.starts_at < _start_of(filters.date_to + timedelta(days=1)))
    if filters.municipalities:
        held_in = Meeting.municipality_id.in_(
            select(Municipality.id).where(Municipality.code.in_(filters.municipalities)))
        covering_forums = select(Forum.id).where(forum_covers(filters.municipalities))
        conditions.append(or_(held_in, Meeting.forum_id.in_(covering_forums)))
    if filters.areas:
        conditions.append(Meeting.forum_id.in_(
            select(Forum.id).where(Forum.subject_areas.any(SubjectArea.code.in_(filters.areas)))))
    if filters.forum:
        conditions.append(Meeting.forum_id.in_(select(Forum.id).where(Forum.slug == filters.forum)))
    if filters.organiser is not None:
        conditions.append(Meeting.forum_id.in_(select(Forum.id).where(Forum.organiser_id == filters.organiser)))
    if filters.mode:
        conditions.append(Meeting.format.in_(filters.mode.formats))
    if filters.open_only:
        conditions.append(registration_open_clause(now))
    return conditions


def filtered_meetings(filters: MeetingFilters, now: datetime | None = None) -> Select:
    """The public meetings that match ``filters``, as a query without order or limit (the
    directory and a feed each add their own). With problems in the filters, it finds nothing."""
    return select(Meeting).where(*_conditions(filters, now or utcnow()))


def in_directory_order(query: Select, when: When | None) -> Select:
    """Soonest first for coming meetings, newest first for past ones."""
    if when == When.PAST:
        return query.order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    return query.order_by(Meeting.starts_at, Meeting.id)


@dataclass(frozen=True)
class DirectoryPage(Page[Meeting]):
    """One page of the directory; ``problems`` explain why it is empty when a value was not understood
    or the page asked for does not exist."""

    problems: tuple[FilterProblem, ...] = ()


def directory_page(filters: MeetingFilters, raw_page: str | None = None, page_size: int = PAGE_SIZE,
                   now: datetime | None = None) -> DirectoryPage:
    """One page of the meetings that match: a count and one LIMIT/OFFSET query (with forum,
    organiser and municipality loaded alongside), never every meeting."""
    now = now or utcnow()
    number = parse_page_number(raw_page)
    problems = list(filters.problems)
    if number is None:
        problems.append(FilterProblem("page", _l("“%(value)s” is not a page number.", value=(raw_page or "")[:40])))
    if problems:
        return DirectoryPage(items=[], total=0, page=1, page_size=page_size, problems=tuple(problems))
    query = filtered_meetings(filters, now)
    total = db.session.scalar(query.with_only_columns(func.count(Meeting.id)).order_by(None)) or 0
    pages = page_count(total, page_size)
    if number > pages:
        # Never an OFFSET past the end (however large the number): say so, and link to the pages there are.
        if pages == 1:
            message = _l("There is no page %(page)s: the list has only one page.", page=number)
        else:
            message = _l("There is no page %(page)s: the list has %(pages)s pages.", page=number, pages=pages)
        problem = FilterProblem("page", message)
        return DirectoryPage(items=[], total=total, page=pages, page_size=page_size, problems=(problem,))
    meetings = db.session.scalars(
        in_directory_order(query, filters.when).limit(page_size).offset((number - 1) * page_size)
        .options(selectinload(Meeting.forum).selectinload(Forum.organiser), selectinload(Meeting.municipality)))
    return DirectoryPage(items=list(meetings), total=total, page=number, page_size=page_size)


# --- what the page needs besides the list ------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryChoices:
    """What the filter form offers, each in Swedish alphabetical order."""

    municipalities: list[Municipality]
    subject_areas: list[SubjectArea]
    forums: list[Forum]
    organisers: list[Organisation]


def filter_choices() -> DirectoryChoices:
    forums = sorted(db.session.scalars(select(Forum)), key=lambda forum: swedish_sort_key(forum.name))
    return DirectoryChoices(municipalities=all_municipalities(), subject_areas=all_subject_areas(),
                            forums=forums, organisers=forum_organisers())


# The filters a visitor can take away one at a time, with their names on the "remove" links.
FILTER_NAMES = (
    ("date", _l("Dates")), ("municipality", _l("Municipality")), ("area", _l("Subject area")),
    ("forum", _l("Forum")), ("organiser", _l("Organiser")), ("mode", _l("How to take part")),
    ("open", _l("Open for registration")),
)


def filters_in_use(filters: MeetingFilters) -> list[tuple[str, Any]]:
    """(parameter, name) of each filter in use, for the links that remove one."""
    args = filters.query_args()
    in_use = {"date": "from" in args or "to" in args, **{name: name in args for name, _label in FILTER_NAMES[1:]}}
    return [(name, label) for name, label in FILTER_NAMES if in_use[name]]


def registration_is_open(meeting: Meeting, now: datetime | None = None) -> bool:
    """Whether people can register for ``meeting`` now: the one rule, for the list's marks."""
    return registration_window_problem(meeting, now or utcnow()) is None
