"""A person can have a copy of what is held about them, and have it erased (GDPR)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from meetings import hookimpl
from meetings.domain.attendance import check_in
from meetings.domain.mail import queue_mail
from meetings.domain.personal_data import export_person
from meetings.domain.registration import register
from meetings.extensions import db
from meetings.models import (
    Attendance,
    CheckInMethod,
    Meeting,
    Membership,
    OutboxMessage,
    ParticipationMode,
    Person,
    Registration,
    RegistrationStatus,
)
from meetings.testing import csrf_token, sign_in
from tests.test_registration import make_meeting, make_people


def setup_history(app, people):
    """The representative has a place at a coming full meeting (someone waits behind them) and
    attended a past one."""
    coming_id = make_meeting(app, capacity=1)
    past_id = make_meeting(app, capacity=10)
    (waiting_id,) = make_people(app, 1, prefix="waiting")
    with app.app_context():
        representative = db.session.get(Person, people["representative"])
        register(db.session.get(Meeting, coming_id), representative, ParticipationMode.ON_SITE,
                 dietary_needs="Glutenfri")
        register(db.session.get(Meeting, coming_id), db.session.get(Person, waiting_id), ParticipationMode.ON_SITE)
        past = db.session.get(Meeting, past_id)
        registered = register(past, representative, ParticipationMode.ON_SITE, notify=False).registration
        check_in(registered, ParticipationMode.ON_SITE, CheckInMethod.LIST, by=None)
        past.starts_at -= timedelta(days=30)
        past.ends_at -= timedelta(days=30)
        queue_mail("sign_in_link", representative.email, "sign_in_link", locale="sv", token="t", minutes=15)
        db.session.commit()
    return coming_id, past_id, waiting_id


def test_a_person_downloads_everything_held_about_them(client, app, people):
    setup_history(app, people)
    sign_in(client, people["representative"])
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["person"]["email"] == "rep@redcross.example"
    assert data["memberships"][0]["organisation"] == "Svenska Röda Korset"
    assert {r["dietary_needs"] for r in data["registrations"]} == {"Glutenfri", ""}
    assert len(data["attendance"]) == 1
    assert data["emails_sent_to_you"]


def test_only_ones_own_data_is_downloaded(client, app, people):
    setup_history(app, people)
    sign_in(client, people["organiser"])
    data = json.loads(client.get("/account/data.json").data)
    assert data["person"]["email"] == "officer@region.example"
    assert data["registrations"] == [] and "Glutenfri" not in json.dumps(data)
    client.post("/sign-out", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    assert client.get("/account/data.json").status_code == 302  # to sign in


def test_removing_an_account_frees_the_seat_and_keeps_attendance_anonymous(client, app, people, send_mail):
    coming_id, past_id, waiting_id = setup_history(app, people)
    send_mail()
    sign_in(client, people["representative"])
    page = client.get("/account").get_data(as_text=True)

    refused = client.post("/account/delete", data={"csrf_token": csrf_token(page)})
    assert refused.status_code == 400  # the box was not ticked: nothing removed
    with app.app_context():
        assert db.session.get(Person, people["representative"]) is not None

    response = client.post("/account/delete", data={"csrf_token": csrf_token(page), "understood": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Person, people["representative"]) is None
        assert db.session.scalar(select(func.count(Membership.id)).where(
            Membership.person_id == people["representative"])) == 0
        assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.recipient == "rep@redcross.example")) == 0
        promoted = db.session.scalar(select(Registration).where(Registration.person_id == waiting_id))
        assert promoted.status == RegistrationStatus.CONFIRMED  # the waiting list moved up
        assert db.session.get(Meeting, coming_id).confirmed_on_site == 1
        (kept,) = db.session.scalars(select(Attendance).where(Attendance.meeting_id == past_id)).all()
        assert kept.person_id is None and kept.name == ""
    sent = send_mail()
    assert any(m["To"] == "waiting0@example.org" and "plats" in m["Subject"] for m in sent)  # told of the place
    assert all(m["To"] != "rep@redcross.example" for m in sent[-1:])
    assert client.get("/account").status_code == 302  # signed out


def test_admins_export_and_erase_on_request(app, people):
    setup_history(app, people)
    runner = app.test_cli_runner()
    exported = runner.invoke(args=["meetings", "export-person", "REP@redcross.example"])
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.output)["person"]["name"] == "Rut Representant"
    assert runner.invoke(args=["meetings", "export-person", "nobody@example.org"]).exit_code != 0
    erased = runner.invoke(args=["meetings", "erase-person", "rep@redcross.example", "--yes"])
    assert erased.exit_code == 0, erased.output
    with app.app_context():
        assert db.session.get(Person, people["representative"]) is None


# --- Plugins' sections --------------------------------------------------------------------------------


class GreedyPlugin:
    """A plugin whose section names are the core's own."""

    @hookimpl
    def person_data(self, person):
        return {"person": {"email": "someone-else@example.org"}, "registrations": [], "notes": ["talked a lot"]}


class QuietPlugin:
    @hookimpl
    def person_data(self, person):
        return None


def test_a_plugins_sections_sit_under_its_name_and_never_replace_the_cores(make_app, people):
    app = make_app(plugins=[GreedyPlugin(), QuietPlugin()])
    setup_history(app, people)
    with app.app_context():
        data = export_person(db.session.get(Person, people["representative"]))
    assert data["person"]["email"] == "rep@redcross.example"
    assert len(data["registrations"]) == 2
    assert "notes" not in data
    greedy = next(name for name in data["plugins"] if "GreedyPlugin" in name)
    assert data["plugins"][greedy] == {"person": {"email": "someone-else@example.org"}, "registrations": [],
                                       "notes": ["talked a lot"]}
    assert not any("QuietPlugin" in name for name in data["plugins"])  # nothing held, no section


def test_the_calendar_plugins_data_is_under_its_name(client, app, people):
    from plugins.ical import tokens

    with app.app_context():
        tokens.renew(db.session.get(Person, people["representative"]))
    sign_in(client, people["representative"])
    data = json.loads(client.get("/account/data.json").data)
    assert len(data["plugins"]["ical"]["calendar_feeds"]) == 1
    assert "calendar_feeds" not in data
