"""The plugin API: the one module a plugin imports to work with the core.

Plugins use this module, ``meetings.hookimpl`` for their hooks and ``meetings.testing`` in their
tests, and nothing else of the core: models, views and private helpers may change between
versions, the names here do not without notice. Each name is documented in
``docs/plugin-api.md``, with the data model (the attributes a plugin may read); a test fails when
a name in ``__all__`` is missing there.

Nothing here holds a rule of its own: the questions and queries are the core's own (in
``meetings.domain``), given their domain names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import wraps
from typing import Any

from flask import Response, abort, g
from flask_babel import Domain, to_user_timezone
from sqlalchemy import ColumnElement, Select, select

from .auth import login_required
from .domain import attendance as _attendance
from .domain import directory as _directory
from .domain import followup as _followup
from .domain import identity as _identity
from .domain import meetings as _meetings
from .domain import paging as _paging
from .domain import permissions as _permissions
from .domain import queries as _queries
from .domain.forums import forum_members as _forum_members
from .domain.identity import Contact
from .domain.mail import queue_mail as _queue_mail
from .exports import table_response
from .extensions import db
from .forms.base import FlaskForm
from .inputs import accepts_files
from .models import (
    Attendance,
    CheckInMethod,
    Forum,
    ForumMember,
    ForumMemberStatus,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    OutboxMessage,
    ParticipationMode,
    Person,
    Registration,
    RegistrationStatus,
    UTCDateTime,
    utcnow,
)
from .plugins import (
    NavLink,
    Panel,
    ReportSection,
    Setting,
    _template_gettext,
    render_plugin_template,
    translation_domain,
)
from .text import render_markdown
from .urls import public_url

__all__ = [
    # Who is signed in, and guards for views
    "current_person", "login_required", "permission_required", "accepts_files",
    # Permission questions
    "CONTACT", "manages_meeting", "manages_forum", "organises_for", "acts_for", "organisations_of",
    "may_see_meeting", "meetings_visible_to", "may_see_needs", "is_registered", "attended",
    # Reading meetings, forums, organisations, people, registrations and attendance
    "get_meeting", "get_forum", "get_organisation", "get_person", "upcoming_public_meetings",
    "meeting_filters", "filtered_meetings", "MeetingFilters",
    "forums_in_order", "forum_members", "registration_of", "registrations", "attendance_of_meeting",
    "attendance_of_meetings", "attendance_for", "attendance_of_person", "attendance_organisation",
    # Recording
    "record_walk_in",
    # Mail and links
    "queue_mail", "meeting_contact", "public_url",
    # Pages, downloads, text and time
    "render_plugin_template", "translation_domain", "table_download", "local_time", "year_bounds", "render_markdown",
    "utcnow",
    "FlaskForm",
    # Long lists a page at a time
    "Page", "page_of", "parse_page",
    # Objects a hook returns
    "NavLink", "Panel", "ReportSection", "Setting",
    # The database and the data model
    "db", "UTCDateTime", "Attendance", "CheckInMethod", "Forum", "ForumMember", "ForumMemberStatus", "Meeting",
    "MeetingFormat", "MeetingStatus", "Membership", "MembershipRole", "Organisation", "OrganisationKind",
    "OrganisationStatus", "OutboxMessage", "ParticipationMode", "Person", "Registration", "RegistrationStatus",
]

CONTACT = _permissions.CONTACT


# --- Who is signed in, and guards for views -----------------------------------------------------


def current_person() -> Person | None:
    """The signed-in person of this request, or None."""
    return g.get("person")


def _from_url(kwargs: dict[str, Any]) -> tuple[str, Any]:
    """The object a guarded view is about, from its URL arguments; 404 when it does not exist."""
    if "meeting_id" in kwargs:
        return "meeting", db.session.get(Meeting, kwargs.pop("meeting_id")) or abort(404)
    if "forum_id" in kwargs:
        return "forum", db.session.get(Forum, kwargs.pop("forum_id")) or abort(404)
    if "slug" in kwargs:
        return "forum", get_forum(kwargs.pop("slug")) or abort(404)
    if "organisation_id" in kwargs:
        return "organisation", db.session.get(Organisation, kwargs.pop("organisation_id")) or abort(404)
    raise TypeError("permission_required needs a URL argument meeting_id, forum_id, slug or organisation_id")


def permission_required(question: Callable[[Person | None, Any], bool], *, hide: bool = False
                        ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Guard a view about one meeting, forum or organisation with a permission question.

    The view's URL has ``<int:meeting_id>``, ``<int:forum_id>``, ``<slug>`` (a forum) or
    ``<int:organisation_id>``; the view receives the object instead (``meeting``, ``forum`` or
    ``organisation``). As the core's views answer: an object that does not exist is 404; when
    ``question(person, object)`` says no, the answer is 404 with ``hide=True`` (the object's
    existence is not to be revealed, as for a meeting the person may not see), otherwise a visitor
    who is not signed in is sent to sign in and a signed-in person gets 403.
    """
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            name, thing = _from_url(kwargs)
            person = current_person()
            if not question(person, thing):
                if hide:
                    abort(404)
                if person is None:
                    return login_required(view)(*args, **kwargs)  # sends the visitor to sign in
                abort(403)
            return view(*args, **{name: thing}, **kwargs)

        return wrapped

    return decorator


# --- Permission questions, in the domain's words --------------------------------------------------


def manages_meeting(person: Person | None, meeting: Meeting) -> bool:
    """Whether ``person`` runs ``meeting``: an organiser of its forum's public body, or an admin."""
    return _permissions.may_manage_forum(person, meeting.forum)


def manages_forum(person: Person | None, forum: Forum) -> bool:
    """Whether ``person`` runs ``forum``: an organiser of its public body, or an admin."""
    return _permissions.may_manage_forum(person, forum)


def organises_for(person: Person | None, organisation: Organisation) -> bool:
    """Whether ``person`` organises for the public body ``organisation`` (admins do for all)."""
    return person is not None and person.organises_for(organisation)


def acts_for(person: Person | None, organisation: Organisation, role: MembershipRole | str) -> bool:
    """Whether ``person`` acts for ``organisation`` in ``role``: ``"representative"``,
    ``"organiser"`` or ``"contact"`` (``CONTACT``). Admins hold no role by being admins."""
    return _permissions.acts_for(person, organisation, role)


def organisations_of(person: Person | None, role: MembershipRole | str) -> list[Organisation]:
    """The organisations ``person`` acts for in ``role``, in Swedish alphabetical order."""
    return _permissions.organisations_of(person, role)


def may_see_meeting(person: Person | None, meeting: Meeting) -> bool:
    """Whether ``meeting`` is shown to ``person`` at all (drafts and members-only meetings are not
    shown to everyone); others get "not found" for it."""
    return _queries.meeting_visible_to(meeting, person)


def meetings_visible_to(person: Person | None) -> ColumnElement[bool]:
    """``may_see_meeting`` asked of many meetings at once: a condition on ``Meeting`` rows for a
    query's ``where`` (join ``Meeting`` first), so that a list is filtered, counted and paged in
    the database rather than meeting by meeting."""
    return _queries.meetings_visible_to(person)

def may_see_needs(person: Person | None, registration: Registration) -> bool:
    """Whether ``person`` may see the food and access needs of ``registration``: the registrant
    and the meeting's organisers (and admins) only."""
    return _permissions.may_see_needs(person, registration)


def is_registered(person: Person | None, meeting: Meeting) -> bool:
    """Whether ``person`` has a confirmed place at ``meeting`` (the waiting list does not count)."""
    registration = _meetings.registration_of(meeting, person)
    return registration is not None and registration.status == RegistrationStatus.CONFIRMED


def attended(person: Person | None, meeting: Meeting) -> bool:
    """Whether ``person`` was recorded present at ``meeting``, on site or online."""
    return _attendance.attendance_for(meeting, person) is not None


# --- Reading -----------------------------------------------------------------------------------------


def get_meeting(meeting_id: int) -> Meeting | None:
    """The meeting with this id, or None. Whether someone may see it is ``may_see_meeting``."""
    return db.session.get(Meeting, meeting_id)


def get_forum(id_or_slug: int | str) -> Forum | None:
    """The forum with this id (an int) or slug (a str), or None."""
    if isinstance(id_or_slug, int):
        return db.session.get(Forum, id_or_slug)
    return db.session.scalar(select(Forum).where(Forum.slug == id_or_slug))


def get_organisation(organisation_id: int) -> Organisation | None:
    """The organisation with this id, or None (whatever its status)."""
    return db.session.get(Organisation, organisation_id)


def get_person(person_id: int) -> Person | None:
    """The person with this id, or None."""
    return db.session.get(Person, person_id)


def upcoming_public_meetings(limit: int = 10, now: datetime | None = None) -> list[Meeting]:
    """Coming meetings anyone may see (published or cancelled, not members-only), soonest first."""
    return _queries.upcoming_public_meetings(limit=limit, now=now)


MeetingFilters = _directory.MeetingFilters


def meeting_filters(args: Any) -> MeetingFilters:
    """The meetings directory's filters read from a query string (``request.args``), as the
    directory reads them: the same parameter names and values. A value that names nothing (an
    unknown municipality, a date that is no date) is listed in ``problems``, and then nothing matches."""
    return _directory.parse_filters(args)


def filtered_meetings(filters: MeetingFilters, now: datetime | None = None) -> Select:
    """The public meetings (published or cancelled, never members-only) that match ``filters``, as
    a query without order or limit: the directory's own. ``filters.for_feed()`` leaves out coming or
    past, for a list with its own time window."""
    return _directory.filtered_meetings(filters, now)


def forums_in_order() -> list[Forum]:
    """Every forum, by name."""
    return _queries.forums_in_order()


def forum_members(forum: Forum, status: ForumMemberStatus = ForumMemberStatus.MEMBER) -> list[ForumMember]:
    """The organisations of ``forum`` with ``status`` (by default its members), by name."""
    return _forum_members(forum, status)


def registration_of(meeting: Meeting, person: Person | None) -> Registration | None:
    """``person``'s registration for ``meeting`` whatever its status (cancelled too), or None."""
    return _meetings.registration_of(meeting, person)


def registrations(meeting: Meeting, status: RegistrationStatus | None = None,
                  mode: ParticipationMode | None = None) -> list[Registration]:
    """The registrations of ``meeting`` that are not cancelled: confirmed by name, then the waiting
    list in its order. ``status`` and ``mode`` narrow the list."""
    return [r for r in _attendance.active_registrations(meeting)
            if (status is None or r.status == status) and (mode is None or r.mode == mode)]


def attendance_of_meeting(meeting: Meeting) -> list[Attendance]:
    """Everyone recorded present at ``meeting`` (registered people and walk-ins), by name."""
    return _attendance.attendance_records(meeting)


def attendance_of_meetings(meetings: Iterable[Meeting]) -> dict[int, list[Attendance]]:
    """``attendance_of_meeting`` of many meetings in one query, for a list of many meetings' things
    (claims, minutes): by meeting id, each list by name; a meeting nobody attended is missing."""
    return _attendance.attendance_records_of(meeting.id for meeting in meetings)


def attendance_for(meeting: Meeting, person: Person | None) -> Attendance | None:
    """The record of ``person`` being present at ``meeting``, or None."""
    return _attendance.attendance_for(meeting, person)


def attendance_of_person(person: Person) -> list[Attendance]:
    """Every meeting ``person`` was recorded present at, earliest meeting first."""
    return _attendance.attendance_of_person(person)


def attendance_organisation(attendance: Attendance) -> str:
    """The name of the organisation someone was present for: the registered organisation's name,
    or what a walk-in gave; empty when none."""
    return _attendance.organisation_label(attendance)


# --- Recording ---------------------------------------------------------------------------------------


def record_walk_in(meeting: Meeting, name: str, organisation: Organisation | str | None = None,
                   mode: ParticipationMode | None = None, by: Person | None = None) -> Attendance:
    """Record someone present who came without a registration, as the check-in page's walk-in form
    does (the ``attendance_recorded`` hook runs, the same name twice is one walk-in), and commit.
    ``organisation`` is one from the register or the name they gave. A meeting that is not
    published, or a mode it does not offer, raises ``ValueError``."""
    try:
        return _attendance.add_walk_in(meeting, name, organisation, mode=mode, by=by).attendance
    except _attendance.CheckInRefused as refused:
        raise ValueError(str(refused)) from None


# --- Mail --------------------------------------------------------------------------------------------


def queue_mail(plugin: str, template: str, recipient: str, locale: str | None, *,
               domain: Domain | None = None, meeting: Meeting | None = None, kind: str | None = None,
               attachments: list[dict[str, str]] | None = None, **context: Any) -> OutboxMessage:
    """Queue an e-mail rendered from the plugin's templates ``<plugin>/mail/<template>.txt`` and
    ``.html``, in ``locale`` (``"sv"`` or ``"en"``; another falls back to the default language).

    With the plugin's Babel ``domain``, ``_`` in the templates translates through it. The first
    line of the text template is the subject. ``kind`` names the mail for the
    ``mail_attachments`` hook (default ``"<plugin>.<template>"``). The mail is added to the
    outbox in the caller's transaction: it is sent only when that commits.
    """
    if domain is not None:
        context.update(_template_gettext(domain))
    return _queue_mail(kind or f"{plugin}.{template}", recipient, template, locale, meeting=meeting,
                       attachments=attachments, plugin=plugin, **context)


# --- Long lists a page at a time -----------------------------------------------------------------------

Page = _paging.Page


def page_of(query: Select, page: int, page_size: int) -> Page:
    """One page of the rows of ``query`` (a ``select`` of one entity, ordered): a ``Page`` with
    ``items``, ``total``, ``page``, ``pages`` and ``page_links()``, in two queries however long the
    list. A page past the end is the last page. Show the links with the core's macro:
    ``{% from "_pagination.html" import pagination %}{{ pagination(page, page_url, label) }}``."""
    return _paging.page_of(query, page, page_size)


def parse_page(raw: str | None) -> int:
    """The page number in a query-string value (``request.args.get("page")``); anything that is not
    a positive number is 1."""
    return _paging.parse_page(raw)

def meeting_contact(meeting: Meeting) -> Contact | None:
    """Whom to ask about ``meeting``, as its page and e-mails show it: a ``Contact`` with ``name``,
    ``organisation`` (the organising body), ``email``, ``phone`` (either may be None), ``label``
    ("name, organisation") and ``tel`` (the number for a ``tel:`` link); None when there is nobody."""
    return _identity.meeting_contact(meeting)


# --- Downloads and time -------------------------------------------------------------------------


def local_time(moment: datetime | None) -> datetime | None:
    """A time stored in UTC, in the site's time zone (``TIME_ZONE``); None stays None."""
    return to_user_timezone(moment) if moment is not None else None


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The first moment of ``year`` and of the next in the site's time zone (as UTC): what
    belongs to a calendar year is ``begins <= starts_at < ends`` in a query."""
    return _followup.year_bounds(year)


def table_download(fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
                   sheet_title: str = "Data") -> Response:
    """A download of a table as ``<filename>.csv`` or ``<filename>.xlsx`` (``fmt``; 404 for
    another), the way the core's own lists are downloaded. Times in ``rows`` are given in the
    site's time zone."""
    local_rows = ([local_time(v) if isinstance(v, datetime) and v.tzinfo is not None else v for v in row]
                  for row in rows)
    return table_response(fmt, filename, headers, local_rows, sheet_title=sheet_title)
