"""The yearly follow-up of the agreement: figures for a calendar year, each beside last year's.

"Överenskommelsen ska följas upp årligen och rapporteras till relevanta politiska forum." Every
figure comes from an aggregate query (COUNT … GROUP BY) over the whole year, never from a loop
over rows in Python, so a county's ten years stay quick (``python -m bench.followup``).

Definitions the figures use:

- A year is a calendar year in the site's time zone (``TIME_ZONE``).
- A meeting is *held* when it is published (not a draft, not cancelled) and has started.
- *Attendance* is every attendance record of a held meeting: checked in from the list or with a
  code, walk-ins, and online participants who confirmed their own attendance.
- A *no-show* is a confirmed registration for a held meeting without an attendance record.
- An organisation *takes part* when someone attended a held meeting for it; a walk-in's
  organisation counts only when it is in the register. It takes part *for the first time* when
  it had attended no held meeting of the report's forums before the year.
- A *small association* is a civil-society organisation working at the local level. The register
  holds no size (members or turnover), and the mapping report's "de mindre och lokala
  föreningarna exempelvis byaföreningar" are exactly these; the share reached is those that took
  part divided by those approved in the register by the end of the year (or that took part).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import and_, case, func, select

from ..extensions import db
from ..models import (
    Attendance,
    CheckInMethod,
    Forum,
    ICNPOGroup,
    Invitation,
    InvitationStatus,
    Level,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    MembershipRole,
    Municipality,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    ParticipationLevel,
    ParticipationMode,
    Person,
    Registration,
    RegistrationStatus,
    SubjectArea,
    utcnow,
)
from ..models.organisation import organisation_subject_area
from ..models.reference import NORRBOTTEN_MUNICIPALITIES
from ..plugins import hook

log = logging.getLogger(__name__)

# Counts of people or organisations under this are shown on the public summary as "fewer than 5".
SMALL_COUNT = 5
FIRST_YEAR = 2000


@dataclass
class Row:
    key: str
    label: str
    current: int | float | None
    previous: int | float | None
    # A count of people or organisations: hidden on the public summary when small.
    sensitive: bool = False
    percent: bool = False


@dataclass
class Table:
    key: str
    title: str
    rows: list[Row]
    chart: bool = False
    # Column heading for the rows' labels.
    label_heading: str = ""

    @property
    def is_empty(self) -> bool:
        return all(not row.current and not row.previous for row in self.rows)


@dataclass
class Section:
    """A plugin's part of the report (``followup_sections``), or a note that it failed."""

    plugin: str
    heading: str
    html: Markup = field(default_factory=Markup)
    rows: list[Row] = field(default_factory=list)
    failed: bool = False


@dataclass
class Report:
    year: int
    forum_ids: list[int] | None
    forums: list[Forum]
    tables: list[Table]
    sections: list[Section]
    meetings_held: int

    @property
    def previous_year(self) -> int:
        return self.year - 1

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


# --- Who sees which forums ---------------------------------------------------------------------------


def may_see_full_report(person: Person | None) -> bool:
    """Admins (every forum) and organisers (their own bodies' forums)."""
    return person is not None and person.is_organiser


def report_scope(person: Person) -> list[int] | None:
    """The forums whose figures ``person`` may see: None for an admin (all), else the ids of the
    forums that the public bodies they organise for run (possibly none)."""
    if person.is_admin:
        return None
    bodies = [m.organisation_id for m in person.memberships if m.role == MembershipRole.ORGANISER]
    if not bodies:
        return []
    return list(db.session.scalars(select(Forum.id).where(Forum.organiser_id.in_(bodies)).order_by(Forum.id)))


def forums_in_scope(forum_ids: list[int] | None) -> list[Forum]:
    query = select(Forum).order_by(Forum.name, Forum.id)
    if forum_ids is not None:
        query = query.where(Forum.id.in_(forum_ids or [-1]))
    return list(db.session.scalars(query))


def year_choices(now: datetime | None = None) -> list[int]:
    """Years a report can be made for, newest first: from the first meeting's year to this year."""
    this_year = _local_now(now).year
    first = db.session.scalar(select(func.min(Meeting.starts_at)))
    first_year = _to_local(first).year if first is not None else this_year
    return list(range(this_year, max(FIRST_YEAR, min(first_year, this_year)) - 1, -1))


def parse_year(raw: str | None, now: datetime | None = None) -> int | None:
    """The year asked for, or None when it is not a year the report covers (text, the future, …)."""
    this_year = _local_now(now).year
    if raw is None or raw == "":
        return this_year
    try:
        year = int(raw)
    except ValueError:
        return None
    return year if FIRST_YEAR <= year <= this_year else None


# --- Time ---------------------------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIME_ZONE"])


def _local_now(now: datetime | None) -> datetime:
    return (now or utcnow()).astimezone(_zone())


def _to_local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_zone())


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The first moment of ``year`` and of the next, in the site's time zone, as UTC."""
    zone = _zone()
    return (datetime(year, 1, 1, tzinfo=zone).astimezone(UTC),
            datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC))


# --- The figures of one year ----------------------------------------------------------------------------


class _Year:
    """The aggregate queries for one year and one set of forums."""

    def __init__(self, year: int, forum_ids: list[int] | None, now: datetime):
        self.start, self.end = year_bounds(year)
        self.forum_ids = forum_ids
        self.now = now

    def in_scope(self, column=Meeting.forum_id):
        if self.forum_ids is None:
            return True
        return column.in_(self.forum_ids or [-1])

    def held(self):
        return and_(Meeting.status == MeetingStatus.PUBLISHED, Meeting.starts_at >= self.start,
                    Meeting.starts_at < self.end, Meeting.starts_at <= self.now, self.in_scope())

    def held_before(self):
        return and_(Meeting.status == MeetingStatus.PUBLISHED, Meeting.starts_at < self.start, self.in_scope())

    def _grouped(self, column, *where, joins=(), count=None) -> dict[Any, int]:
        query = select(column, count if count is not None else func.count()).select_from(Meeting)
        for target, on in joins:
            query = query.join(target, on)
        query = query.where(*where).group_by(column)
        return {key: value for key, value in db.session.execute(query)}

    def meetings_by(self, column, joins=()) -> dict[Any, int]:
        return self._grouped(column, self.held(), joins=joins)

    def cancelled(self) -> int:
        return db.session.scalar(select(func.count()).select_from(Meeting).where(
            Meeting.status == MeetingStatus.CANCELLED, Meeting.starts_at >= self.start,
            Meeting.starts_at < self.end, self.in_scope())) or 0

    def invitations(self) -> dict[str, int]:
        answered = Invitation.status.in_([InvitationStatus.YES, InvitationStatus.NO])
        row = db.session.execute(
            select(func.count(Invitation.id),
                   func.coalesce(func.sum(case((answered, 1), else_=0)), 0),
                   func.coalesce(func.sum(case((Invitation.status == InvitationStatus.YES, 1), else_=0)), 0))
            .select_from(Invitation).join(Meeting, Meeting.id == Invitation.meeting_id)
            .where(Meeting.status != MeetingStatus.DRAFT, Meeting.starts_at >= self.start,
                   Meeting.starts_at < self.end, self.in_scope())).one()
        return {"sent": row[0], "answered": int(row[1]), "yes": int(row[2])}

    def registrations(self) -> dict[str, int]:
        rows = db.session.execute(
            select(Registration.status, func.count()).select_from(Registration)
            .join(Meeting, Meeting.id == Registration.meeting_id).where(self.held())
            .group_by(Registration.status))
        return {RegistrationStatus(status).value: count for status, count in rows}

    def attendance(self) -> dict[str, int]:
        is_walk_in = Attendance.method == CheckInMethod.WALK_IN
        is_self = Attendance.method == CheckInMethod.SELF
        row = db.session.execute(
            select(func.count(Attendance.id),
                   func.coalesce(func.sum(case((Attendance.mode == ParticipationMode.ON_SITE, 1), else_=0)), 0),
                   func.coalesce(func.sum(case((Attendance.mode == ParticipationMode.ONLINE, 1), else_=0)), 0),
                   func.coalesce(func.sum(case((is_walk_in, 1), else_=0)), 0),
                   func.coalesce(func.sum(case((is_self, 1), else_=0)), 0))
            .select_from(Attendance).join(Meeting, Meeting.id == Attendance.meeting_id).where(self.held())).one()
        return {"total": row[0], "on_site": int(row[1]), "online": int(row[2]), "walk_in": int(row[3]),
                "self": int(row[4])}

    def no_shows(self) -> int:
        return db.session.scalar(
            select(func.count(Registration.id)).select_from(Registration)
            .join(Meeting, Meeting.id == Registration.meeting_id)
            .outerjoin(Attendance, Attendance.registration_id == Registration.id)
            .where(self.held(), Registration.status == RegistrationStatus.CONFIRMED, Attendance.id.is_(None))) or 0

    def participants(self):
        """The registered organisations that attended a held meeting of the year, as a subquery."""
        return (select(Attendance.organisation_id).join(Meeting, Meeting.id == Attendance.meeting_id)
                .where(self.held(), Attendance.organisation_id.is_not(None)).distinct())

    def earlier_participants(self):
        return (select(Attendance.organisation_id).join(Meeting, Meeting.id == Attendance.meeting_id)
                .where(self.held_before(), Attendance.organisation_id.is_not(None)).distinct())

    def organisations_by(self, column) -> dict[Any, int]:
        rows = db.session.execute(
            select(column, func.count(Organisation.id)).where(Organisation.id.in_(self.participants()))
            .group_by(column))
        return {key: count for key, count in rows}

    def organisations_by_area(self) -> dict[int, int]:
        link = organisation_subject_area.c
        rows = db.session.execute(
            select(link.subject_area_id, func.count(link.organisation_id.distinct()))
            .where(link.organisation_id.in_(self.participants())).group_by(link.subject_area_id))
        return {key: count for key, count in rows}

    def organisations(self) -> dict[str, int]:
        small = and_(Organisation.kind == OrganisationKind.CIVIL_SOCIETY, Organisation.level == Level.LOCAL)
        took_part = Organisation.id.in_(self.participants())
        row = db.session.execute(
            select(func.count(Organisation.id),
                   func.coalesce(func.sum(case((~Organisation.id.in_(self.earlier_participants()), 1), else_=0)), 0),
                   func.coalesce(func.sum(case((small, 1), else_=0)), 0))
            .where(took_part)).one()
        small_in_register = db.session.scalar(
            select(func.count(Organisation.id)).where(
                small, Organisation.status == OrganisationStatus.APPROVED,
                (Organisation.created_at < self.end) | took_part)) or 0
        return {"taking_part": row[0], "first_time": int(row[1]), "small": int(row[2]),
                "small_in_register": small_in_register}


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _rows(keys_labels, current: dict, previous: dict, sensitive: bool = False) -> list[Row]:
    return [Row(str(key), str(label), current.get(key, 0), previous.get(key, 0), sensitive)
            for key, label in keys_labels]


def build_report(year: int, forum_ids: list[int] | None, now: datetime | None = None,
                 with_sections: bool = True) -> Report:
    """The report of ``year`` for the forums ``forum_ids`` (None: all), each figure beside the year before."""
    now = now or utcnow()
    this, last = _Year(year, forum_ids, now), _Year(year - 1, forum_ids, now)
    forums = forums_in_scope(forum_ids)

    formats = (this.meetings_by(Meeting.format), last.meetings_by(Meeting.format))
    invitations = (this.invitations(), last.invitations())
    registrations = (this.registrations(), last.registrations())
    attendance = (this.attendance(), last.attendance())
    no_shows = (this.no_shows(), last.no_shows())
    organisations = (this.organisations(), last.organisations())
    held = tuple(sum(counts.values()) for counts in formats)

    def pair(key, label, values, sensitive=True):
        return Row(key, str(label), values[0], values[1], sensitive)

    summary = [
        pair("meetings_held", _l("Meetings held"), held, sensitive=False),
        pair("meetings_cancelled", _l("Meetings cancelled"), (this.cancelled(), last.cancelled()), sensitive=False),
        pair("invitations_sent", _l("Invitations sent"), tuple(i["sent"] for i in invitations), sensitive=False),
        pair("invitations_answered", _l("Invitations answered"), tuple(i["answered"] for i in invitations),
             sensitive=False),
        pair("invitations_accepted", _l("Invitations answered yes"), tuple(i["yes"] for i in invitations),
             sensitive=False),
        pair("registrations", _l("Registrations (confirmed)"),
             tuple(r.get("confirmed", 0) for r in registrations)),
        pair("waiting", _l("Still on the waiting list"), tuple(r.get("waiting", 0) for r in registrations)),
        pair("registrations_cancelled", _l("Registrations cancelled"),
             tuple(r.get("cancelled", 0) for r in registrations)),
        pair("attendance", _l("Attendance"), tuple(a["total"] for a in attendance)),
        pair("attendance_on_site", _l("Attendance on site"), tuple(a["on_site"] for a in attendance)),
        pair("attendance_online", _l("Attendance online"), tuple(a["online"] for a in attendance)),
        pair("walk_ins", _l("of which walk-ins"), tuple(a["walk_in"] for a in attendance)),
        pair("self_confirmed", _l("of which confirmed online by themselves"), tuple(a["self"] for a in attendance)),
        pair("no_shows", _l("No-shows (confirmed, did not attend)"), no_shows),
        pair("organisations", _l("Organisations taking part"), tuple(o["taking_part"] for o in organisations)),
        pair("first_time", _l("Organisations taking part for the first time"),
             tuple(o["first_time"] for o in organisations)),
        pair("small_reached", _l("Small associations taking part"), tuple(o["small"] for o in organisations)),
        pair("small_in_register", _l("Small associations in the register"),
             tuple(o["small_in_register"] for o in organisations), sensitive=False),
        Row("small_share", str(_l("Share of small associations reached")),
            *(_share(o["small"], o["small_in_register"]) for o in organisations), sensitive=True, percent=True),
    ]

    by_forum = (this.meetings_by(Meeting.forum_id), last.meetings_by(Meeting.forum_id))
    levels = (this.meetings_by(Forum.participation_level, joins=[(Forum, Forum.id == Meeting.forum_id)]),
              last.meetings_by(Forum.participation_level, joins=[(Forum, Forum.id == Meeting.forum_id)]))
    places = (this.meetings_by(Municipality.code, joins=[(Municipality, Municipality.id == Meeting.municipality_id)]),
              last.meetings_by(Municipality.code, joins=[(Municipality, Municipality.id == Meeting.municipality_id)]))
    elsewhere = tuple(h - sum(counts.get(code, 0) for code, _ in NORRBOTTEN_MUNICIPALITIES)
                      for h, counts in zip(held, places, strict=True))

    kinds = (this.organisations_by(Organisation.kind), last.organisations_by(Organisation.kind))
    org_levels = (this.organisations_by(Organisation.level), last.organisations_by(Organisation.level))
    icnpo = (this.organisations_by(Organisation.icnpo_group), last.organisations_by(Organisation.icnpo_group))
    areas = (this.organisations_by_area(), last.organisations_by_area())
    subject_areas = list(db.session.scalars(select(SubjectArea).order_by(SubjectArea.name_sv)))

    def enum_counts(counts: dict) -> dict:
        return {getattr(key, "value", key): value for key, value in counts.items()}

    tables = [
        Table("summary", str(_l("The year in figures")), summary, label_heading=str(_l("Figure"))),
        Table("meetings_by_format", str(_l("Meetings held, on site and online")),
              _rows([(f.value, f.label) for f in MeetingFormat], *map(enum_counts, formats)),
              chart=True, label_heading=str(_l("Format"))),
        Table("meetings_by_forum", str(_l("Meetings held per forum")),
              _rows([(forum.id, forum.name) for forum in forums], *by_forum), label_heading=str(_l("Forum"))),
        Table("meetings_by_level", str(_l("Meetings held per level of participation")),
              _rows([(p.value, p.label) for p in ParticipationLevel], *map(enum_counts, levels)),
              chart=True, label_heading=str(_l("Level of participation"))),
        Table("meetings_by_municipality", str(_l("Meetings held per municipality")),
              _rows(list(NORRBOTTEN_MUNICIPALITIES), *places)
              + [Row("none", str(_l("Online only or elsewhere")), elsewhere[0], elsewhere[1])],
              chart=True, label_heading=str(_l("Municipality"))),
        Table("organisations_by_kind", str(_l("Organisations taking part, by kind")),
              _rows([(k.value, k.label) for k in OrganisationKind], *map(enum_counts, kinds), sensitive=True),
              chart=True, label_heading=str(_l("Kind"))),
        Table("organisations_by_level", str(_l("Organisations taking part, by level")),
              _rows([(v.value, v.label) for v in Level], *map(enum_counts, org_levels), sensitive=True),
              label_heading=str(_l("Level"))),
        Table("organisations_by_area", str(_l("Organisations taking part, by subject area")),
              _rows([(a.id, a.name) for a in subject_areas], *areas, sensitive=True),
              label_heading=str(_l("Subject area"))),
        Table("organisations_by_icnpo",
              str(_l("Organisations taking part, by field of activity (international classification, ICNPO)")),
              _rows([(g.value, g.label) for g in ICNPOGroup] + [(None, _l("Not classified"))], *icnpo,
                    sensitive=True),
              chart=True, label_heading=str(_l("Field of activity"))),
    ]
    sections = plugin_sections(year, forum_ids) if with_sections else []
    return Report(year=year, forum_ids=forum_ids, forums=forums, tables=tables, sections=sections,
                  meetings_held=held[0])


# --- The plugins' sections ------------------------------------------------------------------------------


def plugin_sections(year: int, forum_ids: list[int] | None) -> list[Section]:
    """Each plugin's ``followup_sections`` for ``year`` beside ``year - 1``. A plugin that raises is
    logged and shown as a short note; the rest of the report is unaffected."""
    sections: list[Section] = []
    for impl in reversed(hook().followup_sections.get_hookimpls()):
        try:
            current = _call(impl, year, forum_ids)
            previous = {s.heading: s for s in _call(impl, year - 1, forum_ids)}
            for found in current:
                before = previous.get(found.heading)
                rows = [Row(str(label), str(label), value, before.figures.get(label) if before else None)
                        for label, value in (found.figures or {}).items()]
                sections.append(Section(impl.plugin_name, str(found.heading), _safe_html(found.html), rows))
        except Exception:
            log.exception("followup_sections of plugin %r failed for %s", impl.plugin_name, year)
            sections = [s for s in sections if s.plugin != impl.plugin_name]
            sections.append(Section(impl.plugin_name, impl.plugin_name, failed=True))
    return sections


def _call(impl, year: int, forum_ids: list[int] | None) -> list:
    """One plugin's sections for ``year``; as pluggy does, an implementation may take fewer of the
    hook's arguments (``followup_sections(year)``)."""
    arguments = {"year": year, "forum_ids": forum_ids}
    return list(impl.function(**{name: arguments[name] for name in impl.argnames}) or [])


def _safe_html(html: Any) -> Markup:
    """A section's html as declared (``Markup``); plain text from a careless plugin is escaped."""
    return html if isinstance(html, Markup) else escape(html or "")


# --- The public summary ---------------------------------------------------------------------------------

PUBLIC_SUMMARY_ROWS = ("meetings_held", "meetings_cancelled", "attendance", "organisations", "first_time",
                       "small_share")
PUBLIC_TABLES = ("meetings_by_format", "meetings_by_level", "meetings_by_municipality", "organisations_by_kind")


def public_tables(report: Report) -> list[Table]:
    """What anyone may see: meetings, and totals of people and organisations with small counts
    hidden (``hide_small``). No breakdown of people, so no hidden count can be worked out."""
    summary = report.table("summary")
    rows = {row.key: row for row in summary.rows}
    small = rows["small_reached"]
    share = rows["small_share"]
    public_share = Row(share.key, share.label,
                       share.current if (small.current or 0) >= SMALL_COUNT else None,
                       share.previous if (small.previous or 0) >= SMALL_COUNT else None, percent=True)
    public_rows = [public_share if key == "small_share" else rows[key] for key in PUBLIC_SUMMARY_ROWS]
    return [Table(summary.key, summary.title, public_rows, label_heading=summary.label_heading)] + [
        report.table(key) for key in PUBLIC_TABLES]


def hide_small(row: Row, value: int | float | None) -> bool:
    """Whether ``value`` of ``row`` is shown as "fewer than 5" on the public summary."""
    return row.sensitive and not row.percent and value is not None and 0 < value < SMALL_COUNT
