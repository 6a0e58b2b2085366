"""Pages for one person: no cache keeps them, and the shared invitation link shows each colleague's
food and access needs only to that colleague and the organisers."""

from __future__ import annotations

from sqlalchemy import select

from meetings.extensions import db
from meetings.models import Person, Registration
from meetings.testing import sign_in, submit_form
from tests.test_invitations import ANNA, BERTIL, ENGLISH, invite_members, make_scenario, post_answer, token_for

NEEDS = ("Vegetarisk", "Hörslinga")


def answered(app, client):
    scenario = make_scenario(app)
    invite_members(app, scenario, seats=3)
    token = token_for(app, scenario, scenario.red_cross)
    assert post_answer(client, token, "yes", [ANNA, BERTIL]).status_code == 302
    return scenario, token


def test_whoever_holds_the_shared_link_does_not_see_a_colleagues_needs(app, client):
    scenario, token = answered(app, client)
    colleague = app.test_client()
    page = colleague.get(f"/invitation/{token}", headers=ENGLISH).get_data(as_text=True)
    assert "Anna Andersson" in page
    assert not any(need in page for need in NEEDS)

    # Anna, signed in, sees her own; the forum's organiser sees everyone's.
    with app.app_context():
        anna = db.session.scalar(select(Person.id).where(Person.email == "anna@redcross.example"))
    for who in (anna, scenario.organiser):
        viewer = app.test_client()
        sign_in(viewer, who)
        assert all(need in viewer.get(f"/invitation/{token}", headers=ENGLISH).get_data(as_text=True)
                   for need in NEEDS)


def test_answering_again_through_the_link_keeps_needs_it_did_not_show(app, client):
    scenario, token = answered(app, client)
    colleague = app.test_client()
    answer = submit_form(colleague, f"/invitation/{token}", action=f"/invitation/{token}", headers=ENGLISH)
    assert answer.status_code == 302
    with app.app_context():
        anna = db.session.scalar(select(Registration).join(Registration.person)
                                 .where(Person.email == "anna@redcross.example"))
        assert (anna.dietary_needs, anna.access_needs) == NEEDS


def test_pages_behind_secret_links_or_with_personal_data_are_not_stored(app, client, people):
    scenario, token = answered(app, client)
    visitor = app.test_client()
    assert "no-store" in visitor.get(f"/invitation/{token}").headers["Cache-Control"]
    assert "no-store" in visitor.get("/sign-in/not-a-real-token").headers["Cache-Control"]
    assert "no-store" not in visitor.get("/forums").headers.get("Cache-Control", "")
    sign_in(visitor, people["representative"])
    for page in ("/account", "/forums", "/"):
        assert "no-store" in visitor.get(page).headers["Cache-Control"], page


def test_an_error_listing_the_lines_typed_escapes_them(app, client):
    from meetings.models import Meeting

    scenario = make_scenario(app)
    sign_in(client, scenario.organiser)
    typed = '<script>alert(1)</script>'
    response = submit_form(client, f"/meetings/{scenario.meeting}/invitations", {"emails-emails": typed},
                           action=f"/meetings/{scenario.meeting}/invitations/emails", headers=ENGLISH)
    html = response.get_data(as_text=True)
    assert "These lines are not e-mail addresses" in html
    assert typed not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    with app.app_context():
        assert db.session.get(Meeting, scenario.meeting) is not None
