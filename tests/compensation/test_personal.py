"""Personal data and the yearly follow-up: the person's export and erasure, and figures without people."""

from __future__ import annotations

import json

from meetings import api
from meetings.domain.personal_data import erase_person, export_person
from meetings.testing import sign_in
from plugins.compensation import claims
from plugins.compensation.followup import sections
from plugins.compensation.models import Claim, ClaimEvent

from .test_claims import add_cost, save_payment, send_claim, start_claim


def test_the_persons_export_holds_their_claims_and_erasure_keeps_the_record_without_them(app, client, world):
    sign_in(client, world.rut)
    save_payment(client, world)
    start_claim(client, world)
    send_claim(client, world)
    with app.app_context():
        data = export_person(api.get_person(world.rut))["plugins"]["compensation"]
        json.dumps(data)
        assert data["claims_made"][0]["organisation"] == "Svenska Röda Korset Kiruna"
        assert data["claimed_as_attendee"][0]["name"] == "Rut Åström"
        erase_person(api.get_person(world.rut))
        claim = Claim.query.one()
        assert claim.state == "submitted" and claim.total_ore == 75_000  # the accounting record stays
        assert claim.claimant_id is None and "Rut" not in claim.claimant_name
        assert sorted(a.name for a in claim.attendees) == ["Bo Öberg", "–"]
        assert all("Rut" not in (e.actor + e.old + e.new) for e in ClaimEvent.query)


def test_an_erased_persons_draft_goes_with_its_receipts(app, client, world, receipt_dir):
    sign_in(client, world.rut)
    start_claim(client, world)
    assert add_cost(client, world).status_code == 302
    assert len(list(receipt_dir.iterdir())) == 1
    with app.app_context():
        erase_person(api.get_person(world.rut))
        assert Claim.query.count() == 0
    assert list(receipt_dir.iterdir()) == []


def test_follow_up_figures_per_forum_and_year_without_people(app, client, world):
    sign_in(client, world.rut)
    save_payment(client, world)
    start_claim(client, world)
    add_cost(client, world)
    send_claim(client, world)
    with app.test_request_context():
        claim = Claim.query.one()
        claims.approve(claim, api.get_person(world.organiser))
        api.db.session.commit()
        year = api.local_time(claim.meeting.starts_at).year
        [section] = sections(year, None)
        figures = list(section.figures.values())
        assert figures == [1, 1, 750.0, 0.0, 342.5, 1092.5, 10000.0]
        assert "Rut" not in section.html and "Röda Korset" not in section.html
        assert sections(year, [9999]) == []
        assert sections(year - 1, None)[0].figures[next(iter(section.figures))] == 0
