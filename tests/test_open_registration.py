"""Open registration: anyone registers for a public meeting with a name and an e-mail address, no account."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from meetings.domain.registration import Refusal, RegistrationRefused, register_by_address
from meetings.extensions import db
from meetings.models import Meeting, MeetingFormat, ParticipationMode, Person, Registration, RegistrationStatus
from meetings.testing import find_form, submit_form, text_part
from tests.test_registration import make_meeting

MANAGE_LINK = re.compile(r"http://localhost/registrations/([A-Za-z0-9_\-]+)")
REGISTER_LINK = re.compile(r'href="(/meetings/\d+/register)"')


def register_from_meeting_page(client, meeting_id: int, **typed):
    """The visitor's journey: the meeting page, its register button (page 1), the form sent (page 2)."""
    meeting_page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    form_url = REGISTER_LINK.search(meeting_page).group(1)
    return submit_form(client, form_url, typed, follow_redirects=True)


def registrations(app) -> list[Registration]:
    with app.app_context():
        return list(db.session.scalars(select(Registration).order_by(Registration.id)))


def test_a_visitor_registers_from_the_meeting_page_in_two_page_loads(client, app, send_mail):
    meeting_id = make_meeting(app)
    response = register_from_meeting_page(client, meeting_id, name="Saga Sund", email="Saga@Example.org",
                                          organisation_name="Byaföreningen Vittjärv")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and len(response.history) == 1  # the post, redirected once
    assert "titta i din e-post" in html.lower() and "saga@example.org" in html

    (registration,) = registrations(app)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.organisation_name == "Byaföreningen Vittjärv" and registration.organisation_id is None
    with app.app_context():
        person = db.session.get(Person, registration.person_id)
        assert (person.email, person.name, person.locale) == ("saga@example.org", "Saga Sund", "sv")

    (mail,) = send_mail()
    assert mail["To"] == "saga@example.org"
    token = MANAGE_LINK.search(text_part(mail)).group(1)
    manage = client.get(f"/registrations/{token}").get_data(as_text=True)
    assert registration.code in manage


def test_a_full_meeting_puts_the_visitor_on_the_waiting_list(client, app, send_mail):
    meeting_id = make_meeting(app, capacity=0)
    meeting_page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "Ställ dig på väntelistan" in meeting_page
    register_from_meeting_page(client, meeting_id, name="Saga Sund", email="saga@example.org")
    (registration,) = registrations(app)
    assert registration.status == RegistrationStatus.WAITING
    (mail,) = send_mail()
    assert "väntelista" in mail["Subject"].lower()


def test_a_person_without_an_account_chooses_how_to_take_part_in_a_hybrid_meeting(client, app, send_mail):
    meeting_id = make_meeting(app, meeting_format=MeetingFormat.HYBRID)
    register_from_meeting_page(client, meeting_id, name="Saga Sund", email="saga@example.org", mode="online")
    (registration,) = registrations(app)
    assert registration.mode == ParticipationMode.ONLINE
    assert "https://meet.example.org/a" in text_part(send_mail()[0])


def test_the_same_address_again_changes_nothing_and_sends_a_new_link(client, app, send_mail):
    meeting_id = make_meeting(app, meeting_format=MeetingFormat.HYBRID)
    register_from_meeting_page(client, meeting_id, name="Saga Sund", email="saga@example.org", mode="on_site",
                               dietary_needs="Vegansk")
    first_token = MANAGE_LINK.search(text_part(send_mail()[0])).group(1)

    # Someone else types her address: the registration stays as she made it, and only she gets the link.
    response = register_from_meeting_page(client, meeting_id, name="Someone Else", email="saga@example.org",
                                          mode="online", dietary_needs="")
    assert "saga@example.org" in response.get_data(as_text=True)
    (registration,) = registrations(app)
    assert (registration.mode, registration.dietary_needs) == (ParticipationMode.ON_SITE, "Vegansk")
    with app.app_context():
        assert db.session.get(Person, registration.person_id).name == "Saga Sund"
    mails = send_mail()
    assert [m["To"] for m in mails] == ["saga@example.org", "saga@example.org"]
    assert "redan var anmäld" in text_part(mails[1])
    new_token = MANAGE_LINK.search(text_part(mails[1])).group(1)
    assert client.get(f"/registrations/{new_token}").status_code == 200
    assert client.get(f"/registrations/{first_token}").status_code == 404


def test_a_known_person_without_a_registration_is_registered_under_their_own_name(client, app, send_mail):
    meeting_id = make_meeting(app)
    with app.app_context():
        db.session.add(Person(email="rut@example.org", name="Rut Rask", locale="en"))
        db.session.commit()
    register_from_meeting_page(client, meeting_id, name="R. R.", email="rut@example.org")
    (registration,) = registrations(app)
    with app.app_context():
        person = db.session.get(Person, registration.person_id)
        assert (person.email, person.name) == ("rut@example.org", "Rut Rask")
    (mail,) = send_mail()
    assert "You are registered" in mail["Subject"]  # in her own language


def test_a_robot_filling_in_the_hidden_field_is_told_the_same_and_nothing_is_stored(client, app, send_mail):
    meeting_id = make_meeting(app)
    response = register_from_meeting_page(client, meeting_id, name="Bot", email="bot@example.org",
                                          website="http://spam.example")
    assert "bot@example.org" in response.get_data(as_text=True)
    assert registrations(app) == []
    with app.app_context():
        assert db.session.scalar(select(Person).where(Person.email == "bot@example.org")) is None
    assert send_mail() == []


def test_bad_input_names_the_field_and_keeps_what_was_typed(client, app):
    meeting_id = make_meeting(app)
    response = submit_form(client, f"/meetings/{meeting_id}/register", {
        "name": "", "email": "saga.example.org", "organisation_name": "Byaföreningen", "dietary_needs": "Glutenfritt"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="#name"' in html and 'href="#email"' in html
    assert "Skriv ditt namn." in html and "namn@example.org" in html
    sent = dict(find_form(html, f"/meetings/{meeting_id}/register").fields())
    assert (sent["email"], sent["organisation_name"], sent["dietary_needs"]) == (
        "saga.example.org", "Byaföreningen", "Glutenfritt")
    assert registrations(app) == []


def test_members_only_meetings_need_signing_in(client, app, people):
    meeting_id = make_meeting(app, members_only=True)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        with pytest.raises(RegistrationRefused) as refused:
            register_by_address(meeting, "saga@example.org", "Saga", ParticipationMode.ON_SITE)
        assert refused.value.refusal == Refusal.MEMBERS_ONLY
        assert db.session.scalar(select(Person).where(Person.email == "saga@example.org")) is None


def test_closed_registration_is_explained_instead_of_a_form(client, app):
    from datetime import timedelta

    from meetings.models import utcnow
    meeting_id = make_meeting(app, registration_closes_at=utcnow() - timedelta(hours=1))
    html = client.get(f"/meetings/{meeting_id}/register").get_data(as_text=True)
    assert "stängt" in html.lower() and 'name="email"' not in html


def test_one_address_is_limited_however_many_machines_send_it(client, app, send_mail):
    meeting_id = make_meeting(app)
    statuses = []
    for number in range(6):
        response = submit_form(client, f"/meetings/{meeting_id}/register",
                               {"name": "Saga", "email": "saga@example.org"},
                               environ_base={"REMOTE_ADDR": f"10.0.0.{number + 1}"})
        statuses.append(response.status_code)
    assert statuses == [302] * 5 + [429]


def test_one_visitor_is_limited_however_many_addresses_they_use(client, app, send_mail):
    meeting_id = make_meeting(app)
    statuses = [submit_form(client, f"/meetings/{meeting_id}/register", {"name": "Saga",
                            "email": f"saga{number}@example.org"}).status_code for number in range(11)]
    assert statuses == [302] * 10 + [429]
    assert len(registrations(app)) == 10


def test_a_signed_in_person_is_not_held_by_the_visitors_limits(client, app, send_mail):
    from meetings.testing import sign_in
    from tests.test_registration import make_people

    meeting_id = make_meeting(app, capacity=20)
    people = make_people(app, 12)
    for person_id in people:
        sign_in(client, person_id)
        assert submit_form(client, f"/meetings/{meeting_id}/register").status_code == 302
    assert len(registrations(app)) == 12
