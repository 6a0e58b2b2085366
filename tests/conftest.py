"""Shared helpers for the project's tests; the fixtures themselves come from meetings.testing."""

from __future__ import annotations

import re

import pytest

from meetings.extensions import db
from meetings.models import Membership, MembershipRole, Organisation, OrganisationKind, Person


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def sign_in_as(client, person_id: int) -> None:
    """Start a session for a person, as following a sign-in link does."""
    with client.session_transaction() as session:
        session["person_id"] = person_id


@pytest.fixture
def people(app):
    """An admin, an organiser at the region, and a representative of an association."""
    with app.app_context():
        region = Organisation(name="Region Norrbotten", kind=OrganisationKind.PUBLIC_BODY)
        association = Organisation(name="Svenska Röda Korset", kind=OrganisationKind.CIVIL_SOCIETY)
        admin = Person(email="admin@example.org", name="Ada Admin", is_admin=True)
        organiser = Person(email="officer@region.example", name="Olle Organisatör")
        representative = Person(email="rep@redcross.example", name="Rut Representant")
        db.session.add_all([region, association, admin, organiser, representative])
        db.session.flush()
        db.session.add_all([
            Membership(person=organiser, organisation=region, role=MembershipRole.ORGANISER),
            Membership(person=representative, organisation=association,
                       role=MembershipRole.REPRESENTATIVE),
        ])
        db.session.commit()
        return {"admin": admin.id, "organiser": organiser.id, "representative": representative.id,
                "region": region.id, "association": association.id}
