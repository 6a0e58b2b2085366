"""Registering through the pages, and managing a registration by the link in the e-mail."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from meetings.domain.registration import Refusal, RegistrationRefused, undo_cancel
from meetings.extensions import db
from meetings.models import MeetingFormat, Person, Registration, RegistrationStatus
from meetings.testing import csrf_token, find_form, html_part, send_form, sign_in, submit_form, text_part
from tests.test_registration import make_meeting, make_people

MANAGE_LINK = re.compile(r"http://localhost/registrations/([A-Za-z0-9_\-]+)")


def register_through_page(client, meeting_id, **fields):
    """Fill in the registration form as a browser sends it: only the fields the page has."""
    return submit_form(client, f"/meetings/{meeting_id}/register", fields)


def test_a_person_without_an_organisation_registers_with_what_the_page_sends(client, app, send_mail):
    """The page shows no "on behalf of" choice to someone who represents nobody; registering still works."""
    meeting_id = make_meeting(app)
    (person_id,) = make_people(app, 1)
    sign_in(client, person_id)
    form_page = client.get(f"/meetings/{meeting_id}/register").get_data(as_text=True)
    assert 'name="organisation"' not in form_page
    response = submit_form(client, f"/meetings/{meeting_id}/register", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Du är anmäld" in html, html
    with app.app_context():
        registration = db.session.scalar(select(Registration))
        assert registration.status == RegistrationStatus.CONFIRMED and registration.organisation_id is None
    assert len(send_mail()) == 1


def test_a_representative_chooses_on_whose_behalf_to_register(client, app, people, send_mail):
    meeting_id = make_meeting(app)
    sign_in(client, people["representative"])
    submit_form(client, f"/meetings/{meeting_id}/register", {"organisation": str(people["association"])})
    with app.app_context():
        assert db.session.scalar(select(Registration)).organisation_id == people["association"]


def test_a_visitor_gets_the_form_for_registering_without_an_account(client, app):
    meeting_id = make_meeting(app)
    response = client.get(f"/meetings/{meeting_id}/register")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="email"' in html and 'name="name"' in html


def test_register_and_get_a_confirmation_with_code_and_manage_link(client, app, send_mail):
    meeting_id = make_meeting(app, meeting_format=MeetingFormat.HYBRID)
    (person_id,) = make_people(app, 1)
    sign_in(client, person_id)
    response = register_through_page(client, meeting_id, mode="online", dietary_needs="Vegetarisk",
                                     access_needs="Hörslinga")
    assert response.status_code == 302 and "/registrations/" in response.headers["Location"]

    (mail,) = send_mail()
    with app.app_context():
        registration = db.session.scalar(select(Registration))
        assert registration.status == RegistrationStatus.CONFIRMED
        assert (registration.dietary_needs, registration.access_needs) == ("Vegetarisk", "Hörslinga")
        code = registration.code
    text = text_part(mail)
    assert code in text
    assert "https://meet.example.org/a" in text  # taking part online: the link is in the confirmation
    assert '<html lang="sv">' in html_part(mail)
    token = MANAGE_LINK.search(text).group(1)

    # The link works without being signed in (the person may not have an account).
    client.post("/sign-out", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    page = client.get(f"/registrations/{token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert code in html and "https://meet.example.org/a" in html


def test_switch_mode_and_cancel_by_the_link(client, app, send_mail):
    meeting_id = make_meeting(app, meeting_format=MeetingFormat.HYBRID)
    (person_id,) = make_people(app, 1)
    sign_in(client, person_id)
    register_through_page(client, meeting_id, mode="on_site")
    token = MANAGE_LINK.search(text_part(send_mail()[0])).group(1)
    page = client.get(f"/registrations/{token}").get_data(as_text=True)
    assert "https://meet.example.org/a" not in page  # on site: no online link

    client.post(f"/registrations/{token}", data={"mode-csrf_token": csrf_token(page), "mode-mode": "online",
                                                 "mode-submit": "1"})
    with app.app_context():
        assert db.session.scalar(select(Registration)).mode.value == "online"
    page = client.get(f"/registrations/{token}").get_data(as_text=True)
    assert "https://meet.example.org/a" in page

    asked = submit_form(client, f"/registrations/{token}", button="cancel-submit")
    assert asked.status_code == 200 and "Vill du avanmäla dig?" in asked.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Registration)).status == RegistrationStatus.CONFIRMED  # only asked
    confirm = find_form(asked.get_data(as_text=True), f"/registrations/{token}", button="cancel-submit")
    answer = send_form(client, confirm, page=f"/registrations/{token}", button="cancel-submit")
    assert answer.status_code == 302
    with app.app_context():
        registration = db.session.scalar(select(Registration))
        assert registration.status == RegistrationStatus.CANCELLED
        assert registration.meeting.confirmed_online == 0


def cancel_by_link(client, token: str):
    """Press "cancel", then "yes" on the question the page asks, as a browser does."""
    asked = client.get(f"/registrations/{token}")
    first = submit_form(client, f"/registrations/{token}", button="cancel-submit")
    assert asked.status_code == 200 and first.status_code == 200
    confirm = find_form(first.get_data(as_text=True), f"/registrations/{token}", button="cancel-submit")
    assert ("cancel-confirm", "yes") in confirm.fields(button="cancel-submit")
    return send_form(client, confirm, page=f"/registrations/{token}", button="cancel-submit",
                     follow_redirects=True)


def test_a_cancellation_can_be_undone_while_the_place_is_free(client, app, send_mail):
    meeting_id = make_meeting(app, capacity=1)
    (person_id,) = make_people(app, 1)
    sign_in(client, person_id)
    register_through_page(client, meeting_id)
    token = MANAGE_LINK.search(text_part(send_mail()[0])).group(1)
    html = cancel_by_link(client, token).get_data(as_text=True)
    assert "Du är avanmäld" in html and 'name="undo-submit"' in html

    back = submit_form(client, f"/registrations/{token}", button="undo-submit", follow_redirects=True)
    assert "Din anmälan gäller igen" in back.get_data(as_text=True)
    with app.app_context():
        registration = db.session.scalar(select(Registration))
        assert registration.status == RegistrationStatus.CONFIRMED and registration.meeting.confirmed_on_site == 1
    subjects = [m["Subject"] for m in send_mail()[1:]]
    assert subjects == ["Du är avanmäld: Dialogmöte i Luleå", "Du har din plats igen: Dialogmöte i Luleå"]


def test_no_undo_once_the_place_has_gone_to_the_waiting_list(client, app, send_mail):
    meeting_id = make_meeting(app, capacity=1)
    first, second = make_people(app, 2)
    sign_in(client, first)
    register_through_page(client, meeting_id)
    sign_in(client, second)
    register_through_page(client, meeting_id)  # waiting
    token = MANAGE_LINK.search(text_part(send_mail()[0])).group(1)
    html = cancel_by_link(client, token).get_data(as_text=True)
    assert "Du är avanmäld." in html and 'name="undo-submit"' not in html
    with app.app_context():
        statuses = dict(db.session.execute(select(Registration.person_id, Registration.status)).all())
        assert statuses == {first: RegistrationStatus.CANCELLED, second: RegistrationStatus.CONFIRMED}
        registration = db.session.scalar(select(Registration).where(Registration.person_id == first))
        with pytest.raises(RegistrationRefused) as refused:
            undo_cancel(registration)
        assert refused.value.refusal == Refusal.PLACE_TAKEN


def test_a_forged_manage_link_is_not_found(client, app):
    response = client.get("/registrations/not-a-real-token-at-all-000")
    assert response.status_code == 404
    assert "anmäler dig igen på mötets sida med samma e-postadress" in response.get_data(as_text=True)


def test_a_second_registration_is_refused_with_a_message(client, app, send_mail):
    meeting_id = make_meeting(app)
    (person_id,) = make_people(app, 1)
    sign_in(client, person_id)
    register_through_page(client, meeting_id, mode="on_site")
    response = register_through_page(client, meeting_id, mode="on_site")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "redan anmäld" in html or "already registered" in html
    with app.app_context():
        assert len(db.session.scalars(select(Registration)).all()) == 1


def test_a_full_meeting_puts_people_on_the_waiting_list(client, app, send_mail):
    meeting_id = make_meeting(app, capacity=1)
    first, second = make_people(app, 2)
    sign_in(client, first)
    register_through_page(client, meeting_id, mode="on_site")
    sign_in(client, second)
    register_through_page(client, meeting_id, mode="on_site")
    mails = {m["To"]: m for m in send_mail()}
    with app.app_context():
        waiting = db.session.scalar(select(Registration).where(Registration.person_id == second))
        assert waiting.status == RegistrationStatus.WAITING
        second_person = db.session.get(Person, second)
    assert waiting.code not in text_part(mails[second_person.email])  # no check-in code while waiting
