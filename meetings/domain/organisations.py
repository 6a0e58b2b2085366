"""Joining the register and keeping an entry: registration, confirmation, approval, editing,
representatives and umbrella membership.

A self-registered organisation goes UNCONFIRMED → PENDING (its contact address was confirmed
through a registration link, and whoever followed the link became its representative) →
APPROVED (an admin or organiser approved it; only now is it public). Every function here owns
its transaction: it commits, or rolls back and raises, so nothing is ever half-written.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import (
    Level,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Person,
    SignInToken,
    SubjectArea,
    search_key,
    utcnow,
)
from ..urls import public_url
from .auth import hash_token, normalise_email
from .mail import queue_mail
from .permissions import may_add_representative

# Long enough for a volunteer who reads the association's mail at the weekend.
REGISTRATION_LINK_LIFETIME = timedelta(hours=48)


class DuplicateOrganisation(Exception):
    """The register already has this organisation: ``field`` ("name" or "org_number") matched ``existing``."""

    def __init__(self, field: str, existing: Organisation):
        self.field = field
        self.existing = existing
        super().__init__(f"{field} already registered")


class RepresentativeError(Exception):
    """A change to an organisation's representatives that the rules do not allow."""


class AlreadyRepresentative(RepresentativeError):
    pass


class NotAllowed(RepresentativeError):
    """The person may not add representatives to this organisation."""


class LastRepresentative(RepresentativeError):
    pass


class UmbrellaError(Exception):
    """The chosen umbrella cannot be one: not approved, not civil society, itself, or a loop."""


# --- duplicates ---------------------------------------------------------------------------

NAME_LENGTH = Organisation.__table__.c.name.type.length

def same_name(name: str, exclude_id: int | None = None) -> Organisation | None:
    """An organisation whose name equals ``name`` ignoring case (å, ä and ö included) and spacing."""
    if len(name) > NAME_LENGTH:
        return None  # no stored name is that long; and the database would refuse so long a pattern
    key = search_key(name)
    if not key:
        return None
    # search_text starts with the folded name, so the database narrows the candidates.
    query = select(Organisation).where(Organisation.search_text.startswith(key, autoescape=True))
    if exclude_id is not None:
        query = query.where(Organisation.id != exclude_id)
    for candidate in db.session.scalars(query.order_by(Organisation.id)):
        if search_key(candidate.name) == key:
            return candidate
    return None


def same_org_number(org_number: str | None, exclude_id: int | None = None) -> Organisation | None:
    if not org_number:
        return None
    query = select(Organisation).where(Organisation.org_number == org_number)
    if exclude_id is not None:
        query = query.where(Organisation.id != exclude_id)
    return db.session.scalar(query)


def find_duplicates(name: str, org_number: str | None, exclude_id: int | None = None
                    ) -> dict[str, Organisation]:
    """Entries that clash with ``name`` or ``org_number``, by field, so a form can mark each field."""
    found = {}
    if (existing := same_org_number(org_number, exclude_id)) is not None:
        found["org_number"] = existing
    if (existing := same_name(name, exclude_id)) is not None:
        found["name"] = existing
    return found


def _refuse_duplicates(name: str, org_number: str | None, exclude_id: int | None = None) -> None:
    for field, existing in find_duplicates(name, org_number, exclude_id).items():
        raise DuplicateOrganisation(field, existing)


def _write_unique(organisation: Organisation, *, commit: bool = True) -> None:
    """Commit (or only flush); a clash on the organisation number with a concurrent change is
    reported as a duplicate, with everything rolled back."""
    org_number = organisation.org_number  # a rollback expires it
    try:
        db.session.commit() if commit else db.session.flush()
    except IntegrityError:
        db.session.rollback()
        existing = same_org_number(org_number)
        if existing is None:
            raise
        raise DuplicateOrganisation("org_number", existing) from None


# --- registration ------------------------------------------------------------------------

def curators() -> list[Person]:
    """Everyone who approves registrations: admins and organisers."""
    organises = exists().where(Membership.person_id == Person.id, Membership.role == MembershipRole.ORGANISER)
    return list(db.session.scalars(select(Person).where(or_(Person.is_admin, organises)).order_by(Person.id)))


def representatives_of(organisation: Organisation) -> list[Membership]:
    return sorted((m for m in organisation.memberships if m.role == MembershipRole.REPRESENTATIVE),
                  key=lambda m: (m.person.display_name.casefold(), m.id))


def register_organisation(*, name: str, contact_email: str, registrant_name: str,
                          subject_areas: Sequence[SubjectArea], municipalities: Sequence[Municipality],
                          level: Level, locale: str, org_number: str | None = None, description: str = "",
                          registrant: Person | None = None, now: datetime | None = None) -> Organisation:
    """Add a civil-society organisation to the register, not yet public.

    The contact address gets a link that confirms it (48 hours). When the signed-in ``registrant``
    gives their own address, it is already confirmed: they become the representative at once and
    the entry goes straight to the approval queue. Raises DuplicateOrganisation.
    """
    now = now or utcnow()
    contact_email = normalise_email(contact_email)
    name = " ".join(name.split())
    _purge_expired_registrations(now)
    _refuse_duplicates(name, org_number)
    organisation = Organisation(
        name=name, kind=OrganisationKind.CIVIL_SOCIETY, status=OrganisationStatus.UNCONFIRMED,
        contact_email=contact_email, level=level, org_number=org_number or None,
        description=description.strip(), subject_areas=list(subject_areas),
        municipalities=list(municipalities), created_at=now)
    db.session.add(organisation)
    _write_unique(organisation, commit=False)
    if registrant is not None and registrant.email == contact_email:
        _make_pending(organisation, registrant, registrant_name)
    else:
        _send_confirmation_link(organisation, registrant_name, locale, now)
    db.session.commit()
    return organisation


def _send_confirmation_link(organisation: Organisation, registrant_name: str, locale: str, now: datetime) -> None:
    token = secrets.token_urlsafe(32)
    db.session.add(SignInToken(
        token_hash=hash_token(token), email=organisation.contact_email, organisation_id=organisation.id,
        person_name=registrant_name.strip()[:200] or None, created_at=now,
        expires_at=now + REGISTRATION_LINK_LIFETIME,
        next_path=url_for("organisation_admin.edit", organisation_id=organisation.id)))
    known = db.session.scalar(select(Person).where(Person.email == organisation.contact_email))
    queue_mail("organisation_confirm_registration", organisation.contact_email,
               "organisation_confirm_registration", locale=(known.locale if known and known.locale else locale),
               organisation=organisation, link=public_url("auth.confirm", token=token),
               hours=int(REGISTRATION_LINK_LIFETIME.total_seconds() // 3600))


def confirm_registration(token: SignInToken, person: Person) -> bool:
    """Part of following a registration link (``domain.auth.use_token``, which commits).

    The organisation awaits approval, ``person`` becomes its representative and the curators
    hear of it. False when the organisation no longer exists.
    """
    organisation = db.session.get(Organisation, token.organisation_id)
    if organisation is None:
        return False
    if organisation.status == OrganisationStatus.UNCONFIRMED:
        _make_pending(organisation, person, token.person_name or "")
    return True


def _make_pending(organisation: Organisation, person: Person, registrant_name: str) -> None:
    if not person.name and registrant_name.strip():
        person.name = registrant_name.strip()[:200]
    organisation.status = OrganisationStatus.PENDING
    if not person.represents(organisation):
        db.session.add(Membership(person=person, organisation=organisation, role=MembershipRole.REPRESENTATIVE))
    db.session.flush()
    review = public_url("organisation_admin.pending")
    for curator in curators():
        queue_mail("organisation_awaiting_approval", curator.email, "organisation_awaiting_approval",
                   locale=curator.locale, organisation=organisation, link=review)


def _purge_expired_registrations(now: datetime) -> int:
    """Forget registrations whose confirmation link ran out unused: the address was never confirmed."""
    expired = select(Organisation.id).where(Organisation.status == OrganisationStatus.UNCONFIRMED,
                                            Organisation.created_at < now - REGISTRATION_LINK_LIFETIME)
    ids = list(db.session.scalars(expired))
    if ids:
        # Explicitly, as SQLite does not enforce ON DELETE CASCADE unless asked to.
        db.session.execute(delete(SignInToken).where(SignInToken.organisation_id.in_(ids)))
        for organisation in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids))):
            db.session.delete(organisation)
        db.session.flush()
    return len(ids)


def purge_expired_registrations(now: datetime | None = None) -> int:
    """The job's entry point: removes expired, never-confirmed registrations and commits."""
    count = _purge_expired_registrations(now or utcnow())
    db.session.commit()
    return count


# --- approval ----------------------------------------------------------------------------

def pending_registrations() -> list[Organisation]:
    """The approval queue: awaiting approval first, then those whose address is not yet confirmed."""
    waiting = select(Organisation).where(
        Organisation.status.in_([OrganisationStatus.PENDING, OrganisationStatus.UNCONFIRMED]))
    found = db.session.scalars(waiting.order_by(Organisation.created_at, Organisation.id))
    return sorted(found, key=lambda o: o.status != OrganisationStatus.PENDING)


def approve_organisation(organisation: Organisation, now: datetime | None = None) -> bool:
    """Make a confirmed registration public and tell its representatives.

    False when it was not awaiting approval (approved already by someone else, or its address
    is not confirmed yet); the compare-and-set means two curators never both approve.
    """
    now = now or utcnow()
    result = db.session.execute(
        update(Organisation).where(Organisation.id == organisation.id,
                                   Organisation.status == OrganisationStatus.PENDING)
        .values(status=OrganisationStatus.APPROVED, approved_at=now))
    if result.rowcount != 1:
        db.session.rollback()
        return False
    db.session.refresh(organisation)
    link = public_url("organisations.detail", organisation_id=organisation.id)
    for membership in representatives_of(organisation):
        queue_mail("organisation_approved", membership.person.email, "organisation_approved",
                   locale=membership.person.locale, organisation=organisation, link=link,
                   edit_link=public_url("organisation_admin.edit", organisation_id=organisation.id))
    db.session.commit()
    return True


def reject_organisation(organisation: Organisation, reason: str = "") -> bool:
    """Remove a registration that is not approved; its representatives are told why.

    False for an approved organisation: a public entry is not removed from the approval queue.
    """
    if organisation.status == OrganisationStatus.APPROVED:
        return False
    name = organisation.name
    for membership in representatives_of(organisation):
        queue_mail("organisation_rejected", membership.person.email, "organisation_rejected",
                   locale=membership.person.locale, name=name, reason=reason.strip(),
                   register_link=public_url("organisation_admin.register"))
    db.session.execute(delete(SignInToken).where(SignInToken.organisation_id == organisation.id))
    # Members of a rejected "umbrella" simply have none.
    db.session.execute(update(Organisation).where(Organisation.umbrella_id == organisation.id)
                       .values(umbrella_id=None, umbrella_confirmed=False))
    db.session.delete(organisation)
    db.session.commit()
    return True


# --- editing -----------------------------------------------------------------------------

def update_organisation(organisation: Organisation, *, name: str, contact_email: str | None,
                        description: str, website: str | None, subject_areas: Sequence[SubjectArea],
                        municipalities: Sequence[Municipality], level: Level, icnpo_group: int | None,
                        org_number: str | None, kind: OrganisationKind | None = None) -> None:
    """Save an entry. ``kind`` is changed only when given (the view gives it for curators only).

    Raises DuplicateOrganisation, with nothing changed.
    """
    name = " ".join(name.split())
    _refuse_duplicates(name, org_number, exclude_id=organisation.id)
    organisation.name = name
    organisation.contact_email = normalise_email(contact_email) if contact_email else None
    organisation.description = description.strip()
    organisation.website = website or None
    organisation.subject_areas = list(subject_areas)
    organisation.municipalities = list(municipalities)
    organisation.level = level
    organisation.icnpo_group = icnpo_group
    organisation.org_number = org_number or None
    if kind is not None:
        organisation.kind = kind
    _write_unique(organisation)


# --- representatives ---------------------------------------------------------------------

def add_representative(organisation: Organisation, *, email: str, name: str, added_by: Person,
                       title: str = "") -> Membership:
    """Make someone a representative, creating their account if needed, and tell them by e-mail.

    Raises NotAllowed unless ``added_by`` may (permissions.may_add_representative), and
    AlreadyRepresentative when the address already acts for the organisation. An admin acting for
    an organisation not their own is recorded on the membership.
    """
    if not may_add_representative(added_by, organisation):
        raise NotAllowed(added_by)
    email = normalise_email(email)
    person = db.session.scalar(select(Person).where(Person.email == email))
    if person is None:
        person = Person(email=email, name=name.strip()[:200])
        db.session.add(person)
    elif person.represents(organisation):
        raise AlreadyRepresentative(email)
    elif not person.name and name.strip():
        person.name = name.strip()[:200]
    membership = Membership(person=person, organisation=organisation, role=MembershipRole.REPRESENTATIVE,
                            title=title.strip()[:120],
                            added_by=None if added_by.represents(organisation) else added_by)
    db.session.add(membership)
    queue_mail("organisation_representative_added", email, "organisation_representative_added",
               locale=person.locale or added_by.locale, organisation=organisation,
               added_by=added_by.display_name, sign_in_link=public_url("auth.sign_in"),
               page_link=public_url("organisation_admin.edit", organisation_id=organisation.id))
    try:
        db.session.commit()
    except IntegrityError:  # the same person added twice at once
        db.session.rollback()
        raise AlreadyRepresentative(email) from None
    return membership


def remove_representative(membership: Membership) -> None:
    """Take a representative off; never the last one, so every entry keeps someone who answers for it."""
    organisation = membership.organisation
    # Locked (on PostgreSQL) so that two people removing each other cannot leave nobody.
    db.session.refresh(organisation, with_for_update=True)
    others = [m for m in representatives_of(organisation) if m.id != membership.id]
    if membership.role != MembershipRole.REPRESENTATIVE or not others:
        db.session.rollback()
        raise LastRepresentative(organisation.id)
    db.session.delete(membership)
    db.session.commit()


def update_own_listing(membership: Membership, *, shown_publicly: bool, title: str) -> None:
    """A representative chooses whether the public register shows their name, and with which title."""
    membership.shown_publicly = shown_publicly
    membership.title = title.strip()[:120]
    db.session.commit()


# --- umbrella organisations ---------------------------------------------------------------

def umbrella_choices(organisation: Organisation) -> list[Organisation]:
    """Organisations ``organisation`` may name as its umbrella: public civil-society entries, no loops."""
    candidates = db.session.scalars(
        select(Organisation).where(Organisation.status == OrganisationStatus.APPROVED,
                                   Organisation.kind == OrganisationKind.CIVIL_SOCIETY,
                                   Organisation.id != organisation.id)
        .order_by(Organisation.name))
    return [c for c in candidates if not _is_under(c, organisation)]


def _is_under(candidate: Organisation, organisation: Organisation) -> bool:
    """Whether ``organisation`` is ``candidate``'s umbrella, or its umbrella's, and so on."""
    seen: set[int] = set()
    current = candidate.umbrella
    while current is not None and current.id not in seen:
        if current.id == organisation.id:
            return True
        seen.add(current.id)
        current = current.umbrella
    return False


def request_umbrella_membership(organisation: Organisation, umbrella: Organisation) -> None:
    """Say ``organisation`` is a member of ``umbrella``; shown once the umbrella's representatives confirm."""
    if umbrella.id not in {c.id for c in umbrella_choices(organisation)}:
        raise UmbrellaError(umbrella.id)
    if organisation.umbrella_id == umbrella.id:
        return  # asked already; a second click sends no second mail
    organisation.umbrella = umbrella
    organisation.umbrella_confirmed = False
    link = public_url("organisation_admin.umbrella", organisation_id=umbrella.id)
    for membership in representatives_of(umbrella):
        queue_mail("organisation_umbrella_request", membership.person.email, "organisation_umbrella_request",
                   locale=membership.person.locale, organisation=organisation, umbrella=umbrella, link=link)
    db.session.commit()


def leave_umbrella(organisation: Organisation) -> None:
    organisation.umbrella = None
    organisation.umbrella_confirmed = False
    db.session.commit()


def member_requests(umbrella: Organisation) -> tuple[list[Organisation], list[Organisation]]:
    """(waiting for confirmation, confirmed) organisations that name ``umbrella`` as theirs."""
    members = sorted(umbrella.umbrella_members, key=lambda o: o.name.casefold())
    return [m for m in members if not m.umbrella_confirmed], [m for m in members if m.umbrella_confirmed]


def answer_umbrella_request(umbrella: Organisation, member: Organisation, *, confirm: bool) -> bool:
    """The umbrella confirms a member, or declines (or ends) the membership; the member is told.

    False when ``member`` no longer names ``umbrella`` (it left, or someone else answered first).
    """
    values = {"umbrella_confirmed": True} if confirm else {"umbrella_id": None, "umbrella_confirmed": False}
    result = db.session.execute(
        update(Organisation).where(Organisation.id == member.id, Organisation.umbrella_id == umbrella.id)
        .values(**values))
    if result.rowcount != 1:
        db.session.rollback()
        return False
    db.session.refresh(member)
    for membership in representatives_of(member):
        queue_mail("organisation_umbrella_answer", membership.person.email, "organisation_umbrella_answer",
                   locale=membership.person.locale, organisation=member, umbrella=umbrella, confirmed=confirm,
                   link=public_url("organisation_admin.umbrella", organisation_id=member.id))
    db.session.commit()
    return True
