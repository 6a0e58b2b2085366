"""Read-only questions the pages ask; kept here so that views stay thin and rules stay in one place."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Forum, Meeting, MeetingStatus, Organisation, Person, utcnow


def upcoming_public_meetings(limit: int = 10, now: datetime | None = None) -> list[Meeting]:
    now = now or utcnow()
    return list(db.session.scalars(
        select(Meeting)
        # Cancelled meetings stay listed (marked) so that people who planned to come see it.
        .where(Meeting.status.in_([MeetingStatus.PUBLISHED, MeetingStatus.CANCELLED]), Meeting.ends_at >= now)
        .options(selectinload(Meeting.forum), selectinload(Meeting.municipality))
        .order_by(Meeting.starts_at).limit(limit)))


def meeting_visible_to(meeting: Meeting, person: Person | None) -> bool:
    """Drafts are seen only by the forum's organisers; published and cancelled meetings by all."""
    if meeting.status != MeetingStatus.DRAFT:
        return True
    return person is not None and person.organises_for(meeting.forum.organiser)


def may_see_online_link(meeting: Meeting, person: Person | None) -> bool:
    """The online link is never public. Until registration exists, only organisers see it."""
    return person is not None and person.organises_for(meeting.forum.organiser)


def forums_in_order() -> list[Forum]:
    return list(db.session.scalars(
        select(Forum).options(selectinload(Forum.organiser)).order_by(Forum.name)))


def organisations_in_order() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def meetings_of_forum(forum: Forum, person: Person | None, now: datetime | None = None
                      ) -> tuple[list[Meeting], list[Meeting]]:
    """(coming, past) meetings of a forum that ``person`` may see."""
    now = now or utcnow()
    visible = [m for m in forum.meetings if meeting_visible_to(m, person)]
    coming = [m for m in visible if m.ends_at >= now]
    past = sorted((m for m in visible if m.ends_at < now), key=lambda m: m.starts_at, reverse=True)
    return coming, past
