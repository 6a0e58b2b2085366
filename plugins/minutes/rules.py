"""The rules of minutes: numbering, editing with a version check, justering, revisions, extracts,
action items and the figures of the follow-up. Views call these and only show the result."""

from __future__ import annotations

import difflib
import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from meetings import api

from .i18n import _
from .models import (
    ABSENT,
    ADJUSTER,
    APPROVED,
    CHAIR,
    DRAFT,
    ON_SITE,
    ONLINE,
    PENDING,
    PUBLISHED,
    Action,
    Attendee,
    Counter,
    Extract,
    Paragraph,
    ParagraphApproval,
    Protocol,
    Revision,
    Signer,
)

# The forum's page lists the newest published minutes and links to the paged list of them all.
MINUTES_ON_FORUM_PAGE = 5
MINUTES_PAGE_SIZE = 25


db = api.db


class MinutesError(Exception):
    """A change the rules refuse, with a message for the person who tried it and, where the message
    belongs beside one field of a form, that field's name."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class StaleVersion(MinutesError):
    """Someone else saved the minutes after this editor opened them."""


# --- Numbering ------------------------------------------------------------------------------


def reserve_numbers(forum_id: int, year: int, count: int) -> list[int]:
    """Take the next ``count`` § numbers of a forum's calendar year.

    The counter row is raised by one conditional UPDATE, which the database runs for one
    transaction at a time, so two drafts numbered at once never get the same number; a year's
    first number inserts the row, and when another transaction inserted it first the unique
    primary key refuses ours and the update is tried again.
    """
    if count <= 0:
        return []
    for _attempt in range(5):
        last = db.session.execute(
            update(Counter).where(Counter.forum_id == forum_id, Counter.year == year)
            .values(last_number=Counter.last_number + count).returning(Counter.last_number)
        ).scalar_one_or_none()
        if last is not None:
            return list(range(last - count + 1, last + 1))
        try:
            with db.session.begin_nested():
                db.session.add(Counter(forum_id=forum_id, year=year, last_number=count))
            return list(range(1, count + 1))
        except IntegrityError:
            continue
    raise RuntimeError("could not number the paragraphs")  # pragma: no cover


def _local(moment: datetime) -> datetime:
    """A time in the site's time zone, also outside a request (jobs, commands)."""
    return moment.astimezone(ZoneInfo(current_app.config["TIME_ZONE"]))


def meeting_year(meeting: api.Meeting) -> int:
    """The calendar year of the meeting where it is held (the site's time zone)."""
    return _local(meeting.starts_at).year


# --- Reading --------------------------------------------------------------------------------


def protocol_of(meeting: api.Meeting) -> Protocol | None:
    return db.session.scalar(select(Protocol).where(Protocol.meeting_id == meeting.id))


def get_protocol(protocol_id: int) -> Protocol | None:
    return db.session.get(Protocol, protocol_id)


def may_read(person: api.Person | None, protocol: Protocol) -> bool:
    """Published minutes are public where the meeting is; drafts only for those who run it and its signers."""
    if may_edit(person, protocol):
        return True
    if protocol.published_at is not None:  # once published, also while a correction is made
        return api.may_see_meeting(person, protocol.meeting)
    return is_signer(person, protocol)


def may_edit(person: api.Person | None, protocol: Protocol) -> bool:
    return api.manages_meeting(person, protocol.meeting)


def is_signer(person: api.Person | None, protocol: Protocol) -> bool:
    return signer_of(person, protocol) is not None


def signer_of(person: api.Person | None, protocol: Protocol) -> Signer | None:
    if person is None:
        return None
    return next((s for s in protocol.signers if s.person_id == person.id), None)


def published_for_forum(forum: api.Forum, person: api.Person | None, page: int = 1,
                        page_size: int = MINUTES_PAGE_SIZE) -> api.Page:
    """Published minutes of ``forum`` that ``person`` may read, newest meeting first, a page of them."""
    return api.page_of(
        select(Protocol).join(Protocol.meeting)
        .where(Protocol.forum_id == forum.id, Protocol.status == PUBLISHED, api.meetings_visible_to(person))
        .order_by(api.Meeting.starts_at.desc(), Protocol.id.desc()).options(contains_eager(Protocol.meeting)),
        page, page_size)


def pending_for(person: api.Person) -> list[Protocol]:
    """Minutes waiting for ``person``'s confirmation as chair or justerare."""
    return list(db.session.scalars(
        select(Protocol).join(Signer).where(Protocol.status == PENDING, Signer.person_id == person.id,
                                            Signer.approved_at.is_(None))))


# --- Starting and editing --------------------------------------------------------------------


def start_minutes(meeting: api.Meeting, person: api.Person | None) -> Protocol:
    """Minutes of ``meeting`` from its agenda (one § per item) and its recorded attendance."""
    existing = protocol_of(meeting)
    if existing is not None:
        return existing
    protocol = Protocol(meeting=meeting, forum_id=meeting.forum.id, place=_place(meeting),
                        secretary_id=person.id if person else None,
                        secretary_name=person.display_name if person else "")
    db.session.add(protocol)
    for attendance in api.attendance_of_meeting(meeting):
        protocol.attendees.append(Attendee(
            person_id=attendance.person.id if attendance.person else None, name=attendance.name,
            organisation_id=attendance.organisation.id if attendance.organisation else None,
            organisation_name=api.attendance_organisation(attendance),
            mode=ONLINE if attendance.mode == api.ParticipationMode.ONLINE else ON_SITE))
    items = list(meeting.agenda_items) or [None]
    year = meeting_year(meeting)
    numbers = reserve_numbers(meeting.forum.id, year, len(items))
    for number, item in zip(numbers, items, strict=True):
        protocol.paragraphs.append(Paragraph(
            forum_id=meeting.forum.id, year=year, number=number,
            title=item.title if item is not None else meeting.title))
    db.session.flush()
    return protocol


def _place(meeting: api.Meeting) -> str:
    if not meeting.has_venue:
        return ""
    return ", ".join(p for p in (meeting.venue_name, meeting.venue_address) if p)


def _check_version(protocol: Protocol, version: int | None) -> None:
    if version is not None and version != protocol.version:
        raise StaleVersion(_("Someone else saved these minutes after you opened them. Your text is kept "
                             "below: compare it with the saved version and save again."))


def _check_editable(protocol: Protocol) -> None:
    if protocol.status != DRAFT:
        raise MinutesError(_("These minutes are not a draft: they change only through a correction."))


def _bump(protocol: Protocol, version: int | None) -> None:
    """Raise the version, refusing the change when another editor raised it since ``version``.

    The conditional UPDATE makes the check hold for two saves at the same moment too.
    """
    expected = protocol.version if version is None else version
    changed = db.session.execute(update(Protocol).where(Protocol.id == protocol.id, Protocol.version == expected)
                                 .values(version=expected + 1)).rowcount
    if changed != 1:
        db.session.rollback()
        raise StaleVersion(_("Someone else saved these minutes after you opened them. Your text is kept "
                             "below: compare it with the saved version and save again."))
    db.session.refresh(protocol)


@dataclass
class Header:
    place: str
    secretary: api.Person | None
    chair: api.Person
    adjusters: list[api.Person]


def save_header(protocol: Protocol, header: Header, version: int | None) -> None:
    _check_editable(protocol)
    _check_version(protocol, version)
    people = [header.chair, *header.adjusters]
    if not 1 <= len(header.adjusters) <= 2:
        raise MinutesError(_("Name one or two justerare."), field="adjuster1")
    if len({p.id for p in people}) != len(people):
        raise MinutesError(_("The chair and the justerare must be different people."), field="adjuster1")
    protocol.place = header.place.strip()
    protocol.secretary_id = header.secretary.id if header.secretary else None
    protocol.secretary_name = header.secretary.display_name if header.secretary else ""
    protocol.signers.clear()
    db.session.flush()
    protocol.signers.append(Signer(person_id=header.chair.id, name=header.chair.display_name, role=CHAIR))
    for person in header.adjusters:
        protocol.signers.append(Signer(person_id=person.id, name=person.display_name, role=ADJUSTER))
    _bump(protocol, version)


@dataclass
class AttendeeRow:
    id: int | None
    name: str
    organisation: str
    mode: str


def save_attendees(protocol: Protocol, rows: list[AttendeeRow], version: int | None) -> None:
    """The present list as edited: each row kept, changed, noted absent, or new; a row without a name goes."""
    _check_editable(protocol)
    _check_version(protocol, version)
    by_id = {a.id: a for a in protocol.attendees}
    for row in rows:
        if row.mode not in (ON_SITE, ONLINE, ABSENT):
            raise MinutesError(_("Choose on site, online or absent."))
        attendee = by_id.get(row.id) if row.id else None
        if not row.name.strip():
            if attendee is not None:
                protocol.attendees.remove(attendee)
            continue
        if attendee is None:
            attendee = Attendee(name=row.name.strip())
            protocol.attendees.append(attendee)
        if attendee.name != row.name.strip():
            attendee.name, attendee.person_id = row.name.strip(), None
        if attendee.organisation_name != row.organisation.strip():
            attendee.organisation_name, attendee.organisation_id = row.organisation.strip(), None
        attendee.mode = row.mode
    _bump(protocol, version)


def add_paragraph(protocol: Protocol, title: str) -> Paragraph:
    _check_editable(protocol)
    if not title.strip():
        raise MinutesError(_("Give the paragraph a heading."))
    [number] = reserve_numbers(protocol.forum_id, meeting_year(protocol.meeting), 1)
    paragraph = Paragraph(forum_id=protocol.forum_id, year=meeting_year(protocol.meeting), number=number,
                          title=title.strip())
    protocol.paragraphs.append(paragraph)
    _bump(protocol, None)
    return paragraph


@dataclass
class ParagraphText:
    title: str
    case_number: str
    discussion: str
    decision: str
    immediate: bool
    speaker_ids: list[int]


def save_paragraph(paragraph: Paragraph, text: ParagraphText, version: int | None) -> None:
    protocol = paragraph.protocol
    _check_editable(protocol)
    if paragraph.immediate_approved_at is not None:
        raise MinutesError(_("This paragraph was approved at the meeting and can no longer change."))
    _check_version(protocol, version)
    if not text.title.strip():
        raise MinutesError(_("Give the paragraph a heading."))
    paragraph.title = text.title.strip()
    paragraph.case_number = text.case_number.strip()
    paragraph.discussion = text.discussion.strip()
    paragraph.decision = text.decision.strip()
    paragraph.immediate = text.immediate
    paragraph.speakers = [o for o in (api.get_organisation(i) for i in text.speaker_ids) if o is not None]
    _bump(protocol, version)


def add_action(paragraph: Paragraph, what: str, who: api.Person | api.Organisation | None,
               due: date | None) -> Action:
    if paragraph.is_locked:
        raise MinutesError(_("These minutes are not a draft: they change only through a correction."))
    if not what.strip():
        raise MinutesError(_("Say what is to be done."))
    if who is None:
        raise MinutesError(_("Choose who is to do it."))
    action = Action(what=what.strip(), due=due)
    if isinstance(who, api.Organisation):
        action.organisation, action.who_name = who, who.name
    else:
        action.person, action.who_name = who, who.display_name
    paragraph.actions.append(action)
    _bump(paragraph.protocol, None)
    return action


def set_action_done(action: Action, done: bool) -> None:
    """Action items are followed up after approval too: their status is not part of the record."""
    action.done_at = api.utcnow() if done else None
    db.session.flush()


# --- Justering ------------------------------------------------------------------------------


def send_for_approval(protocol: Protocol) -> None:
    _check_editable(protocol)
    if protocol.chair is None or not protocol.adjusters:
        raise MinutesError(_("Name the chair and one or two justerare before sending the minutes for approval."))
    protocol.status = PENDING
    protocol.sent_at = api.utcnow()
    protocol.reminded_at = None
    for signer in protocol.signers:
        signer.approved_at = None
        if signer.person is not None:
            api.queue_mail("minutes", "approval_requested", signer.person.email, signer.person.locale,
                           domain=_domain(), meeting=protocol.meeting, protocol=protocol, signer=signer)
    _bump(protocol, None)


def back_to_draft(protocol: Protocol) -> None:
    if protocol.status != PENDING:
        raise MinutesError(_("Only minutes waiting for approval can be taken back."))
    protocol.status = DRAFT
    for signer in protocol.signers:
        signer.approved_at = None
    _bump(protocol, None)


def approve(protocol: Protocol, person: api.Person | None) -> Signer:
    """``person`` confirms the minutes as chair or justerare; the last confirmation approves them."""
    signer = signer_of(person, protocol)
    if signer is None:
        raise MinutesError(_("Only the chair and the named justerare can approve these minutes."))
    if protocol.status != PENDING:
        raise MinutesError(_("These minutes are not waiting for approval."))
    if signer.approved_at is not None:
        raise MinutesError(_("You have already approved these minutes."))
    signer.approved_at = api.utcnow()
    if all(s.approved_at is not None for s in protocol.signers):
        # A correction of published minutes is published as soon as it is approved.
        protocol.status = PUBLISHED if protocol.published_at is not None else APPROVED
        protocol.approved_at = signer.approved_at
        if protocol.revisions and protocol.revisions[-1].approved_at is None:
            revision = protocol.revisions[-1]
            revision.after_text = protocol_text(protocol)
            revision.approved_at = signer.approved_at
            revision.approved_by = "\n".join(f"{s.name} ({_local(s.approved_at):%Y-%m-%d %H:%M})"
                                              for s in protocol.signers)
    db.session.flush()
    return signer


def approve_paragraph(paragraph: Paragraph, person: api.Person | None) -> None:
    """Omedelbar justering: the chair and the justerare confirm one paragraph at the meeting."""
    protocol = paragraph.protocol
    signer = signer_of(person, protocol)
    if signer is None:
        raise MinutesError(_("Only the chair and the named justerare can approve these minutes."))
    if not paragraph.immediate or protocol.status != DRAFT:
        raise MinutesError(_("This paragraph is not up for approval at the meeting."))
    if any(a.signer_id == signer.id for a in paragraph.approvals):
        raise MinutesError(_("You have already approved this paragraph."))
    paragraph.approvals.append(ParagraphApproval(signer_id=signer.id, approved_at=api.utcnow()))
    db.session.flush()
    if {a.signer_id for a in paragraph.approvals} >= {s.id for s in protocol.signers}:
        paragraph.immediate_approved_at = api.utcnow()
    db.session.flush()


def publish(protocol: Protocol) -> None:
    if protocol.status != APPROVED:
        raise MinutesError(_("Only approved minutes can be published."))
    protocol.status = PUBLISHED
    protocol.published_at = protocol.published_at or api.utcnow()
    db.session.flush()


def start_correction(protocol: Protocol, reason: str, person: api.Person | None) -> Revision:
    """A correction of approved minutes: a new revision, editable as a draft and approved again."""
    if protocol.status not in (APPROVED, PUBLISHED):
        raise MinutesError(_("Only approved minutes are corrected; a draft is simply edited."))
    if not reason.strip():
        raise MinutesError(_("Say what is to be corrected and why."))
    revision = Revision(number=protocol.revision + 1, reason=reason.strip(), before_text=protocol_text(protocol),
                        started_by=person.display_name if person else "")
    protocol.revisions.append(revision)
    protocol.revision += 1
    protocol.status = DRAFT
    protocol.approved_at = None
    for signer in protocol.signers:
        signer.approved_at = None
    _bump(protocol, None)
    return revision


def was_published(protocol: Protocol) -> bool:
    return protocol.published_at is not None


def protocol_text(protocol: Protocol) -> str:
    """The minutes' paragraphs as plain text, to show what a correction changed."""
    lines = []
    for p in protocol.paragraphs:
        lines.append(f"§ {p.number} {p.title}")
        if p.case_number:
            lines.append(f"Dnr {p.case_number}")
        lines += [line for line in p.discussion.splitlines() if line.strip()]
        lines += [line for line in p.decision.splitlines() if line.strip()]
        lines += [f"- {a.what} ({a.who_name})" for a in p.actions]
    return "\n".join(lines)


def changes(revision: Revision) -> list[tuple[str, str]]:
    """What a correction changed: ("removed" | "added", line) pairs."""
    out = []
    for line in difflib.unified_diff(revision.before_text.splitlines(), revision.after_text.splitlines(),
                                     lineterm="", n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        out.append(("removed" if line.startswith("-") else "added", line[1:]))
    return out


# --- Extracts -------------------------------------------------------------------------------


def extractable(protocol: Protocol) -> list[Paragraph]:
    """Paragraphs that may go out as an extract: those of approved minutes, or approved at the meeting."""
    return [p for p in protocol.paragraphs if protocol.is_locked or p.immediate_approved_at is not None]


def send_extract(protocol: Protocol, paragraphs: list[Paragraph], people: list[api.Person],
                 organisations: list[api.Organisation], pdf: bytes, sender: api.Person | None) -> Extract:
    if any(p not in extractable(protocol) for p in paragraphs):
        raise MinutesError(_("Only approved paragraphs can be sent as an extract."))
    if not paragraphs:
        raise MinutesError(_("Choose at least one paragraph."))
    recipients: list[tuple[str, str, str | None]] = []
    for person in people:
        recipients.append((person.display_name, person.email, person.locale))
    for organisation in organisations:
        if not organisation.contact_email:
            raise MinutesError(_("%(name)s has no contact address in the register.", name=organisation.name))
        recipients.append((organisation.name, organisation.contact_email, None))
    if not recipients:
        raise MinutesError(_("Choose at least one person or organisation to send the extract to."))
    import base64

    numbers = ", ".join(f"§ {p.number}" for p in paragraphs)
    attachment = {"filename": f"protokollsutdrag-{protocol.meeting.forum.slug}-{paragraphs[0].year}.pdf",
                  "content_type": "application/pdf", "encoding": "base64",
                  "content": base64.b64encode(pdf).decode("ascii")}
    for _name, address, locale in recipients:
        api.queue_mail("minutes", "extract", address, locale, domain=_domain(), meeting=protocol.meeting,
                       protocol=protocol, paragraphs=paragraphs, numbers=numbers, attachments=[attachment])
    extract = Extract(paragraphs=numbers, recipients="\n".join(name for name, _a, _l in recipients),
                      sent_by=sender.display_name if sender else "")
    protocol.extracts.append(extract)
    db.session.flush()
    return extract


def _domain():
    from .i18n import domain

    return domain


# --- Action items and organisations ----------------------------------------------------------


def actions_of_forum(forum: api.Forum) -> list[Action]:
    return list(db.session.scalars(
        select(Action).join(Action.paragraph).join(Paragraph.protocol)
        .where(Protocol.forum_id == forum.id).order_by(Action.done_at.is_not(None), Action.due, Action.id)
        .options(contains_eager(Action.paragraph).contains_eager(Paragraph.protocol)
                 .selectinload(Protocol.meeting))))


def public_paragraphs_of_organisation(organisation: api.Organisation, person: api.Person | None
                                      ) -> list[Paragraph]:
    """Published paragraphs where ``organisation`` spoke or was given an action, of meetings
    ``person`` may see."""
    spoke = select(Paragraph.id).join(Paragraph.speakers).where(api.Organisation.id == organisation.id)
    acted = select(Action.paragraph_id).where(Action.organisation_id == organisation.id)
    return list(db.session.scalars(
        select(Paragraph).join(Paragraph.protocol).join(Protocol.meeting)
        .where(Protocol.status == PUBLISHED, api.meetings_visible_to(person))
        .where(Paragraph.id.in_(spoke) | Paragraph.id.in_(acted))
        .order_by(Paragraph.year.desc(), Paragraph.number.desc())
        .options(contains_eager(Paragraph.protocol).contains_eager(Protocol.meeting).selectinload(api.Meeting.forum),
                 selectinload(Paragraph.actions))))


# --- Reminders ------------------------------------------------------------------------------


def send_reminders(now: datetime, approval_days: int, action_days: int) -> int:
    """Remind signers of minutes not approved within ``approval_days`` and those given an action
    due within ``action_days``; each item is claimed (its reminded_at set) before its mail is queued."""
    sent = 0
    late = db.session.scalars(select(Protocol).where(Protocol.status == PENDING, Protocol.reminded_at.is_(None),
                                                     Protocol.sent_at <= now - timedelta(days=approval_days)))
    for protocol in list(late):
        claimed = db.session.execute(update(Protocol).where(Protocol.id == protocol.id,
                                                            Protocol.reminded_at.is_(None))
                                     .values(reminded_at=now)).rowcount
        if claimed != 1:
            continue
        for signer in protocol.signers:
            if signer.approved_at is None and signer.person is not None:
                api.queue_mail("minutes", "approval_reminder", signer.person.email, signer.person.locale,
                               domain=_domain(), meeting=protocol.meeting, protocol=protocol, signer=signer)
                sent += 1
    today = _local(now).date()
    due = db.session.scalars(select(Action).where(Action.done_at.is_(None), Action.reminded_at.is_(None),
                                                  Action.due.is_not(None),
                                                  Action.due <= today + timedelta(days=action_days)))
    for action in list(due):
        claimed = db.session.execute(update(Action).where(Action.id == action.id, Action.reminded_at.is_(None))
                                     .values(reminded_at=now)).rowcount
        if claimed != 1:
            continue
        address, locale = None, None
        if action.person is not None:
            address, locale = action.person.email, action.person.locale
        elif action.organisation is not None:
            address = action.organisation.contact_email
        if address:
            api.queue_mail("minutes", "action_reminder", address, locale, domain=_domain(),
                           meeting=action.paragraph.protocol.meeting, action=action)
            sent += 1
    db.session.commit()
    return sent


# --- Follow-up ------------------------------------------------------------------------------


def followup_figures(year: int, forum_ids: list[int] | None) -> dict[str, float | int]:
    begins, ends = api.year_bounds(year)
    query = (select(Protocol).join(Protocol.meeting)
             .where(Protocol.published_at.is_not(None), api.Meeting.starts_at >= begins, api.Meeting.starts_at < ends)
             .options(contains_eager(Protocol.meeting),
                      selectinload(Protocol.paragraphs).selectinload(Paragraph.actions)))
    if forum_ids is not None:
        query = query.where(Protocol.forum_id.in_(forum_ids))
    protocols = list(db.session.scalars(query))
    paragraphs = [q for p in protocols for q in p.paragraphs]
    actions = [a for q in paragraphs for a in q.actions]
    days = [(p.approved_at - p.meeting.starts_at).total_seconds() / 86400 for p in protocols if p.approved_at]
    return {
        "published": len(protocols),
        "paragraphs": len(paragraphs),
        "actions_done": sum(1 for a in actions if a.done_at),
        "actions_open": sum(1 for a in actions if not a.done_at),
        "median_days": round(statistics.median(days), 1) if days else 0,
    }


# --- Personal data --------------------------------------------------------------------------


def person_export(person: api.Person) -> dict | None:
    attendees = db.session.scalars(select(Attendee).where(Attendee.person_id == person.id))
    signers = db.session.scalars(select(Signer).where(Signer.person_id == person.id))
    actions = db.session.scalars(select(Action).where(Action.person_id == person.id))
    data = {
        "present_at": [{"meeting": a.protocol.meeting.title, "name": a.name, "organisation": a.organisation_name,
                        "mode": a.mode} for a in attendees],
        "signed_as": [{"meeting": s.protocol.meeting.title, "role": s.role,
                       "approved_at": s.approved_at.isoformat() if s.approved_at else None} for s in signers],
        "action_items": [{"what": a.what, "due": a.due.isoformat() if a.due else None,
                          "done": a.done_at is not None} for a in actions],
        "secretary_of": [p.meeting.title for p in db.session.scalars(
            select(Protocol).where(Protocol.secretary_id == person.id))],
    }
    return data if any(data.values()) else None


def erase(person: api.Person) -> None:
    """Drafts forget the person; minutes once approved are public records and keep the name as
    written, unlinked from the account (and so from the e-mail address)."""
    def is_record(protocol: Protocol) -> bool:
        return protocol.approved_at is not None or protocol.published_at is not None or bool(protocol.revisions)

    for attendee in list(db.session.scalars(select(Attendee).where(Attendee.person_id == person.id))):
        if is_record(attendee.protocol):
            attendee.person_id = None
        else:
            db.session.delete(attendee)
    for signer in list(db.session.scalars(select(Signer).where(Signer.person_id == person.id))):
        if is_record(signer.protocol):
            signer.person_id = None
        else:
            db.session.delete(signer)
    for action in list(db.session.scalars(select(Action).where(Action.person_id == person.id))):
        if is_record(action.paragraph.protocol):
            action.person_id = None
        else:
            db.session.delete(action)
    for protocol in db.session.scalars(select(Protocol).where(Protocol.secretary_id == person.id)):
        protocol.secretary_id = None
        if not is_record(protocol):
            protocol.secretary_name = ""
    db.session.flush()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))
