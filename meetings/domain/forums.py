"""Forums: creating and editing them, who takes part, and finding whom to invite.

Every function that changes something owns its transaction: it commits, or it raises and
leaves nothing half-written. E-mails are queued in the same transaction as the change they
report. Who may call what (managers, representatives) is checked by the views through
``permissions``; the rules of the forum itself (open or closed, approved organisations only,
representatives chosen among the organisation's own people) are kept here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..collation import swedish_sort_key
from ..extensions import db
from ..models import (
    Forum,
    ForumMember,
    ForumMemberStatus,
    ForumRepresentative,
    Meeting,
    MeetingStatus,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    ParticipationLevel,
    Person,
    SubjectArea,
    utcnow,
)
from ..models.forum import forum_subject_area
from ..urls import public_url
from .interests import queue_forum_news
from .mail import queue_mail
from .paging import Page, page_count, page_of
from .queries import belongs_to_forum

SLUG_BASE_LENGTH = 100  # the column holds 120: room for "-2", "-3" …
# Paths under /forums/ that are pages of their own, not forums.
RESERVED_SLUGS = frozenset({"new"})
# The forum's page names this many member organisations and links to the paged list of them all.
MEMBERS_ON_FORUM_PAGE = 30
MEMBERS_PAGE_SIZE = 50
_TRANSLITERATE = str.maketrans({"å": "a", "ä": "a", "ö": "o", "æ": "ae", "ø": "o"})


class ForumRuleError(Exception):
    """A change the forum's rules do not allow; the message is for the user."""

    def __init__(self, message: str):
        super().__init__(str(message))
        self.message = message


class SlugTaken(ForumRuleError):
    def __init__(self) -> None:
        super().__init__(_l("Another forum already uses this web address."))


# --- web addresses ------------------------------------------------------------------------

def slugify(text: str) -> str:
    """A web address from a name: "Länspensionärsrådet" becomes "lanspensionarsradet"."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_TRANSLITERATE))
    ascii_only = folded.encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")
    return slug[:SLUG_BASE_LENGTH].rstrip("-") or "forum"


def unique_slug(name: str, forum_id: int | None = None) -> str:
    """``slugify(name)``, followed by -2, -3 … when another forum already has it."""
    base = slugify(name)
    taken = set(db.session.scalars(
        select(Forum.slug).where(or_(Forum.slug == base, Forum.slug.like(f"{base}-%")),
                                 Forum.id != (forum_id or -1))))
    taken |= RESERVED_SLUGS
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _chosen_slug(wanted: str, forum_id: int | None) -> str:
    slug = slugify(wanted)
    clash = db.session.scalar(select(Forum.id).where(Forum.slug == slug, Forum.id != (forum_id or -1)))
    if clash is not None or slug in RESERVED_SLUGS:
        raise SlugTaken()
    return slug


# --- creating and editing -----------------------------------------------------------------

@dataclass
class ForumDetails:
    """What an organiser fills in for a forum. An empty slug means: make one from the name."""

    name: str
    organiser: Organisation
    participation_level: ParticipationLevel
    description: str = ""
    slug: str = ""
    subject_areas: list[SubjectArea] = field(default_factory=list)
    municipalities: list[Municipality] = field(default_factory=list)
    membership_open: bool = True


def organisers_for(person: Person) -> list[Organisation]:
    """The organisations ``person`` may arrange forums for: their own, and for admins every public body."""
    own = {o.id: o for o in person.organisations_with_role(MembershipRole.ORGANISER)}
    if person.is_admin:
        for organisation in db.session.scalars(select(Organisation).where(
                Organisation.kind.in_([OrganisationKind.PUBLIC_BODY, OrganisationKind.MUNICIPALITY]),
                Organisation.status == OrganisationStatus.APPROVED)):
            own.setdefault(organisation.id, organisation)
    return sorted(own.values(), key=lambda o: swedish_sort_key(o.name))


def _check_organiser(person: Person, organiser: Organisation) -> None:
    if organiser.id not in {o.id for o in organisers_for(person)}:
        raise ForumRuleError(_l("You cannot arrange forums for this organisation."))


def _apply(forum: Forum, details: ForumDetails) -> None:
    forum.name = details.name.strip()
    forum.organiser = details.organiser
    forum.participation_level = details.participation_level
    forum.description = details.description.strip()
    forum.subject_areas = list(details.subject_areas)
    forum.municipalities = list(details.municipalities)
    forum.membership_open = details.membership_open


def create_forum(person: Person, details: ForumDetails, attempts: int = 3) -> Forum:
    """Create a forum and tell interested organisations about it (in one transaction)."""
    _check_organiser(person, details.organiser)
    for attempt in range(attempts):
        slug = _chosen_slug(details.slug, None) if details.slug else unique_slug(details.name)
        forum = Forum(slug=slug)
        _apply(forum, details)
        db.session.add(forum)
        try:
            db.session.flush()
            queue_forum_news(forum)
            db.session.commit()
            return forum
        except IntegrityError:
            # Someone took the same address in the meantime: choose again.
            db.session.rollback()
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def update_forum(person: Person, forum: Forum, details: ForumDetails) -> Forum:
    """Change a forum. Its address stays unless another is asked for, so links keep working."""
    if details.organiser.id != forum.organiser_id:
        _check_organiser(person, details.organiser)
    if details.slug and slugify(details.slug) != forum.slug:
        forum.slug = _chosen_slug(details.slug, forum.id)
    _apply(forum, details)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise SlugTaken() from None
    return forum


# --- the catalogue ------------------------------------------------------------------------

@dataclass(frozen=True)
class ForumFilters:
    """The catalogue's filters; None means "any"."""

    area: str | None = None  # a subject area's code
    organiser: int | None = None  # an organisation's id
    level: ParticipationLevel | None = None
    municipality: str | None = None  # a municipality's code
    membership: str | None = None  # "open" or "closed"

    @property
    def active(self) -> bool:
        return any(value is not None for value in
                   (self.area, self.organiser, self.level, self.municipality, self.membership))

    def query_args(self) -> dict[str, str]:
        """The filters in use as query-string arguments, for page links."""
        args = {"area": self.area, "organiser": str(self.organiser) if self.organiser is not None else None,
                "level": self.level.value if self.level else None, "municipality": self.municipality,
                "membership": self.membership}
        return {name: value for name, value in args.items() if value is not None}


@dataclass(frozen=True)
class CatalogueEntry:
    forum: Forum
    member_count: int
    next_meeting_at: datetime | None


CATALOGUE_PAGE_SIZE = 20


def forum_covers(municipality_codes: Sequence[str]) -> ColumnElement[bool]:
    """Forums that concern any of these municipalities (by code): those that name one of them, and
    county-wide forums. A forum that names no municipality covers the whole county, so it counts
    for every municipality. The catalogue and the meetings directory both filter with this."""
    return or_(~Forum.municipalities.any(),
               Forum.municipalities.any(Municipality.code.in_(list(municipality_codes))))


def covers_whole_county(forum: Forum) -> bool:
    """What ``forum_covers`` says of a forum that names no municipality, for its page and card."""
    return not forum.municipalities


def _catalogue_conditions(filters: ForumFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.area is not None:
        conditions.append(Forum.subject_areas.any(SubjectArea.code == filters.area))
    if filters.organiser is not None:
        conditions.append(Forum.organiser_id == filters.organiser)
    if filters.level is not None:
        conditions.append(Forum.participation_level == filters.level)
    if filters.municipality is not None:
        conditions.append(forum_covers([filters.municipality]))
    if filters.membership is not None:
        conditions.append(Forum.membership_open.is_(true() if filters.membership == "open" else false()))
    return conditions


def _catalogue_entries(conditions: Sequence[ColumnElement[bool]], now: datetime) -> list[CatalogueEntry]:
    """The forums that meet ``conditions``, with their member count and next meeting, in one query
    (plus one each for organisers, subject areas and municipalities) however many forums there are."""
    members = (select(ForumMember.forum_id, func.count().label("count"))
               .where(ForumMember.status == ForumMemberStatus.MEMBER)
               .group_by(ForumMember.forum_id).subquery())
    next_meetings = (select(Meeting.forum_id, func.min(Meeting.starts_at).label("starts_at"))
                     .where(Meeting.status == MeetingStatus.PUBLISHED, Meeting.ends_at >= now)
                     .group_by(Meeting.forum_id).subquery())
    query = (select(Forum, func.coalesce(members.c.count, 0), next_meetings.c.starts_at)
             .outerjoin(members, members.c.forum_id == Forum.id)
             .outerjoin(next_meetings, next_meetings.c.forum_id == Forum.id)
             .where(*conditions)
             .options(selectinload(Forum.organiser), selectinload(Forum.subject_areas),
                      selectinload(Forum.municipalities)))
    entries = [CatalogueEntry(forum, count, starts_at) for forum, count, starts_at in db.session.execute(query)]
    return sorted(entries, key=lambda entry: swedish_sort_key(entry.forum.name))


def forum_catalogue(filters: ForumFilters | None = None, now: datetime | None = None) -> list[CatalogueEntry]:
    """Every forum that matches, in Swedish alphabetical order."""
    return _catalogue_entries(_catalogue_conditions(filters or ForumFilters()), now or utcnow())


def catalogue_page(filters: ForumFilters | None = None, page: int = 1, page_size: int = CATALOGUE_PAGE_SIZE,
                   now: datetime | None = None) -> Page[CatalogueEntry]:
    """One page of the catalogue, in Swedish alphabetical order. A page past the end shows the last
    page, as the register does.

    Forums have no stored sort key, so the names of the matching forums (a short list: a county
    has dozens of forums, not thousands) are read and sorted here, and only the page's forums are
    loaded in full.
    """
    conditions = _catalogue_conditions(filters or ForumFilters())
    names = db.session.execute(select(Forum.id, Forum.name).where(*conditions)).all()
    ordered = [forum_id for forum_id, name in sorted(names, key=lambda row: (swedish_sort_key(row[1]), row[0]))]
    page = min(max(1, page), page_count(len(ordered), page_size))
    chosen = ordered[(page - 1) * page_size:page * page_size]
    entries = _catalogue_entries([Forum.id.in_(chosen)], now or utcnow()) if chosen else []
    position = {forum_id: index for index, forum_id in enumerate(chosen)}
    entries.sort(key=lambda entry: position[entry.forum.id])
    return Page(items=entries, total=len(ordered), page=page, page_size=page_size)


def forum_organisers() -> list[Organisation]:
    """Organisations that arrange at least one forum, for the catalogue's filter."""
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.id.in_(select(Forum.organiser_id))))
    return sorted(organisations, key=lambda o: swedish_sort_key(o.name))


def all_subject_areas() -> list[SubjectArea]:
    return sorted(db.session.scalars(select(SubjectArea)), key=lambda area: swedish_sort_key(area.name))


def all_municipalities() -> list[Municipality]:
    return sorted(db.session.scalars(select(Municipality)), key=lambda m: swedish_sort_key(m.name))


# --- who takes part -----------------------------------------------------------------------

def forum_members(forum: Forum, status: ForumMemberStatus = ForumMemberStatus.MEMBER) -> list[ForumMember]:
    members = db.session.scalars(
        select(ForumMember).where(ForumMember.forum_id == forum.id, ForumMember.status == status)
        .options(selectinload(ForumMember.organisation).selectinload(Organisation.municipalities),
                 selectinload(ForumMember.representatives).selectinload(ForumRepresentative.person)))
    return sorted(members, key=lambda member: swedish_sort_key(member.organisation.name))


@dataclass(frozen=True)
class SpeaksFor:
    """One member organisation and the names of the people who speak for it in the forum."""

    organisation: Organisation
    names: list[str]
    unnamed: int  # representatives whose name this viewer may not see, or who gave none


def who_speaks_for_whom(forum: Forum, viewer: Person | None, page: int = 1,
                        page_size: int = MEMBERS_PAGE_SIZE) -> Page[SpeaksFor]:
    """The member organisations and their representatives' names (never their addresses), by name,
    one page of them.

    A representative's name is public when they chose to show it in the register. The forum's
    managers and the people of its member organisations see every name: they meet each other.
    """
    members = page_of(
        select(ForumMember).join(ForumMember.organisation)
        .where(ForumMember.forum_id == forum.id, ForumMember.status == ForumMemberStatus.MEMBER)
        .order_by(Organisation.sort_key, Organisation.id)
        .options(selectinload(ForumMember.organisation),
                 selectinload(ForumMember.representatives).selectinload(ForumRepresentative.person)),
        page, page_size)
    sees_all = viewer is not None and (viewer.organises_for(forum.organiser) or belongs_to_forum(forum.id, viewer))
    public = set() if sees_all else _publicly_named(members.items)
    result = []
    for member in members.items:
        names, unnamed = [], 0
        for representative in member.representatives:
            person = representative.person
            if person.name and (sees_all or (person.id, member.organisation_id) in public):
                names.append(person.name)
            else:
                unnamed += 1
        result.append(SpeaksFor(member.organisation, sorted(names, key=swedish_sort_key), unnamed))
    return Page(items=result, total=members.total, page=members.page, page_size=page_size)


def _publicly_named(members: Sequence[ForumMember]) -> set[tuple[int, int]]:
    person_ids = {r.person_id for member in members for r in member.representatives}
    if not person_ids:
        return set()
    rows = db.session.execute(
        select(Membership.person_id, Membership.organisation_id)
        .where(Membership.person_id.in_(person_ids), Membership.shown_publicly.is_(true())))
    return {(person_id, organisation_id) for person_id, organisation_id in rows}


@dataclass(frozen=True)
class JoinState:
    """How a signed-in person's organisations stand towards a forum."""

    members: list[Organisation]
    pending: list[Organisation]
    may_ask: list[Organisation]  # approved, represented by the person, neither member nor waiting


def join_state(forum: Forum, person: Person | None) -> JoinState:
    if person is None:
        return JoinState([], [], [])
    own = [o for o in person.organisations_with_role(MembershipRole.REPRESENTATIVE)
           if o.status == OrganisationStatus.APPROVED and o.id != forum.organiser_id]
    statuses = _statuses(forum, [o.id for o in own])
    members = [o for o in own if statuses.get(o.id) == ForumMemberStatus.MEMBER]
    pending = [o for o in own if statuses.get(o.id) == ForumMemberStatus.REQUESTED]
    may_ask = [o for o in own if o not in members and o not in pending]
    return JoinState(members, pending, may_ask)


def _statuses(forum: Forum, organisation_ids: Iterable[int]) -> dict[int, ForumMemberStatus]:
    ids = list(organisation_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(ForumMember.organisation_id, ForumMember.status).where(
        ForumMember.forum_id == forum.id, ForumMember.organisation_id.in_(ids)))
    return {organisation_id: status for organisation_id, status in rows}


def request_to_join(forum: Forum, organisation: Organisation, person: Person) -> ForumMember:
    """An organisation asks to join an open forum; the forum's organisers get an e-mail.

    The person who asks is named as the organisation's representative in the forum; the
    organisation's people or the organiser can change that later. Asking again while a request
    is waiting changes nothing; after a refusal an organisation may ask again.
    """
    if not forum.membership_open:
        raise ForumRuleError(_l("This forum is closed: organisations join at the organiser's invitation."))
    if organisation.status != OrganisationStatus.APPROVED:
        raise ForumRuleError(_l("Only organisations approved in the register can join forums."))
    if organisation not in person.organisations_with_role(MembershipRole.REPRESENTATIVE):
        raise ForumRuleError(_l("You can only ask on behalf of an organisation you represent."))
    member = db.session.get(ForumMember, (forum.id, organisation.id))
    if member is not None and member.status == ForumMemberStatus.MEMBER:
        raise ForumRuleError(_l("%(organisation)s is already a member of this forum.",
                                organisation=organisation.name))
    if member is not None and member.status == ForumMemberStatus.REQUESTED:
        return member
    if member is None:
        member = ForumMember(forum=forum, organisation=organisation)
        db.session.add(member)
    member.status = ForumMemberStatus.REQUESTED
    member.joined_at = utcnow()
    member.decided_at = None
    member.representatives = [ForumRepresentative(forum_id=forum.id, organisation_id=organisation.id,
                                                   person=person)]
    link = public_url("forums.members", slug=forum.slug)
    _mail_people("forum_join_requested", _people_of(forum.organiser, MembershipRole.ORGANISER),
                 forum.organiser.contact_email, forum=forum, organisation=organisation, link=link)
    db.session.commit()
    return member


def decide_join_request(forum: Forum, organisation: Organisation, accept: bool) -> ForumMember:
    """Accept or decline a waiting request; the organisation's representatives get an e-mail."""
    member = db.session.get(ForumMember, (forum.id, organisation.id))
    if member is None or member.status != ForumMemberStatus.REQUESTED:
        raise ForumRuleError(_l("There is no request from %(organisation)s waiting for a decision.",
                                organisation=organisation.name))
    now = utcnow()
    member.decided_at = now
    if accept:
        member.status = ForumMemberStatus.MEMBER
        member.joined_at = now
    else:
        member.status = ForumMemberStatus.DECLINED
        member.representatives = []
    template = "forum_join_accepted" if accept else "forum_join_declined"
    _mail_people(template, _people_of(organisation, MembershipRole.REPRESENTATIVE), organisation.contact_email,
                 forum=forum, organisation=organisation,
                 link=public_url("forums.detail", slug=forum.slug))
    db.session.commit()
    return member


def add_members(forum: Forum, organisation_ids: Iterable[int]) -> list[Organisation]:
    """Make approved organisations members; returns those that were not members before.

    Adding is idempotent: members stay as they are, waiting or declined requests become
    memberships. The new members' representatives are told by e-mail.
    """
    ids = set(organisation_ids) - {forum.organiser_id}
    if not ids:
        return []
    organisations = db.session.scalars(select(Organisation).where(
        Organisation.id.in_(ids), Organisation.status == OrganisationStatus.APPROVED))
    existing = {m.organisation_id: m for m in db.session.scalars(
        select(ForumMember).where(ForumMember.forum_id == forum.id, ForumMember.organisation_id.in_(ids)))}
    now = utcnow()
    added = []
    link = public_url("forums.detail", slug=forum.slug)
    for organisation in sorted(organisations, key=lambda o: swedish_sort_key(o.name)):
        member = existing.get(organisation.id)
        if member is not None and member.status == ForumMemberStatus.MEMBER:
            continue
        if member is None:
            member = ForumMember(forum=forum, organisation=organisation)
            db.session.add(member)
        member.status = ForumMemberStatus.MEMBER
        member.joined_at = now
        member.decided_at = now
        added.append(organisation)
        _mail_people("forum_member_added", _people_of(organisation, MembershipRole.REPRESENTATIVE),
                     organisation.contact_email, forum=forum, organisation=organisation, link=link)
    db.session.commit()
    return added


def remove_member(forum: Forum, organisation: Organisation) -> bool:
    """Take an organisation out of the forum (its forum representatives go too); False if it was not in it."""
    member = db.session.get(ForumMember, (forum.id, organisation.id))
    if member is None:
        return False
    db.session.delete(member)
    db.session.commit()
    return True


def representative_choices(organisation_ids: Iterable[int]) -> dict[int, list[Person]]:
    """For each organisation, the people registered as its representatives."""
    ids = list(organisation_ids)
    choices: dict[int, list[Person]] = {organisation_id: [] for organisation_id in ids}
    if not ids:
        return choices
    memberships = db.session.scalars(
        select(Membership).where(Membership.organisation_id.in_(ids),
                                 Membership.role == MembershipRole.REPRESENTATIVE)
        .options(selectinload(Membership.person)))
    for membership in memberships:
        choices[membership.organisation_id].append(membership.person)
    for people in choices.values():
        people.sort(key=lambda p: swedish_sort_key(p.display_name))
    return choices


def set_forum_representatives(forum: Forum, organisation: Organisation, person_ids: Iterable[int]) -> list[Person]:
    """Choose who speaks for a member organisation in the forum, among its representatives."""
    member = db.session.get(ForumMember, (forum.id, organisation.id))
    if member is None or member.status != ForumMemberStatus.MEMBER:
        raise ForumRuleError(_l("%(organisation)s is not a member of this forum.", organisation=organisation.name))
    allowed = {p.id: p for p in representative_choices([organisation.id])[organisation.id]}
    wanted = set(person_ids)
    if not wanted <= set(allowed):
        raise ForumRuleError(_l("Only the organisation's own representatives can speak for it."))
    # Rows of people who stay are kept, so no row is deleted and inserted again in one flush.
    kept = [r for r in member.representatives if r.person_id in wanted]
    new = [ForumRepresentative(forum_id=forum.id, organisation_id=organisation.id, person=allowed[person_id])
           for person_id in sorted(wanted - {r.person_id for r in kept})]
    member.representatives = kept + new
    db.session.commit()
    return [allowed[person_id] for person_id in sorted(wanted)]


# --- finding whom to invite ---------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    organisation: Organisation
    took_part: bool  # has been a member of a forum on one of the chosen subject areas (any forum if none)
    status: ForumMemberStatus | None  # in this forum


def organisations_to_invite(forum: Forum, area_codes: Sequence[str] = (), municipality_codes: Sequence[str] = (),
                            never_took_part: bool = False) -> list[Candidate]:
    """Approved organisations working on any of the areas and in any of the municipalities."""
    took_part = select(ForumMember.organisation_id).where(ForumMember.status == ForumMemberStatus.MEMBER)
    if area_codes:
        took_part = (took_part.join(forum_subject_area, forum_subject_area.c.forum_id == ForumMember.forum_id)
                     .join(SubjectArea, SubjectArea.id == forum_subject_area.c.subject_area_id)
                     .where(SubjectArea.code.in_(list(area_codes))))
    query = (select(Organisation)
             .where(Organisation.status == OrganisationStatus.APPROVED, Organisation.id != forum.organiser_id)
             .options(selectinload(Organisation.subject_areas), selectinload(Organisation.municipalities)))
    if area_codes:
        query = query.where(Organisation.subject_areas.any(SubjectArea.code.in_(list(area_codes))))
    if municipality_codes:
        query = query.where(Organisation.municipalities.any(Municipality.code.in_(list(municipality_codes))))
    if never_took_part:
        query = query.where(Organisation.id.not_in(took_part))
    organisations = sorted(db.session.scalars(query), key=lambda o: swedish_sort_key(o.name))
    ids = [o.id for o in organisations]
    participants = set(db.session.scalars(took_part.where(ForumMember.organisation_id.in_(ids)))) if ids else set()
    statuses = _statuses(forum, ids)
    return [Candidate(o, o.id in participants, statuses.get(o.id)) for o in organisations]


# --- the members export -------------------------------------------------------------------

def member_rows(forum: Forum, to_local) -> list[list]:
    """One row per member organisation; ``to_local`` turns a UTC time into the local date."""
    rows = []
    for member in forum_members(forum):
        people = sorted((r.person for r in member.representatives), key=lambda p: swedish_sort_key(p.display_name))
        organisation = member.organisation
        rows.append([
            organisation.name, str(organisation.kind.label), str(organisation.level.label),
            ", ".join(m.name for m in organisation.municipalities),
            ", ".join(p.name for p in people if p.name),
            ", ".join(p.email for p in people),
            to_local(member.joined_at),
        ])
    return rows


# --- e-mail -------------------------------------------------------------------------------

def _people_of(organisation: Organisation, role: MembershipRole) -> list[Person]:
    return list(db.session.scalars(
        select(Person).join(Membership, Membership.person_id == Person.id)
        .where(Membership.organisation_id == organisation.id, Membership.role == role)
        .order_by(Person.id)))


def _mail_people(template: str, people: Sequence[Person], fallback_address: str | None, **context) -> None:
    """Mail each person in their language; an organisation without people gets it at its contact address."""
    if people:
        for person in people:
            queue_mail(template, person.email, template, person.locale, person=person, **context)
    elif fallback_address:
        queue_mail(template, fallback_address, template, None, person=None, **context)
