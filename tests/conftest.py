"""Shared helpers for the project's tests; the fixtures themselves come from meetings.testing."""

from __future__ import annotations

import pytest

from meetings.testing import make_organisation, make_person


@pytest.fixture
def people(app):
    """An admin, an organiser at the region, and a representative of an association."""
    with app.app_context():
        region = make_organisation("Region Norrbotten", "public_body")
        association = make_organisation("Svenska Röda Korset", "civil_society")
        admin = make_person("admin@example.org", "Ada Admin", is_admin=True)
        organiser = make_person("officer@region.example", "Olle Organisatör", organises_for=region)
        representative = make_person("rep@redcross.example", "Rut Representant", represents=association)
        return {"admin": admin.id, "organiser": organiser.id, "representative": representative.id,
                "region": region.id, "association": association.id}
