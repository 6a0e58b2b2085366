"""Hearing about what matters to you: organisations choose subject areas and municipalities, and
their people get one e-mail per batch about new forums and public meetings that match.

News is queued as ``PendingNotification`` rows in the transaction that creates the forum or
publishes the meeting; the job ``send_interest_digests`` gathers an organisation's rows into one
e-mail per person. Rows are claimed with a conditional UPDATE in the same transaction that queues
the e-mails, so two workers, or a worker restarted half-way, never send a digest twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import or_, select, update

from ..collation import swedish_sort_key
from ..extensions import db
from ..models import (
    Forum,
    Meeting,
    MeetingStatus,
    Membership,
    Municipality,
    Organisation,
    OrganisationStatus,
    PendingNotification,
    SubjectArea,
    utcnow,
)
from .mail import queue_mail

log = logging.getLogger(__name__)

FORUM = "forum"
MEETING = "meeting"
MAIL_KIND = "interest_digest"


def queue_forum_news(forum: Forum) -> None:
    """Note a new forum for every approved organisation interested in its areas or municipalities.

    Does not commit: the news exists exactly when the forum does.
    """
    if forum.id is None:
        db.session.flush()
    _queue(FORUM, forum.id, organiser_id=forum.organiser_id,
           area_ids={area.id for area in forum.subject_areas},
           municipality_ids={municipality.id for municipality in forum.municipalities})


def queue_meeting_news(meeting: Meeting) -> None:
    """Note a published meeting for every approved organisation interested in its forum's areas,
    its municipality or its forum's municipalities. Drafts and cancelled meetings are not news.

    Does not commit: the caller's transaction (publishing the meeting) does.
    """
    if meeting.status != MeetingStatus.PUBLISHED:
        return
    if meeting.id is None:
        db.session.flush()
    forum = meeting.forum
    municipality_ids = {municipality.id for municipality in forum.municipalities}
    if meeting.municipality_id is not None:
        municipality_ids.add(meeting.municipality_id)
    _queue(MEETING, meeting.id, organiser_id=forum.organiser_id,
           area_ids={area.id for area in forum.subject_areas}, municipality_ids=municipality_ids)


def _queue(subject_type: str, subject_id: int, organiser_id: int, area_ids: set[int],
           municipality_ids: set[int]) -> None:
    interested = interested_organisation_ids(area_ids, municipality_ids) - {organiser_id}
    if not interested:
        return
    # Checked rather than left to the unique constraint, whose error would spoil the caller's transaction.
    already = set(db.session.scalars(
        select(PendingNotification.organisation_id).where(
            PendingNotification.subject_type == subject_type,
            PendingNotification.subject_id == subject_id,
            PendingNotification.organisation_id.in_(interested))))
    db.session.add_all(
        PendingNotification(organisation_id=organisation_id, subject_type=subject_type, subject_id=subject_id)
        for organisation_id in sorted(interested - already))


def interested_organisation_ids(area_ids: Iterable[int], municipality_ids: Iterable[int]) -> set[int]:
    """Approved organisations that asked to hear about any of these subject areas or municipalities."""
    area_ids, municipality_ids = list(area_ids), list(municipality_ids)
    if not area_ids and not municipality_ids:
        return set()
    return set(db.session.scalars(
        select(Organisation.id).where(
            Organisation.status == OrganisationStatus.APPROVED,
            or_(Organisation.interest_areas.any(SubjectArea.id.in_(area_ids)),
                Organisation.interest_municipalities.any(Municipality.id.in_(municipality_ids))))))


def send_interest_digests(now: datetime | None = None) -> int:
    """Queue one e-mail per person for each organisation with news; returns how many were queued.

    Runs as a job in its own session: anything uncommitted in the session is discarded. Each
    organisation is one transaction, so a failure for one leaves the others sent and its own
    news waiting for the next run.
    """
    now = now or utcnow()
    organisation_ids = db.session.scalars(
        select(PendingNotification.organisation_id).where(PendingNotification.sent_at.is_(None))
        .distinct().order_by(PendingNotification.organisation_id)).all()
    db.session.rollback()
    queued = 0
    for organisation_id in organisation_ids:
        try:
            mails = _send_digest(organisation_id, now)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("Interest digest for organisation %s not queued; it is tried again next run",
                          organisation_id)
        else:
            queued += mails
    return queued


def _send_digest(organisation_id: int, now: datetime) -> int:
    # The claim: only rows still unsent are taken, and another worker doing the same waits for
    # this transaction and then finds nothing left (PostgreSQL row locks, SQLite's write lock).
    claimed = db.session.execute(
        update(PendingNotification)
        .where(PendingNotification.organisation_id == organisation_id, PendingNotification.sent_at.is_(None))
        .values(sent_at=now)
        .returning(PendingNotification.subject_type, PendingNotification.subject_id)
        .execution_options(synchronize_session=False)).all()
    organisation = db.session.get(Organisation, organisation_id)
    if not claimed or organisation is None or organisation.status != OrganisationStatus.APPROVED:
        return 0
    forums = _current_forums([subject_id for subject_type, subject_id in claimed if subject_type == FORUM])
    meetings = _current_meetings([subject_id for subject_type, subject_id in claimed if subject_type == MEETING],
                                 now)
    if not forums and not meetings:
        return 0
    recipients = db.session.scalars(
        select(Membership).where(Membership.organisation_id == organisation_id)).all()
    for membership in recipients:
        person = membership.person
        queue_mail(MAIL_KIND, person.email, "interest_digest", locale=person.locale,
                   organisation=organisation, forums=forums, meetings=meetings)
    return len(recipients)


def _current_forums(forum_ids: list[int]) -> list[Forum]:
    if not forum_ids:
        return []
    return list(db.session.scalars(select(Forum).where(Forum.id.in_(forum_ids)).order_by(Forum.name)))


def _current_meetings(meeting_ids: list[int], now: datetime) -> list[Meeting]:
    """Meetings still worth telling about: published (not drafted again or cancelled) and not over."""
    if not meeting_ids:
        return []
    return list(db.session.scalars(
        select(Meeting).where(Meeting.id.in_(meeting_ids), Meeting.status == MeetingStatus.PUBLISHED,
                              Meeting.ends_at > now)
        .order_by(Meeting.starts_at)))


def interest_choices() -> tuple[list[SubjectArea], list[Municipality]]:
    """Every subject area and municipality an organisation can choose, in alphabetical order."""
    areas = sorted(db.session.scalars(select(SubjectArea)), key=lambda area: swedish_sort_key(area.name))
    municipalities = sorted(db.session.scalars(select(Municipality)),
                            key=lambda municipality: swedish_sort_key(municipality.name))
    return areas, municipalities


def set_interests(organisation: Organisation, subject_area_ids: Iterable[int],
                  municipality_ids: Iterable[int]) -> None:
    """Replace what ``organisation`` wants to hear about and commit. Unknown ids are ignored."""
    subject_area_ids, municipality_ids = set(subject_area_ids), set(municipality_ids)
    organisation.interest_areas = list(db.session.scalars(
        select(SubjectArea).where(SubjectArea.id.in_(subject_area_ids)))) if subject_area_ids else []
    organisation.interest_municipalities = list(db.session.scalars(
        select(Municipality).where(Municipality.id.in_(municipality_ids)))) if municipality_ids else []
    db.session.commit()
