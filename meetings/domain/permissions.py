"""Who may see and change what. Views and templates ask here; no rule is written twice."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Forum, MembershipRole, Organisation, OrganisationStatus, Person, Registration

# The roles in which a person acts for an organisation. Representative and organiser are
# memberships (Membership.role); the contact is whoever has the organisation's contact address
# in the register (Organisation.contact_email), with or without a membership.
CONTACT = "contact"
ROLES = (MembershipRole.REPRESENTATIVE.value, MembershipRole.ORGANISER.value, CONTACT)


def curates_register(person: Person | None) -> bool:
    """Admins and organisers keep the register: they approve and may correct any entry."""
    return person is not None and (person.is_admin or person.is_organiser)


def may_see_organisation(person: Person | None, organisation: Organisation) -> bool:
    """Approved organisations are public; others only to their own people and the curators."""
    if organisation.status == OrganisationStatus.APPROVED:
        return True
    return person is not None and (curates_register(person) or person.represents(organisation))


def may_edit_organisation(person: Person | None, organisation: Organisation) -> bool:
    return person is not None and (curates_register(person) or person.represents(organisation))


def may_add_representative(person: Person | None, organisation: Organisation) -> bool:
    """The organisation's own people add colleagues; of the curators only an admin may (and is
    recorded as having done so). An organiser corrects entries but never enrols anyone, least of
    all themselves, as the representative of another organisation."""
    return person is not None and (person.is_admin or person.represents(organisation))


def may_manage_forum(person: Person | None, forum: Forum) -> bool:
    """The forum's organiser (people organising for that public body) and admins."""
    return person is not None and person.organises_for(forum.organiser)


def may_see_needs(person: Person | None, registration: Registration) -> bool:
    """Food and access needs are the registrant's own and the organisers' to see, not those of a
    colleague who holds the organisation's shared invitation link. The one rule for every page,
    download and template that shows them (templates ask ``may_see_needs(person, registration)``)."""
    return person is not None and (person.id == registration.person_id
                                   or may_manage_forum(person, registration.meeting.forum))


def may_create_forum(person: Person | None) -> bool:
    return person is not None and person.is_organiser


def may_answer_for_umbrella(person: Person | None, umbrella: Organisation) -> bool:
    """Only the umbrella's own representatives confirm who its members are; curators cannot vouch for it."""
    return person is not None and any(
        m.organisation_id == umbrella.id and m.role == MembershipRole.REPRESENTATIVE for m in person.memberships)


def acts_for(person: Person | None, organisation: Organisation, role: MembershipRole | str) -> bool:
    """Whether ``person`` acts for ``organisation`` in ``role``: "representative" or "organiser"
    (a membership with that role) or "contact" (their address is the organisation's contact
    address). Being an admin is none of these. Raises ValueError for another role."""
    role = _role(role)
    if person is None:
        return False
    if role == CONTACT:
        return organisation.contact_email is not None and organisation.contact_email == person.email
    return any(m.organisation_id == organisation.id and m.role == role for m in person.memberships)


def organisations_of(person: Person | None, role: MembershipRole | str) -> list[Organisation]:
    """The organisations ``person`` acts for in ``role`` (see ``acts_for``), by name."""
    role = _role(role)
    if person is None:
        return []
    if role == CONTACT:
        found = db.session.scalars(select(Organisation).where(Organisation.contact_email == person.email))
    else:
        found = (m.organisation for m in person.memberships if m.role == role)
    return sorted(found, key=lambda organisation: (organisation.sort_key, organisation.id))


def _role(role: MembershipRole | str) -> str:
    value = role.value if isinstance(role, MembershipRole) else role
    if value not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    return value
