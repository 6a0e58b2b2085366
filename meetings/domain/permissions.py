"""Who may see and change what. Views and templates ask here; no rule is written twice."""

from __future__ import annotations

from ..models import Forum, MembershipRole, Organisation, OrganisationStatus, Person, Registration


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
    colleague who holds the organisation's shared invitation link."""
    return person is not None and (person.id == registration.person_id
                                   or may_manage_forum(person, registration.meeting.forum))


def may_create_forum(person: Person | None) -> bool:
    return person is not None and person.is_organiser


def may_answer_for_umbrella(person: Person | None, umbrella: Organisation) -> bool:
    """Only the umbrella's own representatives confirm who its members are; curators cannot vouch for it."""
    return person is not None and any(
        m.organisation_id == umbrella.id and m.role == MembershipRole.REPRESENTATIVE for m in person.memberships)
