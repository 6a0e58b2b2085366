"""Following up input: action items per forum and organisation, reminders before the due date, the
organisation's panel, figures for the yearly report, and personal data."""

from __future__ import annotations

from datetime import date, timedelta

from meetings.domain.personal_data import erase_person, export_person
from meetings.extensions import db
from meetings.models import Person, utcnow
from meetings.plugins import hook
from meetings.testing import sign_in, submit_form
from plugins.minutes import rules
from plugins.minutes.models import Action, Attendee, Signer

from . import flows
from .test_pdf_and_extract import published

EN = {"Accept-Language": "en"}


def add_action(client, app, world, who, due):
    with app.app_context():
        paragraph = flows.protocol(world).paragraphs[2].id
    page = f"{flows.manage_url(world)}/paragraphs/{paragraph}"
    return submit_form(client, page, {"what": f"Uppdrag till {who}", "who": who, "due": due},
                       action=page + "/actions")


def test_action_items_are_followed_up_per_forum_and_shown_on_the_organisations_page(app, client, world, send_mail):
    flows.start(client, world)
    soon = (date.today() + timedelta(days=2)).isoformat()
    later = (date.today() + timedelta(days=30)).isoformat()
    add_action(client, app, world, f"o:{world['red_cross']}", soon)
    add_action(client, app, world, f"p:{world['bo']}", later)
    with app.app_context():
        paragraph = flows.protocol(world).paragraphs[1].id
    flows.edit_paragraph(client, world, paragraph, speakers=[str(world["rf_sisu"])])

    before = len(send_mail())
    with app.app_context():
        assert rules.send_reminders(utcnow(), 7, 3) == 1
        assert rules.send_reminders(utcnow(), 7, 3) == 0
    assert [m["To"] for m in send_mail()[before:]] == ["rodakorset@example.org"]

    listing = client.get("/forums/lanspartnerskapet/actions", headers=EN)
    assert listing.status_code == 200
    with app.app_context():
        action = db.session.query(Action).filter_by(who_name="Svenska Röda Korset").one().id
    token = listing.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/forums/lanspartnerskapet/actions", data={"csrf_token": token, "action": action,
                                                                      "done": "1"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Action, action).done_at is not None

    other = app.test_client()
    sign_in(other, world["other_organiser"])
    assert other.get("/forums/lanspartnerskapet/actions").status_code == 403

    # Drafts say nothing on an organisation's page; published minutes do.
    anonymous = app.test_client()
    assert "Uppdrag till" not in anonymous.get(f"/organisations/{world['red_cross']}").get_data(as_text=True)


def test_the_organisations_page_shows_paragraphs_where_it_spoke_or_was_given_an_action(app, client, world):
    flows.start(client, world)
    add_action(client, app, world, f"o:{world['red_cross']}", "")
    protocol_id = published(client, app, world)
    anonymous = app.test_client()
    page = anonymous.get(f"/organisations/{world['red_cross']}", headers=EN).get_data(as_text=True)
    assert "§ 3 Handlingsplan" in page
    assert "Uppdrag till o:" in page
    assert f"/minutes/{protocol_id}#p" in page


def test_followup_figures_are_aggregates_per_year(app, client, world):
    flows.start(client, world)
    add_action(client, app, world, f"o:{world['red_cross']}", "")
    published(client, app, world)
    with app.test_request_context(headers=EN):
        year = rules.meeting_year(flows.protocol(world).meeting)
        [section] = [s for result in hook().followup_sections(year=year, forum_ids=None) for s in result
                     if "Minutes" in s.heading]
        figures = section.figures
        assert figures["Minutes published"] == 1
        assert figures["Paragraphs"] == 3
        assert (figures["Action items done"], figures["Action items open"]) == (0, 1)
        assert 0 <= figures["Median days from meeting to approved minutes"] <= 3
        [other_forum] = [s for result in hook().followup_sections(year=year, forum_ids=[999]) for s in result
                         if "Minutes" in s.heading]
        assert other_forum.figures["Minutes published"] == 0
        assert "Anna" not in section.html and "Röda" not in section.html


def test_personal_data_is_exported_and_drafts_erased_but_approved_minutes_kept(app, client, world):
    published(client, app, world)
    with app.test_request_context():
        anna = db.session.get(Person, world["anna"])
        data = export_person(anna)["plugins"]["minutes"]
        assert data["present_at"][0]["organisation"] == "Svenska Röda Korset"
        assert data["signed_as"][0]["role"] == "adjuster"
        erase_person(anna)
        db.session.commit()
        # The approved protocol is a public record: the name stays, the link to the account goes.
        assert db.session.query(Signer).filter_by(name="Anna Andersson").one().person_id is None
        assert db.session.query(Attendee).filter_by(name="Anna Andersson").one().person_id is None


def test_a_drafts_entries_of_an_erased_person_are_removed(app, client, world):
    flows.start(client, world)
    flows.name_signers(client, world)
    with app.test_request_context():
        bo = db.session.get(Person, world["bo"])
        erase_person(bo)
        db.session.commit()
        assert db.session.query(Attendee).filter_by(name="Bo Berg").count() == 0
        assert db.session.query(Signer).filter_by(name="Bo Berg").count() == 0
