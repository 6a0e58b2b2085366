"""Read-only questions the pages ask; kept here so that views stay thin and rules stay in one place."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import (
    Forum,
    ForumMember,
    ForumMemberStatus,
    Invitation,
    Meeting,
    MeetingStatus,
    ParticipationMode,
    Person,
    Registration,
    RegistrationStatus,
    utcnow,
)
from .permissions import may_manage_forum


def upcoming_public_meetings(limit: int = 10, now: datetime | None = None) -> list[Meeting]:
    """Coming meetings anyone may see: published or cancelled, never drafts or members-only meetings."""
    now = now or utcnow()
    return list(db.session.scalars(
        select(Meeting)
        # Cancelled meetings stay listed (marked) so that people who planned to come see it.
        .where(Meeting.status.in_([MeetingStatus.PUBLISHED, MeetingStatus.CANCELLED]), Meeting.ends_at >= now,
               Meeting.members_only.is_(False))
        .options(selectinload(Meeting.forum), selectinload(Meeting.municipality))
        .order_by(Meeting.starts_at).limit(limit)))


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
    invited by address, and by anyone registered; a public meeting by all.
    """
    if person is not None and may_manage_forum(person, meeting.forum):  # a visitor's request loads no forum
        return True
    if meeting.status == MeetingStatus.DRAFT:
        return False
    if not meeting.members_only:
        return True
    return person is not None and _member_invited_or_registered(meeting, person)


def _member_invited_or_registered(meeting: Meeting, person: Person) -> bool:
    own = {m.organisation_id for m in person.memberships}
    if own and db.session.scalar(select(ForumMember.organisation_id).where(
            ForumMember.forum_id == meeting.forum_id, ForumMember.status == ForumMemberStatus.MEMBER,
            ForumMember.organisation_id.in_(own)).limit(1)) is not None:
        return True
    invited = or_(Invitation.email == person.email, Invitation.organisation_id.in_(own)) if own \
        else Invitation.email == person.email
    if db.session.scalar(select(Invitation.id).where(Invitation.meeting_id == meeting.id, invited).limit(1)):
        return True
    return db.session.scalar(select(Registration.id).where(
        Registration.meeting_id == meeting.id, Registration.person_id == person.id,
        Registration.status != RegistrationStatus.CANCELLED)) is not None


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


def meetings_of_forum(forum: Forum, person: Person | None, now: datetime | None = None
                      ) -> tuple[list[Meeting], list[Meeting]]:
    """(coming, past) meetings of a forum that ``person`` may see."""
    now = now or utcnow()
    visible = [m for m in forum.meetings if meeting_visible_to(m, person)]
    coming = [m for m in visible if m.ends_at >= now]
    past = sorted((m for m in visible if m.ends_at < now), key=lambda m: m.starts_at, reverse=True)
    return coming, past
