"""Meetings as iCalendar (RFC 5545 with the RFC 7986 additions), written for real clients.

What the clients need, and why it is done this way:
- One UID per meeting for ever, and SEQUENCE = the meeting's sequence, which rises when time or
  place changes: clients then replace the entry they have instead of adding a second one.
- Times in UTC: every client understands them, and no VTIMEZONE can be wrong.
- Cancelled meetings stay in the feed with STATUS:CANCELLED *and* a title that says so, because
  Outlook ignores the status.
- X-WR-CALNAME comes before the first event (Outlook reads it only there); REFRESH-INTERVAL and
  X-PUBLISHED-TTL tell clients how often to look again.
- The online link is put in CONFERENCE and also in DESCRIPTION, since Outlook, Apple Calendar and
  Thunderbird do not show CONFERENCE; it is only ever written for a reader who may see it.
- icalendar writes CRLF line ends, folds lines at 75 octets and encodes UTF-8 without a BOM.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit

from flask import current_app
from flask_babel import force_locale
from icalendar import Calendar, Event, vCalAddress, vText, vUri
from sqlalchemy import Select, func, or_, select
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.orm import Session, selectinload

from meetings.api import MeetingFilters, filtered_meetings
from meetings.domain import queries
from meetings.domain.identity import meeting_contact
from meetings.extensions import db
from meetings.i18n import babel_locale
from meetings.models import (
    Forum,
    Invitation,
    Meeting,
    MeetingStatus,
    Membership,
    Person,
    Registration,
    RegistrationStatus,
    utcnow,
)
from meetings.urls import public_url

from .i18n import _

# Past meetings stay in feeds for half a year (people look back); cancelled ones are kept as long
# as any other, so every client that refreshes sees the cancellation.
FEED_HISTORY = timedelta(days=183)
REFRESH = timedelta(hours=1)
# A rendered feed is reused until a meeting in it changes; this bounds how long a renamed forum
# or organiser can show its old name.
CACHE_SECONDS = 600
CACHE_SIZE = 128
# How long one process trusts a feed's fingerprint before asking the database again. Changes made
# in this process are seen at once (see _note_meeting_changes); other processes' within seconds.
FINGERPRINT_SECONDS = 5.0
FEED_STATUSES = (MeetingStatus.PUBLISHED, MeetingStatus.CANCELLED)


@dataclass(frozen=True)
class RenderedFeed:
    body: bytes
    etag: str
    last_modified: datetime | None
    # The body compressed once, when rendered, for the clients that accept gzip (calendar clients
    # do): a 3 MB feed is then about 300 KB on the wire, and no request compresses it again.
    gzipped: bytes


def compress(body: bytes) -> bytes:
    # mtime=0: the same body always compresses to the same bytes.
    return gzip.compress(body, compresslevel=6, mtime=0)


class FeedCache:
    """A small LRU of rendered feeds, per process, keyed by what the feed shows."""

    def __init__(self, size: int = CACHE_SIZE):
        self.size = size
        self.entries: OrderedDict[tuple, tuple[float, RenderedFeed]] = OrderedDict()
        self.lock = threading.Lock()

    def get_or_render(self, key: tuple, render: Callable[[], RenderedFeed]) -> RenderedFeed:
        now = time.monotonic()
        with self.lock:
            found = self.entries.get(key)
            if found is not None and now - found[0] < CACHE_SECONDS:
                self.entries.move_to_end(key)
                return found[1]
        feed = render()
        with self.lock:
            self.entries[key] = (now, feed)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return feed

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


cache = FeedCache()
_generation = 0
_fingerprints: dict[tuple, tuple[float, int, tuple]] = {}
_fingerprint_lock = threading.Lock()


@sqlalchemy_event.listens_for(Session, "after_flush")
def _note_meeting_changes(session, flush_context) -> None:
    global _generation
    if any(isinstance(item, Meeting) for item in (*session.new, *session.dirty, *session.deleted)):
        _generation += 1


# --- Which meetings a feed shows -------------------------------------------------------------


def _in_window(query: Select, now: datetime) -> Select:
    return query.where(Meeting.status.in_(FEED_STATUSES), Meeting.ends_at >= now - FEED_HISTORY)


def public_meetings(filters: MeetingFilters | None = None, forum: Forum | None = None,
                    now: datetime | None = None) -> Select:
    """Published and cancelled meetings anyone may see (members-only meetings never) within the
    feed's window, chosen by the meetings directory's ``filters`` (their coming or past is left
    out: the window is the feed's own)."""
    now = now or utcnow()
    query = _in_window(filtered_meetings((filters or MeetingFilters()).for_feed(), now), now)
    if forum is not None:
        query = query.where(Meeting.forum_id == forum.id)
    return query


def filters_key(filters: MeetingFilters) -> tuple:
    """The filters as a hashable part of a cache key: every filter the feed applies."""
    return tuple(sorted((name, tuple(value) if isinstance(value, list) else value)
                        for name, value in filters.query_args(when=False).items()))


def personal_meetings(person: Person, now: datetime | None = None) -> Select:
    """Meetings the person is registered for (confirmed or waiting) or invited to."""
    now = now or utcnow()
    registered = select(Registration.meeting_id).where(
        Registration.person_id == person.id,
        Registration.status.in_([RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]))
    represented = select(Membership.organisation_id).where(Membership.person_id == person.id)
    invited = select(Invitation.meeting_id).where(
        or_(Invitation.email == person.email, Invitation.organisation_id.in_(represented)))
    return _in_window(select(Meeting).where(or_(Meeting.id.in_(registered), Meeting.id.in_(invited))), now)


def fingerprint(query: Select) -> tuple:
    """Changes whenever a meeting in the feed is added, removed or edited (``updated_at``)."""
    subquery = query.with_only_columns(Meeting.id, Meeting.updated_at).subquery()
    count, newest, ids = db.session.execute(
        select(func.count(), func.max(subquery.c.updated_at), func.sum(subquery.c.id))).one()
    return count, newest, ids


def recent_fingerprint(key: tuple, query: Select) -> tuple:
    """``fingerprint(query)``, asked of the database at most every few seconds per feed."""
    now, generation = time.monotonic(), _generation
    with _fingerprint_lock:
        known = _fingerprints.get(key)
    if known is not None and known[1] == generation and now - known[0] < FINGERPRINT_SECONDS:
        return known[2]
    value = fingerprint(query)
    with _fingerprint_lock:
        if len(_fingerprints) > CACHE_SIZE * 4:
            _fingerprints.clear()
        _fingerprints[key] = (now, generation, value)
    return value


def load(query: Select) -> list[Meeting]:
    # Sorted here, not by the database: asked for an order by start, SQLite walks the index on
    # starts_at through every meeting ever held instead of finding the window by its end.
    meetings = db.session.scalars(
        query.options(selectinload(Meeting.forum).selectinload(Forum.organiser),
                      selectinload(Meeting.municipality)))
    return sorted(meetings, key=lambda meeting: (meeting.starts_at, meeting.id))


# --- Writing iCalendar ---------------------------------------------------------------------------


def uid(meeting: Meeting) -> str:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"meeting-{meeting.id}@{host}"


def location(meeting: Meeting) -> str:
    if not meeting.has_venue:
        return _("Online")
    parts = [meeting.venue_name, meeting.venue_address, meeting.municipality.name if meeting.municipality else ""]
    return ", ".join(part for part in parts if part)


def title(meeting: Meeting) -> str:
    if meeting.status == MeetingStatus.CANCELLED:
        return _("Cancelled: %(title)s", title=meeting.title)
    return meeting.title


def organizer(meeting: Meeting) -> vCalAddress:
    """The organising body, reached at the meeting's contact address (``meeting_contact``)."""
    contact = meeting_contact(meeting)
    address = vCalAddress(f"mailto:{contact.email if contact and contact.email else current_app.config['MAIL_FROM']}")
    address.params["CN"] = vText(meeting.forum.organiser.name)
    return address


def contact_line(meeting: Meeting) -> str | None:
    """The meeting's contact as RFC 5545's CONTACT: one line of name, address and phone."""
    contact = meeting_contact(meeting)
    if contact is None:
        return None
    return ", ".join(part for part in (contact.label, contact.email, contact.phone) if part)


def meeting_event(meeting: Meeting, online_url: str | None) -> Event:
    """One VEVENT. ``online_url`` is given only when the reader may see the link."""
    page = public_url("meetings.detail", meeting_id=meeting.id)
    event = Event()
    event.add("uid", uid(meeting))
    event.add("sequence", meeting.sequence)
    # The time the meeting's information last changed, so that an unchanged feed is unchanged
    # byte for byte (and its ETag stays valid).
    event.add("dtstamp", meeting.updated_at)
    event.add("created", meeting.created_at)
    event.add("last-modified", meeting.updated_at)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", title(meeting))
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    event.add("location", location(meeting))
    event.add("url", page, parameters={"VALUE": "URI"})
    event.add("organizer", organizer(meeting))
    if (contact := contact_line(meeting)) is not None:
        event.add("contact", contact)
    event.add("categories", [meeting.forum.name])
    lines = []
    if meeting.status == MeetingStatus.CANCELLED:
        lines.append(_("This meeting has been cancelled."))
    lines.append(_("Forum: %(forum)s", forum=meeting.forum.name))
    if meeting.description:
        lines += ["", meeting.description.strip()]
    if online_url:
        lines += ["", _("Join online: %(url)s", url=online_url)]
        conference = vUri(online_url)
        event.add("conference", conference, parameters={"VALUE": "URI", "FEATURE": "VIDEO",
                                                        "LABEL": _("Join online")})
    elif meeting.is_online:
        lines += ["", _("The link to take part online is sent to those who register.")]
    lines += ["", _("More about the meeting: %(url)s", url=page)]
    event.add("description", "\n".join(lines))
    return event


def calendar(name: str, description: str, events: Iterable[Event], method: str | None = "PUBLISH") -> Calendar:
    cal = Calendar()
    cal.add("prodid", f"-//Dialogue meetings//{urlsplit(current_app.config['BASE_URL']).hostname}//")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    # Before any event: Outlook reads the calendar's name only there.
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    cal.add("x-wr-caldesc", description)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for event in events:
        cal.add_component(event)
    return cal


def render_feed(meetings: list[Meeting], name: str, description: str, language: str,
                viewer: Person | None = None) -> RenderedFeed:
    with force_locale(babel_locale(language)):
        events = [meeting_event(m, queries.online_link(m, viewer)) for m in meetings]
        body = calendar(name, description, events).to_ical()
    newest = max((m.updated_at for m in meetings), default=None)
    return RenderedFeed(body=body, etag=hashlib.sha256(body).hexdigest()[:32], last_modified=newest,
                        gzipped=compress(body))


def cached_feed(key: tuple, query: Select, name: Callable[[], str], description: Callable[[], str],
                language: str, viewer: Person | None = None) -> RenderedFeed:
    """The feed for ``query``, rendered once and reused until one of its meetings changes."""
    full_key = (*key, language, viewer.id if viewer else None, recent_fingerprint(key, query))

    def render() -> RenderedFeed:
        with force_locale(babel_locale(language)):
            feed_name, feed_description = name(), description()
        return render_feed(load(query), feed_name, feed_description, language, viewer)

    return cache.get_or_render(full_key, render)


def feed_links(endpoint: str, **values) -> dict[str, str]:
    """A feed's address as https (to paste) and as webcal (a link that opens the calendar program)."""
    https = public_url(endpoint, **values)
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def meeting_file(meeting: Meeting, language: str, viewer: Person | None) -> RenderedFeed:
    """One meeting's calendar file, rendered once for each version of the meeting, language and
    online link shown (the one rule, ``queries.online_link``, says which, if any, this viewer gets)."""
    link = queries.online_link(meeting, viewer)
    key = ("meeting", meeting.id, meeting.updated_at, language, link)
    return cache.get_or_render(key, lambda: render_feed([meeting], meeting.title, meeting.forum.name, language,
                                                        viewer=viewer))


def _utc_stamp(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(meeting: Meeting) -> str:
    """A link that opens Google Calendar with the meeting filled in (no link to join online: the
    page may be seen by others than the registered)."""
    query = {"action": "TEMPLATE", "text": meeting.title,
             "dates": f"{_utc_stamp(meeting.starts_at)}/{_utc_stamp(meeting.ends_at)}",
             "details": public_url("meetings.detail", meeting_id=meeting.id), "location": location(meeting)}
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_calendar_url(meeting: Meeting) -> str:
    """The same for Outlook on the web (work and school accounts as well as outlook.com)."""
    query = {"path": "/calendar/action/compose", "rru": "addevent", "subject": meeting.title,
             "startdt": meeting.starts_at.astimezone(UTC).isoformat(),
             "enddt": meeting.ends_at.astimezone(UTC).isoformat(),
             "body": public_url("meetings.detail", meeting_id=meeting.id), "location": location(meeting)}
    return "https://outlook.office.com/calendar/0/deeplink/compose?" + urlencode(query)
