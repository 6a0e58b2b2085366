"""Read-only questions the pages ask; kept here so that views stay thin and rules stay in one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select, true
from sqlalchemy.orm import aliased, joinedload, selectinload

from ..extensions import db
from ..models import (
    Forum,
    ForumMember,
    ForumMemberStatus,
    Invitation,
    Meeting,
    MeetingStatus,
    MembershipRole,
    ParticipationMode,
    Person,
    Registration,
    RegistrationStatus,
    utcnow,
)
from .paging import Page, page_of
from .permissions import may_manage_forum

# Cancelled meetings stay listed (marked) so that people who planned to come see it.
LISTED_STATUSES = (MeetingStatus.PUBLISHED, MeetingStatus.CANCELLED)


def publicly_listed() -> ColumnElement[bool]:
    """The meetings public lists and feeds show: those ``meeting_visible_to`` shows to anyone
    (published or cancelled, not members-only). A test checks that the two agree."""
    return and_(Meeting.status.in_(LISTED_STATUSES), Meeting.members_only.is_(False))


def not_ended_soonest_first(query: Select, now: datetime) -> tuple[Select, type[Meeting]]:
    """The meetings of ``query`` (a ``select(Meeting)`` with its conditions) that have not ended,
    soonest first: the select, and the ``Meeting`` entity to give its loader options.

    The database finds them by their end (index on ``ends_at``, or ``forum_id, ends_at``) and
    sorts those few. Asked for the first few in order of start, PostgreSQL would rather walk the
    index on ``starts_at`` from the oldest meeting through the whole past; computing the coming
    meetings first (a materialised CTE) keeps the work independent of history.
    """
    coming = query.where(Meeting.ends_at >= now).cte("coming").prefix_with("MATERIALIZED")
    meeting = aliased(Meeting, coming)
    return select(meeting).order_by(meeting.starts_at, meeting.id), meeting


def upcoming_public_meetings(limit: int = 10, now: datetime | None = None) -> list[Meeting]:
    """Coming meetings anyone may see: published or cancelled, never drafts or members-only meetings."""
    coming, meeting = not_ended_soonest_first(select(Meeting).where(publicly_listed()), now or utcnow())
    return list(db.session.scalars(
        coming.options(selectinload(meeting.forum), selectinload(meeting.municipality)).limit(limit)))


def meeting_for_page(meeting_id: int) -> Meeting | None:
    """The meeting with what its page shows (forum, organiser, municipality, agenda) loaded at
    once: two queries, where loading each when first used took five."""
    return db.session.get(Meeting, meeting_id, options=[
        joinedload(Meeting.forum).joinedload(Forum.organiser), joinedload(Meeting.municipality),
        selectinload(Meeting.agenda_items)])


def meeting_visible_to(meeting: Meeting, person: Person | None) -> bool:
    """Who sees a meeting at all (others get "not found").

    The forum's managers see everything. Drafts are theirs alone. A members-only meeting is
    seen by people of the forum's member organisations, of invited organisations, by anyone
    invited by address, and by anyone registered; a public meeting by all. Lists ask the same
    question of many meetings at once with ``meetings_visible_to``.
    """
    if person is not None and may_manage_forum(person, meeting.forum):  # a visitor's request loads no forum
        return True
    if meeting.status == MeetingStatus.DRAFT:
        return False
    if not meeting.members_only:
        return True
    return person is not None and (
        belongs_to_forum(meeting.forum_id, person)
        or db.session.scalar(select(Meeting.id).where(Meeting.id == meeting.id,
                                                      _invited_or_registered(person))) is not None)


def meetings_visible_to(person: Person | None) -> ColumnElement[bool]:
    """``meeting_visible_to`` as a condition on ``Meeting`` rows, for lists filtered and paged in
    the database: the same rule, asked of every meeting at once."""
    if person is not None and person.is_admin:
        return true()
    public = and_(Meeting.status != MeetingStatus.DRAFT, Meeting.members_only.is_(False))
    if person is None:
        return public
    organised = {m.organisation_id for m in person.memberships if m.role == MembershipRole.ORGANISER}
    own = {m.organisation_id for m in person.memberships}
    managed = Meeting.forum_id.in_(select(Forum.id).where(Forum.organiser_id.in_(organised))) if organised \
        else false()
    member = Meeting.forum_id.in_(select(ForumMember.forum_id).where(
        ForumMember.status == ForumMemberStatus.MEMBER, ForumMember.organisation_id.in_(own))) if own else false()
    return or_(managed, public, and_(Meeting.status != MeetingStatus.DRAFT,
                                     or_(member, _invited_or_registered(person))))


def belongs_to_forum(forum_id: int, person: Person | None) -> bool:
    """Whether one of ``person``'s organisations is a member of the forum."""
    if person is None:
        return False
    own = {m.organisation_id for m in person.memberships}
    return bool(own) and db.session.scalar(select(ForumMember.organisation_id).where(
        ForumMember.forum_id == forum_id, ForumMember.status == ForumMemberStatus.MEMBER,
        ForumMember.organisation_id.in_(own)).limit(1)) is not None


def _invited_or_registered(person: Person) -> ColumnElement[bool]:
    """Whether ``person`` (their address or one of their organisations) is invited to the meeting
    of the row, or registered for it: a condition on ``Meeting``."""
    own = {m.organisation_id for m in person.memberships}
    invited = or_(Invitation.email == person.email, Invitation.organisation_id.in_(own)) if own \
        else Invitation.email == person.email
    return or_(
        exists().where(Invitation.meeting_id == Meeting.id, invited),
        exists().where(Registration.meeting_id == Meeting.id, Registration.person_id == person.id,
                       Registration.status != RegistrationStatus.CANCELLED))


def may_see_online_link(meeting: Meeting, person: Person | None) -> bool:
    """The online link is never on a public page. It is shown to the forum's managers, and to
    people with a confirmed place (never the waiting list) while the meeting is not cancelled.

    Confirmed registrants taking part online always see it. Those with a seat on site at a hybrid
    meeting see it too (to join from afar if they cannot travel after all), unless online places
    are limited: then they switch to online, which keeps the online limit.
    """
    if not meeting.is_online or not meeting.online_url or person is None:
        return False
    if may_manage_forum(person, meeting.forum):
        return True
    if meeting.status != MeetingStatus.PUBLISHED:
        return False
    mode = db.session.scalar(select(Registration.mode).where(
        Registration.meeting_id == meeting.id, Registration.person_id == person.id,
        Registration.status == RegistrationStatus.CONFIRMED))
    if mode is None:
        return False
    return mode == ParticipationMode.ONLINE or meeting.online_capacity is None


def online_link(meeting: Meeting, person: Person | None, registration: Registration | None = None) -> str | None:
    """The online link to show ``person``, or None: what every page, e-mail and feed shows.

    ``may_see_online_link`` decides who may see it. What is about one registration (its e-mails, its
    manage and attendance pages; give ``registration``) carries the link only while that
    registration is confirmed and taking part online, so a cancelled meeting or registration, or
    a place on site, never does.
    """
    if not may_see_online_link(meeting, person):
        return None
    if registration is not None and (registration.status != RegistrationStatus.CONFIRMED
                                     or registration.mode != ParticipationMode.ONLINE):
        return None
    return meeting.online_url


def forums_in_order() -> list[Forum]:
    return list(db.session.scalars(
        select(Forum).options(selectinload(Forum.organiser)).order_by(Forum.name)))


# A forum's coming meetings are few; this bounds the page should a forum plan very many ahead.
COMING_LIMIT = 50
PAST_PAGE_SIZE = 20


@dataclass(frozen=True)
class ForumMeetings:
    """What a forum's page lists: the coming meetings (soonest first, at most ``COMING_LIMIT``)
    and one page of the past ones, newest first."""

    coming: list[Meeting]
    more_coming: bool  # more are planned than ``coming`` holds
    past: Page[Meeting]


def meetings_of_forum(forum: Forum, person: Person | None, past_page: int = 1, now: datetime | None = None
                      ) -> ForumMeetings:
    """The meetings of ``forum`` that ``person`` may see: what is coming, and page ``past_page`` of
    the past. A few queries whatever the forum's history (indexes on forum and time)."""
    now = now or utcnow()
    visible = select(Meeting).where(Meeting.forum_id == forum.id, meetings_visible_to(person))
    coming, meeting = not_ended_soonest_first(visible, now)
    soonest = list(db.session.scalars(coming.options(selectinload(meeting.municipality)).limit(COMING_LIMIT + 1)))
    past = page_of(visible.where(Meeting.ends_at < now).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
                   .options(selectinload(Meeting.municipality)), past_page, PAST_PAGE_SIZE)
    return ForumMeetings(coming=soonest[:COMING_LIMIT], more_coming=len(soonest) > COMING_LIMIT, past=past)
