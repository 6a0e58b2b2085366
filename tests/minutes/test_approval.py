"""Justering: the chair and both justerare approve signed in, each once; a paragraph approved at
the meeting; approved minutes locked; a correction as a new revision; reminders."""

from __future__ import annotations

from datetime import timedelta

from meetings.extensions import db
from meetings.models import utcnow
from meetings.testing import sign_in, submit_form
from plugins.minutes import rules

from . import flows

EN = {"Accept-Language": "en"}


def ready(client, app, world):
    flows.start(client, world)
    flows.name_signers(client, world)
    with app.app_context():
        paragraph = flows.protocol(world).paragraphs[1].id
    flows.edit_paragraph(client, world, paragraph, discussion="Samforma framförde inspel.",
                         decision="Överenskommelsen antas.")
    with app.app_context():
        return flows.protocol(world).id


def test_minutes_are_approved_when_the_chair_and_both_justerare_confirmed(app, client, world, send_mail):
    protocol_id = ready(client, app, world)
    flows.send(client, world)
    mails = send_mail()
    assert sorted(m["To"] for m in mails if "approve" in m["Subject"] or "justera" in m["Subject"].lower()
                  or "godkänna" in m["Subject"].lower()) == ["anna@example.org", "bo@example.org",
                                                             "karin@example.org"]

    outsider = app.test_client()
    sign_in(outsider, world["outsider"])
    assert outsider.get(f"/minutes/{protocol_id}").status_code == 404

    page = flows.approve(client, world, "anna", protocol_id).get_data(as_text=True)
    again = client.get(f"/minutes/{protocol_id}", headers=EN).get_data(as_text=True)
    assert "Du justerade protokollet" in again   # Anna's language is Swedish
    assert "Justera protokollet</button>" not in again   # each once
    with app.app_context():
        assert flows.protocol(world).status == "pending"
    flows.approve(client, world, "chair", protocol_id)
    with app.app_context():
        assert flows.protocol(world).status == "pending"
    page = flows.approve(client, world, "bo", protocol_id).get_data(as_text=True)
    with app.app_context():
        protocol = flows.protocol(world)
        assert protocol.status == "approved"
        assert all(s.approved_at is not None for s in protocol.signers)
    assert page

    # Published: the public sees it on the meeting's and the forum's page.
    sign_in(client, world["organiser"])
    assert submit_form(client, flows.manage_url(world), action=f"{flows.manage_url(world)}/publish").status_code == 302
    public = app.test_client()
    assert "Överenskommelsen antas." in public.get(f"/minutes/{protocol_id}").get_data(as_text=True)
    assert f"/minutes/{protocol_id}" in public.get(f"/meetings/{world['meeting']}").get_data(as_text=True)
    assert f"/minutes/{protocol_id}" in public.get("/forums/lanspartnerskapet").get_data(as_text=True)


def test_only_named_signers_approve_and_each_only_once(app, client, world):
    protocol_id = ready(client, app, world)
    flows.send(client, world)
    with app.test_request_context(headers=EN):
        protocol = rules.get_protocol(protocol_id)
        outsider = db.session.get(rules.api.Person, world["outsider"])
        organiser = db.session.get(rules.api.Person, world["organiser"])
        anna = db.session.get(rules.api.Person, world["anna"])
        for person in (outsider, organiser, None):
            try:
                rules.approve(protocol, person)
                raise AssertionError("approved by someone not named")
            except rules.MinutesError as error:
                assert str(error) == "Only the chair and the named justerare can approve these minutes."
        rules.approve(protocol, anna)
        try:
            rules.approve(protocol, anna)
            raise AssertionError("approved twice")
        except rules.MinutesError as error:
            assert str(error) == "You have already approved these minutes."
        db.session.commit()
    # The organiser's own attempt through the page changes nothing.
    sign_in(client, world["organiser"])
    token = client.get(f"/minutes/{protocol_id}").get_data(as_text=True).split('name="csrf_token" value="')[1][:100]
    client.post(f"/minutes/{protocol_id}/approve", data={"csrf_token": token.split('"')[0]})
    with app.app_context():
        assert [s.name for s in flows.protocol(world).signers if s.approved_at] == ["Anna Andersson"]


def test_a_paragraph_approved_at_the_meeting_is_locked_at_once(app, client, world):
    ready(client, app, world)
    with app.app_context():
        protocol = flows.protocol(world)
        protocol_id, paragraph = protocol.id, protocol.paragraphs[2].id
    response = flows.edit_paragraph(client, world, paragraph, decision="Handlingsplanen fastställs.",
                                    immediate=True)
    assert response.status_code == 302
    for who in ("chair", "anna", "bo"):
        sign_in(client, world[who])
        response = submit_form(client, f"/minutes/{protocol_id}",
                               action=f"/minutes/{protocol_id}/paragraphs/{paragraph}/approve")
        assert response.status_code == 302
    with app.app_context():
        protocol = flows.protocol(world)
        assert protocol.status == "draft"
        assert protocol.paragraphs[2].immediate_approved_at is not None
    sign_in(client, world["organiser"])
    page = client.get(f"/minutes/{protocol_id}", headers=EN).get_data(as_text=True)
    assert "Approved at once at the meeting (omedelbar justering)" in page
    # The paragraph can go out as an extract before the rest of the minutes is approved.
    extract = client.get(flows.manage_url(world) + "/extract").get_data(as_text=True)
    assert f'value="{paragraph}"' in extract
    assert extract.count('name="paragraphs"') == 1
    with app.test_request_context(headers=EN):
        protocol = rules.get_protocol(protocol_id)
        text = rules.ParagraphText("Ändrad", "", "", "", True, [])
        try:
            rules.save_paragraph(protocol.paragraphs[2], text, None)
            raise AssertionError("changed after approval at the meeting")
        except rules.MinutesError as error:
            assert "approved at the meeting" in str(error)


def approve_all(client, world, protocol_id):
    for who in ("chair", "anna", "bo"):
        flows.approve(client, world, who, protocol_id)


def test_approved_minutes_are_locked_and_a_correction_shows_what_changed_and_who_approved_it(app, client, world):
    protocol_id = ready(client, app, world)
    flows.send(client, world)
    approve_all(client, world, protocol_id)
    sign_in(client, world["organiser"])
    submit_form(client, flows.manage_url(world), action=f"{flows.manage_url(world)}/publish")
    with app.app_context():
        paragraph = flows.protocol(world).paragraphs[1].id
    # Locked: the edit page's form is refused.
    page = f"{flows.manage_url(world)}/paragraphs/{paragraph}"
    locked = submit_form(client, page, {"decision": "Något annat"}, action=page, headers=EN)
    assert "change only through a correction" in locked.get_data(as_text=True)

    response = submit_form(client, flows.manage_url(world), {"reason": "Fel beslutstext i § 2"},
                           action=f"{flows.manage_url(world)}/correct")
    assert response.status_code == 302
    # The published version stays public while the correction is made.
    flows.edit_paragraph(client, world, paragraph, decision="Överenskommelsen antas med ändringar.")
    meanwhile = app.test_client().get(f"/minutes/{protocol_id}", headers=EN).get_data(as_text=True)
    assert "A correction of these minutes is being made" in meanwhile
    assert "Överenskommelsen antas.\n" in meanwhile and "med ändringar" not in meanwhile
    assert app.test_client().get(f"/minutes/{protocol_id}/protocol.pdf").status_code == 404
    flows.send(client, world)
    approve_all(client, world, protocol_id)
    shown = app.test_client().get(f"/minutes/{protocol_id}", headers=EN).get_data(as_text=True)
    assert "Revision 2" in shown
    assert "Fel beslutstext i § 2" in shown
    assert "<del>Removed: Överenskommelsen antas.</del>" in shown
    assert "<ins>Added: Överenskommelsen antas med ändringar.</ins>" in shown
    assert "Approved by: Karin Ordförande" in shown and "Anna Andersson (" in shown


def test_signers_are_reminded_when_minutes_are_not_approved_in_time(app, client, world, send_mail):
    protocol_id = ready(client, app, world)
    flows.send(client, world)
    flows.approve(client, world, "anna", protocol_id)
    before = len(send_mail())
    with app.app_context():
        assert rules.send_reminders(utcnow() + timedelta(days=3), 7, 3) == 0
        assert rules.send_reminders(utcnow() + timedelta(days=8), 7, 3) == 2
        assert rules.send_reminders(utcnow() + timedelta(days=9), 7, 3) == 0   # once
    reminded = sorted(m["To"] for m in send_mail()[before:])
    assert reminded == ["bo@example.org", "karin@example.org"]


def test_the_reminder_job_is_registered_for_the_worker(app):
    from meetings.scheduler import build_scheduler

    scheduler = build_scheduler(app, blocking=False)
    try:
        assert scheduler.get_job("minutes_reminders") is not None
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
