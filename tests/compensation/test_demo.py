"""`flask meetings demo` switches compensation on for two forums with claims in every state."""

from __future__ import annotations

from meetings import api
from meetings.testing import sign_in
from plugins.compensation.models import Claim, ForumRules
from tests.test_migrations import empty_database


def test_the_demo_shows_compensation_in_two_forums_with_a_claim_in_every_state(make_app, tmp_path):
    app = make_app(create_schema=False, DEMO_MODE=True, MAIL_BACKEND="demo", COMPENSATION_RECEIPT_DIR=str(tmp_path))
    empty_database(app)  # the demo command creates the tables itself
    runner = app.test_cli_runner()
    first = runner.invoke(args=["meetings", "demo"])
    assert first.exit_code == 0, first.output
    assert "6 compensation claims" in first.output
    again = runner.invoke(args=["meetings", "demo"])
    assert again.exit_code == 0 and "6 compensation claims" in again.output
    with app.app_context():
        assert {c.state for c in Claim.query} == {"draft", "submitted", "approved", "returned", "rejected", "paid"}
        assert ForumRules.query.filter_by(offered=True).count() == 2
        claim = Claim.query.filter_by(state="approved").one()
        forum_slug, meeting_id = claim.meeting.forum.slug, claim.meeting_id
        organiser = next(m.person.id for m in claim.meeting.forum.organiser.memberships
                         if m.role == api.MembershipRole.ORGANISER)
    client = app.test_client()
    sign_in(client, organiser)
    assert "Godkänd" in client.get(f"/compensation/forums/{forum_slug}").get_data(as_text=True)
    assert client.get(f"/compensation/meetings/{meeting_id}/handle").status_code == 200
