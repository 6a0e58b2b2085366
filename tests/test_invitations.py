"""Invitations: inviting members, organisations from the register and plain addresses; answering
through the personal link without an account; the organiser's overview; reminders sent once."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from meetings.domain.invitations import (
    AnswerRefused,
    Attendee,
    InvitingRefused,
    answer_invitation,
    invitation_token,
    invite_emails,
    invite_forum_members,
    send_invitation_reminders,
)
from meetings.domain.registration import hash_token, register
from meetings.extensions import db
from meetings.models import (
    AgendaItem,
    Forum,
    ForumMember,
    ForumMemberStatus,
    Invitation,
    InvitationStatus,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    OutboxMessage,
    ParticipationMode,
    Person,
    Registration,
    RegistrationStatus,
    SubjectArea,
    utcnow,
)
from meetings.testing import csrf_token, find_form, html_part, send_form, sign_in, submit_form, text_part

ON_SITE, ONLINE = ParticipationMode.ON_SITE, ParticipationMode.ONLINE
ANSWER_LINK = re.compile(r"http://localhost/invitation/([A-Za-z0-9_\-]+)")
ENGLISH = {"Accept-Language": "en"}


@dataclass
class Scenario:
    meeting: int
    organiser: int
    region: int
    red_cross: int  # member, two representatives (one reads English)
    reading: int  # member, one representative
    village: int  # member, nobody but a contact address
    scouts: int  # in the register, not a member
    pending: int  # a member not yet approved in the register
    rep_sv: int
    rep_en: int
    rep_reading: int
    other_organiser: int


def make_scenario(app, **meeting_fields) -> Scenario:
    """A hybrid meeting of Länspartnerskapet, organised by the region, with three member organisations."""
    with app.app_context():
        culture = SubjectArea(code="kultur", name_sv="Kultur", name_en="Culture")
        health = SubjectArea(code="folkhalsa", name_sv="Folkhälsa", name_en="Public health")
        lulea = Municipality(code="2580", name="Luleå", county="Norrbottens län")
        kiruna = Municipality(code="2584", name="Kiruna", county="Norrbottens län")
        region = Organisation(name="Region Norrbotten", kind=OrganisationKind.PUBLIC_BODY)
        county = Organisation(name="Länsstyrelsen Norrbotten", kind=OrganisationKind.PUBLIC_BODY)
        red_cross = Organisation(name="Svenska Röda Korset", kind=OrganisationKind.CIVIL_SOCIETY,
                                 subject_areas=[health], municipalities=[lulea])
        reading = Organisation(name="Föreningen Läslust", kind=OrganisationKind.CIVIL_SOCIETY,
                               subject_areas=[culture], municipalities=[lulea])
        village = Organisation(name="Byaföreningen i Vittangi", kind=OrganisationKind.CIVIL_SOCIETY,
                               contact_email="styrelsen@vittangi.example", municipalities=[kiruna])
        scouts = Organisation(name="Scouterna i Kiruna", kind=OrganisationKind.CIVIL_SOCIETY,
                              contact_email="info@scouterna-kiruna.example", subject_areas=[culture],
                              municipalities=[kiruna])
        pending = Organisation(name="Ny förening", kind=OrganisationKind.CIVIL_SOCIETY,
                               status=OrganisationStatus.PENDING, subject_areas=[culture])
        organiser = Person(email="olle@norrbotten.example", name="Olle Organisatör", locale="en")
        other_organiser = Person(email="lisa@lansstyrelsen.example", name="Lisa Länsstyrelsen", locale="en")
        rep_sv = Person(email="rut@redcross.example", name="Rut Representant", locale="sv")
        rep_en = Person(email="robin@redcross.example", name="Robin Rep", locale="en")
        rep_reading = Person(email="lars@laslust.example", name="Lars Läsare", locale="sv")
        db.session.add_all([culture, health, lulea, kiruna, region, county, red_cross, reading, village, scouts,
                            pending, organiser, other_organiser, rep_sv, rep_en, rep_reading])
        db.session.flush()
        db.session.add_all([
            Membership(person=organiser, organisation=region, role=MembershipRole.ORGANISER),
            Membership(person=other_organiser, organisation=county, role=MembershipRole.ORGANISER),
            Membership(person=rep_sv, organisation=red_cross, role=MembershipRole.REPRESENTATIVE),
            Membership(person=rep_en, organisation=red_cross, role=MembershipRole.REPRESENTATIVE),
            Membership(person=rep_reading, organisation=reading, role=MembershipRole.REPRESENTATIVE),
        ])
        forum = Forum(slug="lanspartnerskapet", name="Länspartnerskapet", organiser=region)
        db.session.add(forum)
        db.session.flush()
        for organisation in (red_cross, reading, village, pending):
            db.session.add(ForumMember(forum=forum, organisation=organisation, status=ForumMemberStatus.MEMBER))
        db.session.add(ForumMember(forum=forum, organisation=scouts, status=ForumMemberStatus.REQUESTED))
        start = (utcnow() + timedelta(days=14)).replace(microsecond=0)
        fields = {"format": MeetingFormat.HYBRID, "capacity": 30, "online_capacity": None,
                  "status": MeetingStatus.PUBLISHED, "registration_closes_at": start - timedelta(days=2),
                  **meeting_fields}
        meeting = Meeting(forum=forum, title="Dialogmöte om folkhälsa", starts_at=start,
                          ends_at=start + timedelta(hours=3), venue_name="Kulturens hus",
                          venue_address="Skeppsbrogatan 17", municipality=lulea,
                          online_url="https://meet.example.org/secret-room", **fields)
        meeting.agenda_items = [AgendaItem(position=1, title="Folkhälsostrategin i korthet")]
        db.session.add(meeting)
        db.session.commit()
        return Scenario(meeting=meeting.id, organiser=organiser.id, region=region.id, red_cross=red_cross.id,
                        reading=reading.id, village=village.id, scouts=scouts.id, pending=pending.id,
                        rep_sv=rep_sv.id, rep_en=rep_en.id, rep_reading=rep_reading.id,
                        other_organiser=other_organiser.id)


def invite_members(app, scenario: Scenario, seats=None, now=None) -> None:
    with app.app_context():
        invite_forum_members(db.session.get(Meeting, scenario.meeting), seats,
                             db.session.get(Person, scenario.organiser), now=now)


def token_for(app, scenario: Scenario, organisation_id=None, email=None) -> str:
    with app.app_context():
        invitation = db.session.scalar(select(Invitation).where(
            Invitation.meeting_id == scenario.meeting,
            Invitation.organisation_id == organisation_id if organisation_id else Invitation.email == email))
        return invitation_token(invitation)


def invitation_of(app, scenario: Scenario, organisation_id):
    with app.app_context():
        invitation = db.session.scalar(select(Invitation).where(
            Invitation.meeting_id == scenario.meeting, Invitation.organisation_id == organisation_id))
        db.session.expunge(invitation)
        return invitation


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def answer_page(client, token):
    return client.get(f"/invitation/{token}", headers=ENGLISH)


def post_answer(client, token, answer="yes", people=(), **extra):
    page = answer_page(client, token).get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "answer": answer, **extra}
    for index, person in enumerate(people):
        for key, value in person.items():
            data[f"attendees-{index}-{key}"] = value
    return client.post(f"/invitation/{token}", data=data, headers=ENGLISH)


ANNA = {"name": "Anna Andersson", "email": "Anna@RedCross.example", "mode": "on_site",
        "dietary_needs": "Vegetarisk", "access_needs": "Hörslinga"}
BERTIL = {"name": "Bertil Berg", "email": "bertil@redcross.example", "mode": "online"}
CECILIA = {"name": "Cecilia Ek", "email": "cecilia@redcross.example", "mode": "on_site"}


# --- inviting -----------------------------------------------------------------------------------

def test_inviting_all_members_mails_each_representative_with_a_working_personal_link(app, client, send_mail):
    scenario = make_scenario(app)
    sign_in(client, scenario.organiser)
    page = client.get(f"/meetings/{scenario.meeting}/invitations")
    assert page.status_code == 200
    response = client.post(f"/meetings/{scenario.meeting}/invitations/members",
                           data={"members-csrf_token": csrf_token(page.get_data(as_text=True)), "members-seats": "2"})
    assert response.status_code == 302

    mails = send_mail()
    by_address = {mail["To"]: mail for mail in mails}
    # Two representatives of the Red Cross, one of Läslust, the village's contact address; not the
    # organisation that only asked to join, nor the one not yet approved.
    assert sorted(by_address) == ["lars@laslust.example", "robin@redcross.example", "rut@redcross.example",
                                  "styrelsen@vittangi.example"]
    assert count(app, Invitation) == 3
    english, swedish = by_address["robin@redcross.example"], by_address["rut@redcross.example"]
    assert english["Subject"] == "Invitation: Dialogmöte om folkhälsa"
    assert '<html lang="en">' in html_part(english) and '<html lang="sv">' in html_part(swedish)
    text = text_part(english)
    assert "Svenska Röda Korset" in text and "Kulturens hus" in text and "Folkhälsostrategin i korthet" in text
    assert "up to 2 people" in text
    assert "secret-room" not in text + html_part(english)  # the online link is only for the registered

    # One link per organisation: both representatives answer for the same invitation.
    red_cross_token = ANSWER_LINK.search(text).group(1)
    assert ANSWER_LINK.search(text_part(swedish)).group(1) == red_cross_token
    assert ANSWER_LINK.search(text_part(by_address["lars@laslust.example"])).group(1) != red_cross_token
    with app.app_context():  # only the hash is stored
        stored = db.session.scalar(
            select(Invitation.token_hash).where(Invitation.organisation_id == scenario.red_cross))
        assert stored == hash_token(red_cross_token) != red_cross_token

    client.post("/sign-out", data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    opened = answer_page(client, red_cross_token)
    assert opened.status_code == 200
    html = opened.get_data(as_text=True)
    assert "Svenska Röda Korset" in html and "Kulturens hus" in html
    assert "secret-room" not in html
    invitation = invitation_of(app, scenario, scenario.red_cross)
    assert invitation.status == InvitationStatus.OPENED and invitation.opened_at is not None
    assert invitation_of(app, scenario, scenario.reading).status == InvitationStatus.SENT


def test_opening_twice_keeps_the_first_time(app, client):
    scenario = make_scenario(app)
    invite_members(app, scenario)
    token = token_for(app, scenario, scenario.reading)
    answer_page(client, token)
    first = invitation_of(app, scenario, scenario.reading).opened_at
    answer_page(client, token)
    assert invitation_of(app, scenario, scenario.reading).opened_at == first


def test_inviting_again_does_not_duplicate_and_leaves_answers_alone(app, send_mail):
    scenario = make_scenario(app)
    invite_members(app, scenario, seats=3)
    send_mail()
    with app.app_context():
        answer_invitation(token_for(app, scenario, scenario.reading), False)
        result = invite_forum_members(db.session.get(Meeting, scenario.meeting), 5,
                                      db.session.get(Person, scenario.organiser))
        assert (len(result.new), len(result.sent_again), len(result.already_answered)) == (0, 2, 1)
    assert count(app, Invitation) == 3
    assert invitation_of(app, scenario, scenario.red_cross).seats == 5
    assert invitation_of(app, scenario, scenario.reading).status == InvitationStatus.NO
    again = [mail["To"] for mail in send_mail()[4:]]
    assert sorted(again) == ["robin@redcross.example", "rut@redcross.example", "styrelsen@vittangi.example"]


def test_organisations_chosen_from_the_register_with_a_filter(app, client, send_mail):
    scenario = make_scenario(app)
    sign_in(client, scenario.organiser)
    page = client.get(f"/meetings/{scenario.meeting}/invitations?area=kultur&municipality=2584")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'value="{scenario.scouts}"' in html  # culture in Kiruna
    assert f'value="{scenario.reading}"' not in html and f'value="{scenario.red_cross}"' not in html
    assert f'value="{scenario.pending}"' not in html  # not approved: not offered from the register
    assert f'value="{scenario.region}"' not in html  # the forum's own organiser

    response = client.post(f"/meetings/{scenario.meeting}/invitations/organisations", data={
        "register-csrf_token": csrf_token(html), "register-organisation": [str(scenario.scouts)],
        "register-seats": ""})
    assert response.status_code == 302
    invitation = invitation_of(app, scenario, scenario.scouts)
    assert invitation.seats is None and invitation.status == InvitationStatus.SENT
    assert [mail["To"] for mail in send_mail()] == ["info@scouterna-kiruna.example"]
    html = client.get(f"/meetings/{scenario.meeting}/invitations?area=kultur&municipality=2584").get_data(as_text=True)
    assert f'value="{scenario.scouts}"' not in html and "Invited" in html  # not offered twice


def silent_organisation(app) -> int:
    """An approved organisation with no representative and no e-mail address in the register."""
    with app.app_context():
        silent = Organisation(name="Tysta föreningen", kind=OrganisationKind.CIVIL_SOCIETY)
        db.session.add(silent)
        db.session.commit()
        return silent.id


def test_an_organisation_nobody_can_be_reached_at_is_marked_before_sending_and_asks_for_an_address(app, client):
    scenario = make_scenario(app)
    silent_id = silent_organisation(app)
    sign_in(client, scenario.organiser)
    url = f"/meetings/{scenario.meeting}/invitations"
    page = client.get(url).get_data(as_text=True)
    assert f'name="register-address-{silent_id}"' in page and "E-mail address to invite Tysta föreningen at" in page
    assert f'name="register-address-{scenario.scouts}"' not in page  # has an address in the register

    response = submit_form(client, url, action=f"/meetings/{scenario.meeting}/invitations/organisations",
                           values={"register-organisation": [str(silent_id), str(scenario.scouts)]})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nobody can be reached at Tysta föreningen through the register" in html
    assert f'id="register-address-{silent_id}-error"' in html and 'aria-invalid="true"' in html
    assert count(app, Invitation) == 0  # nothing sent while one is left without an address


def test_the_organiser_adds_an_address_on_the_spot_and_it_is_used_again(app, client, send_mail):
    scenario = make_scenario(app)
    silent_id = silent_organisation(app)
    sign_in(client, scenario.organiser)
    url = f"/meetings/{scenario.meeting}/invitations"
    response = submit_form(client, url, action=f"/meetings/{scenario.meeting}/invitations/organisations",
                           values={f"register-address-{silent_id}": "not an address"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Tysta föreningen: Enter an e-mail address like name@example.org." in html
    assert 'value="not an address"' in html  # kept as typed

    # Typing the address is enough: it chooses the organisation.
    response = submit_form(client, url, action=f"/meetings/{scenario.meeting}/invitations/organisations",
                           follow_redirects=True,
                           values={f"register-address-{silent_id}": "Ordforande@Tysta.example",
                                   "register-seats": "2"})
    html = response.get_data(as_text=True)
    assert "1 invitation sent." in html
    assert response.request.path == url
    assert [mail["To"] for mail in send_mail()] == ["ordforande@tysta.example"]
    invitation = invitation_of(app, scenario, silent_id)
    assert (invitation.email, invitation.seats) == ("ordforande@tysta.example", 2)

    # Sent again, it reaches the same address and keeps its two seats.
    page = client.get(url).get_data(as_text=True)
    assert f'name="register-address-{silent_id}"' not in page
    submit_form(client, url, action=f"/meetings/{scenario.meeting}/invitations/{invitation.id}/send-again")
    assert [mail["To"] for mail in send_mail()[1:]] == ["ordforande@tysta.example"]
    assert invitation_of(app, scenario, silent_id).seats == 2


def test_members_without_an_address_are_listed_before_inviting_all(app, client, send_mail):
    scenario = make_scenario(app)
    silent_id = silent_organisation(app)
    with app.app_context():
        forum_id = db.session.get(Meeting, scenario.meeting).forum_id
        db.session.add(ForumMember(forum_id=forum_id, organisation_id=silent_id, status=ForumMemberStatus.MEMBER))
        db.session.commit()
    sign_in(client, scenario.organiser)
    url = f"/meetings/{scenario.meeting}/invitations"
    page = client.get(url).get_data(as_text=True)
    assert "2 members cannot be reached yet" in page  # Tysta föreningen and Ny förening
    assert f'name="members-address-{silent_id}"' in page and f'name="members-address-{scenario.pending}"' in page
    response = submit_form(client, url, action=f"/meetings/{scenario.meeting}/invitations/members",
                           follow_redirects=True,
                           values={f"members-address-{silent_id}": "styrelsen@tysta.example"})
    html = response.get_data(as_text=True)
    assert "4 invitations sent." in html
    assert "nobody in the register can be reached for them: Ny förening" in html  # left empty: told again
    assert "styrelsen@tysta.example" in [mail["To"] for mail in send_mail()]


def test_filters_and_messages_survive_a_post(app, client, send_mail):
    scenario = make_scenario(app)
    sign_in(client, scenario.organiser)
    url = f"/meetings/{scenario.meeting}/invitations?area=kultur&municipality=2584"
    response = submit_form(client, url,
                           action=f"/meetings/{scenario.meeting}/invitations/organisations?area=kultur&municipality=2584",
                           values={"register-organisation": [str(scenario.scouts)]})
    location = response.headers["Location"]
    assert "area=kultur" in location and "municipality=2584" in location
    assert location.endswith("#messages")  # the page opens where the message is
    html = client.get(location).get_data(as_text=True)
    assert 'id="messages"' in html and "1 invitation sent." in html
    assert '<option selected value="kultur">' in html or 'value="kultur" selected' in html


def test_choosing_nothing_from_the_register_is_an_error_beside_the_list(app, client):
    scenario = make_scenario(app)
    sign_in(client, scenario.organiser)
    page = client.get(f"/meetings/{scenario.meeting}/invitations").get_data(as_text=True)
    response = client.post(f"/meetings/{scenario.meeting}/invitations/organisations", data={
        "register-csrf_token": csrf_token(page), "register-seats": "0"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose at least one organisation." in html
    assert "Enter a number from 1 to 500, or leave it empty." in html
    assert "<title>Error:" in html
    assert count(app, Invitation) == 0


def test_plain_addresses_are_invited_and_a_bad_line_refuses_them_all(app, client, send_mail):
    scenario = make_scenario(app)
    sign_in(client, scenario.organiser)
    page = client.get(f"/meetings/{scenario.meeting}/invitations").get_data(as_text=True)
    typed = "kim@byn.example\nnot an address\nEva@Hembygd.example"
    response = client.post(f"/meetings/{scenario.meeting}/invitations/emails", data={
        "emails-csrf_token": csrf_token(page), "emails-emails": typed, "emails-seats": "2"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "not an address" in html and "nothing was sent" in html
    assert "kim@byn.example\nnot an address" in html  # what was typed is kept
    assert count(app, Invitation) == 0 and count(app, OutboxMessage) == 0

    response = client.post(f"/meetings/{scenario.meeting}/invitations/emails", data={
        "emails-csrf_token": csrf_token(page), "emails-emails": "kim@byn.example\nEva@Hembygd.example\n\n",
        "emails-seats": "2"})
    assert response.status_code == 302
    assert sorted(mail["To"] for mail in send_mail()) == ["eva@hembygd.example", "kim@byn.example"]
    with app.app_context():
        assert sorted(db.session.scalars(select(Invitation.email))) == ["eva@hembygd.example", "kim@byn.example"]
        # Again: no second invitation for the same address.
        invite_emails(db.session.get(Meeting, scenario.meeting), ["KIM@byn.example"], None)
    assert count(app, Invitation) == 2


def test_a_draft_or_cancelled_meeting_sends_no_invitations(app, client):
    scenario = make_scenario(app, status=MeetingStatus.DRAFT)
    sign_in(client, scenario.organiser)
    page = client.get(f"/meetings/{scenario.meeting}/invitations")
    assert "Publish the meeting before you send invitations." in page.get_data(as_text=True)
    client.post(f"/meetings/{scenario.meeting}/invitations/members",
                data={"members-csrf_token": csrf_token(page.get_data(as_text=True))})
    assert count(app, Invitation) == 0
    with app.app_context():
        meeting = db.session.get(Meeting, scenario.meeting)
        meeting.status = MeetingStatus.CANCELLED
        db.session.commit()
        with pytest.raises(InvitingRefused):
            invite_emails(meeting, ["kim@byn.example"], None)
    assert count(app, Invitation) == 0 and count(app, OutboxMessage) == 0


# --- permissions --------------------------------------------------------------------------------

def test_only_the_forums_organisers_invite_and_see_the_overview(app, client):
    scenario = make_scenario(app)
    overview = f"/meetings/{scenario.meeting}/invitations"
    response = client.get(overview)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]

    for person_id in (scenario.rep_sv, scenario.other_organiser):
        sign_in(client, person_id)
        assert client.get(overview).status_code == 403
        token = csrf_token(client.get("/").get_data(as_text=True))
        response = client.post(f"{overview}/members", data={"members-csrf_token": token})
        assert response.status_code == 403
        response = client.post(f"{overview}/emails", data={"emails-csrf_token": token,
                                                           "emails-emails": "kim@byn.example"})
        assert response.status_code == 403
    assert count(app, Invitation) == 0

    sign_in(client, scenario.organiser)
    assert client.get(overview).status_code == 200
    assert client.get("/meetings/999999/invitations").status_code == 404


# --- answering ----------------------------------------------------------------------------------

def test_answering_yes_registers_everyone_named_and_mails_them(app, client, send_mail):
    scenario = make_scenario(app)
    invite_members(app, scenario, seats=2)
    send_mail()
    token = token_for(app, scenario, scenario.red_cross)
    response = post_answer(client, token, "yes", [ANNA, BERTIL])
    assert response.status_code == 302

    with app.app_context():
        registrations = db.session.scalars(select(Registration).order_by(Registration.id)).all()
        assert [(r.person.email, r.mode, r.status) for r in registrations] == [
            ("anna@redcross.example", ON_SITE, RegistrationStatus.CONFIRMED),
            ("bertil@redcross.example", ONLINE, RegistrationStatus.CONFIRMED)]
        assert all(r.organisation_id == scenario.red_cross for r in registrations)
        assert (registrations[0].dietary_needs, registrations[0].access_needs) == ("Vegetarisk", "Hörslinga")
        anna = registrations[0].person
        assert (anna.name, anna.locale) == ("Anna Andersson", "en")  # in the language they answered in
        invitation = db.session.scalar(select(Invitation).where(Invitation.organisation_id == scenario.red_cross))
        assert invitation.status == InvitationStatus.YES and invitation.answered_at is not None

    confirmations = {mail["To"]: mail for mail in send_mail()[4:]}
    assert sorted(confirmations) == ["anna@redcross.example", "bertil@redcross.example"]
    assert "secret-room" in text_part(confirmations["bertil@redcross.example"])  # online: the link
    assert "secret-room" not in text_part(confirmations["anna@redcross.example"])

    page = client.get(response.headers["Location"], headers=ENGLISH).get_data(as_text=True)
    assert "Thank you, your answer is saved." in page
    assert "Anna Andersson" in page and "Bertil Berg" in page and "You answered yes" in page
    assert "secret-room" not in page


def test_over_the_seat_allowance_is_refused_and_nothing_is_stored(app, client, send_mail):
    scenario = make_scenario(app)
    invite_members(app, scenario, seats=2)
    send_mail()
    token = token_for(app, scenario, scenario.red_cross)
    response = post_answer(client, token, "yes", [ANNA, BERTIL, CECILIA])
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "You named more people than the invitation has seats for (2)." in html
    assert 'value="Cecilia Ek"' in html  # what was typed is shown again
    assert count(app, Registration) == 0
    assert count(app, Person, Person.email.in_(["anna@redcross.example", "cecilia@redcross.example"])) == 0
    assert invitation_of(app, scenario, scenario.red_cross).status == InvitationStatus.OPENED
    assert send_mail()[4:] == []


def test_a_refusal_for_one_person_undoes_the_whole_answer(app, send_mail):
    """A representative registered earlier on the organisation's behalf uses one of its two seats."""
    scenario = make_scenario(app)
    invite_members(app, scenario, seats=2)
    with app.test_request_context(headers=ENGLISH):  # a request, to read the message in English
        meeting = db.session.get(Meeting, scenario.meeting)
        register(meeting, db.session.get(Person, scenario.rep_sv), ON_SITE,
                 organisation=db.session.get(Organisation, scenario.red_cross))
        outbox = db.session.scalar(select(func.count(OutboxMessage.id)))
        with pytest.raises(AnswerRefused) as refused:
            answer_invitation(token_for(app, scenario, scenario.red_cross), True, [
                Attendee("Anna Andersson", "anna@redcross.example", ON_SITE),
                Attendee("Bertil Berg", "bertil@redcross.example", ON_SITE)])
        assert refused.value.attendee == 1
        assert "bertil@redcross.example" in refused.value.message
        db.session.expire_all()
        assert db.session.scalar(select(func.count(Registration.id))) == 1  # only the representative's
        assert db.session.get(Meeting, scenario.meeting).confirmed_on_site == 1
        assert db.session.scalar(select(Person).where(Person.email == "anna@redcross.example")) is None
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == outbox
        invitation = db.session.scalar(select(Invitation).where(Invitation.organisation_id == scenario.red_cross))
        assert invitation.status == InvitationStatus.SENT and invitation.answered_at is None


def test_someone_already_registered_is_named_in_the_message(app, client):
    scenario = make_scenario(app)
    invite_members(app, scenario)
    with app.app_context():
        register(db.session.get(Meeting, scenario.meeting), db.session.get(Person, scenario.rep_en), ONLINE)
    response = post_answer(client, token_for(app, scenario, scenario.red_cross), "yes", [
        {"name": "Robin Rep", "email": "robin@redcross.example", "mode": "online"}])
    assert response.status_code == 400
    assert "robin@redcross.example is already registered for this meeting." in response.get_data(as_text=True)
    assert invitation_of(app, scenario, scenario.red_cross).status == InvitationStatus.OPENED


def test_rows_with_missing_details_are_shown_beside_the_fields(app, client):
    scenario = make_scenario(app)
    invite_members(app, scenario)
    token = token_for(app, scenario, scenario.reading)
    response = post_answer(client, token, "yes", [{"name": "Utan Adress", "mode": "on_site"},
                                                  {"email": "not-an-address", "mode": "online"}])
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter the person&#39;s e-mail address." in html
    assert "Enter the person&#39;s name." in html
    assert "Enter an e-mail address like name@example.org." in html
    assert 'href="#attendees-0-email"' in html  # the summary leads to the field
    response = post_answer(client, token, "yes", [])
    assert "Name at least one person who will come." in response.get_data(as_text=True)
    assert count(app, Registration) == 0


def test_a_second_person_is_asked_for_without_javascript_up_to_the_seats(app, client):
    scenario = make_scenario(app)
    invite_members(app, scenario, seats=3)
    token = token_for(app, scenario, scenario.reading)
    html = answer_page(client, token).get_data(as_text=True)
    assert 'name="attendees-0-name"' in html and 'name="attendees-1-name"' not in html  # one person at first
    url = f"/invitation/{token}"
    response = submit_form(client, url, {
        "answer": "yes", "attendees-0-name": "Anna Andersson", "attendees-0-email": "anna@redcross.example",
        "attendees-0-mode": "on_site"}, button="more-rows")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="attendees-1-name"' in html and 'name="attendees-2-name"' not in html
    assert 'value="Anna Andersson"' in html  # what was typed is kept
    form = find_form(html, url, button="more-rows")
    html = send_form(client, form, {"attendees-1-name": "Bertil Berg", "attendees-1-email": "bertil@redcross.example",
                                    "attendees-1-mode": "online"}, page=url, button="more-rows").get_data(as_text=True)
    assert 'name="attendees-2-name"' in html and "Add another person" not in html  # three seats: no more rows
    assert count(app, Registration) == 0


def test_an_invited_address_is_filled_in_and_the_organisation_named_is_recorded(app, client, send_mail):
    scenario = make_scenario(app)
    with app.app_context():
        invite_emails(db.session.get(Meeting, scenario.meeting), ["kim@byn.example"], None)
    url = f"/invitation/{token_for(app, scenario, email='kim@byn.example')}"
    html = answer_page(client, url.rsplit("/", 1)[1]).get_data(as_text=True)
    assert 'value="kim@byn.example"' in html
    assert 'autocomplete="name"' in html and 'autocomplete="email"' in html  # the browser may fill in the rest
    response = submit_form(client, url, {"answer": "yes", "organisation_name": "Byaföreningen Vittjärv",
                                         "attendees-0-name": "Kim Bybo", "attendees-0-mode": "on_site"})
    assert response.status_code == 302
    with app.app_context():
        registration = db.session.scalar(select(Registration))
        assert registration.person.email == "kim@byn.example"
        assert registration.organisation_label == "Byaföreningen Vittjärv"


def test_every_registration_through_an_organisations_invitation_records_the_organisation(app, client, send_mail):
    scenario = make_scenario(app)
    invite_members(app, scenario)
    token = token_for(app, scenario, scenario.reading)
    html = answer_page(client, token).get_data(as_text=True)
    assert 'name="organisation_name"' not in html  # the invitation names the organisation already
    post_answer(client, token, "yes", [ANNA])
    with app.app_context():
        (registration,) = db.session.scalars(select(Registration)).all()
        assert registration.organisation_id == scenario.reading


def test_answering_no_and_changing_yes_to_no_frees_the_seats(app, client, send_mail):
    scenario = make_scenario(app, capacity=2)
    invite_members(app, scenario)
    post_answer(client, token_for(app, scenario, scenario.reading), "no")
    assert invitation_of(app, scenario, scenario.reading).status == InvitationStatus.NO

    token = token_for(app, scenario, scenario.red_cross)
    post_answer(client, token, "yes", [ANNA, CECILIA])
    with app.app_context():  # someone else waits for a seat on site
        waiting = register(db.session.get(Meeting, scenario.meeting), db.session.get(Person, scenario.rep_reading),
                           ON_SITE).registration
        assert waiting.status == RegistrationStatus.WAITING
    before = len(send_mail())

    page = answer_page(client, token).get_data(as_text=True)
    assert 'value="Anna Andersson"' in page and "Change your answer" in page  # the answer given is shown
    response = post_answer(client, token, "no")
    assert response.status_code == 302
    with app.app_context():
        statuses = dict(db.session.execute(
            select(Person.email, Registration.status).join(Registration, Registration.person_id == Person.id)).all())
        assert statuses == {"anna@redcross.example": RegistrationStatus.CANCELLED,
                            "cecilia@redcross.example": RegistrationStatus.CANCELLED,
                            "lars@laslust.example": RegistrationStatus.CONFIRMED}
    assert invitation_of(app, scenario, scenario.red_cross).status == InvitationStatus.NO
    # Lars is promoted and told; Anna and Cecilia get the cancellation (which removes the calendar entry).
    assert sorted(mail["To"] for mail in send_mail()[before:]) == [
        "anna@redcross.example", "cecilia@redcross.example", "lars@laslust.example"]


def test_changing_who_comes_keeps_those_still_named(app, client):
    scenario = make_scenario(app)
    invite_members(app, scenario, seats=2)
    token = token_for(app, scenario, scenario.red_cross)
    post_answer(client, token, "yes", [ANNA, BERTIL])
    with app.app_context():
        anna_code = db.session.scalar(select(Registration.code).join(Person).where(
            Person.email == "anna@redcross.example"))
    # Anna now comes online; Bertil cannot come, Cecilia takes his seat.
    response = post_answer(client, token, "yes", [{**ANNA, "mode": "online"}, CECILIA])
    assert response.status_code == 302
    with app.app_context():
        rows = {p.email: r for r, p in db.session.execute(
            select(Registration, Person).join(Person, Registration.person_id == Person.id)).all()}
        assert rows["anna@redcross.example"].code == anna_code  # the same registration
        assert rows["anna@redcross.example"].mode == ONLINE
        assert rows["bertil@redcross.example"].status == RegistrationStatus.CANCELLED
        assert rows["cecilia@redcross.example"].status == RegistrationStatus.CONFIRMED
        meeting = db.session.get(Meeting, scenario.meeting)
        assert (meeting.confirmed_on_site, meeting.confirmed_online) == (1, 1)


def test_two_answers_at_the_same_moment_are_taken_one_after_the_other(app):
    scenario = make_scenario(app)
    invite_members(app, scenario, seats=2)
    token = token_for(app, scenario, scenario.red_cross)
    start = threading.Barrier(2)
    outcomes = []

    def answer(prefix):
        with app.app_context():
            start.wait(timeout=30)
            try:
                answer_invitation(token, True, [Attendee(f"{prefix} {n}", f"{prefix}{n}@redcross.example", ON_SITE)
                                                for n in (1, 2)])
                outcomes.append("stored")
            except AnswerRefused as refused:
                outcomes.append(refused.message)

    threads = [threading.Thread(target=answer, args=(prefix,)) for prefix in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # Taken one after the other: the later answer replaces the earlier one, within the two seats.
    assert outcomes == ["stored", "stored"], outcomes
    with app.app_context():
        active = db.session.scalars(select(Person.email).join(Registration, Registration.person_id == Person.id)
                                    .where(Registration.status != RegistrationStatus.CANCELLED)).all()
        assert len(active) == 2 and len({email.split("@")[0].rstrip("12") for email in active}) == 1, active
        assert db.session.get(Meeting, scenario.meeting).confirmed_on_site == 2


def test_plain_address_invitation_opens_a_members_only_meeting(app, client, send_mail):
    scenario = make_scenario(app, members_only=True)
    with app.app_context():
        invite_emails(db.session.get(Meeting, scenario.meeting), ["kim@byn.example"], None)
    (mail,) = send_mail()
    token = ANSWER_LINK.search(text_part(mail)).group(1)
    response = post_answer(client, token, "yes", [{"name": "Kim Bybo", "email": "kim@byn.example",
                                                   "mode": "online"}])
    assert response.status_code == 302
    with app.app_context():
        registration = db.session.scalar(select(Registration))
        assert registration.status == RegistrationStatus.CONFIRMED and registration.organisation_id is None


def test_a_forged_token_is_not_found(app, client):
    scenario = make_scenario(app)
    invite_members(app, scenario)
    real = token_for(app, scenario, scenario.reading)
    for forged in ("made-up-token", real[:-2] + ("AA" if not real.endswith("AA") else "BB")):
        response = client.get(f"/invitation/{forged}", headers=ENGLISH)
        assert response.status_code == 404
        assert "This invitation link is not valid." in response.get_data(as_text=True)
        token = csrf_token(client.get("/sign-in").get_data(as_text=True))
        assert client.post(f"/invitation/{forged}", data={"csrf_token": token, "answer": "no"}).status_code == 404
    assert invitation_of(app, scenario, scenario.reading).status == InvitationStatus.SENT


def test_a_link_from_another_site_does_not_work_here(app, make_app):
    """The link is derived from the site's secret key: a database copied elsewhere opens nothing."""
    scenario = make_scenario(app)
    invite_members(app, scenario)
    token = token_for(app, scenario, scenario.reading)
    other = make_app(SECRET_KEY="another-site-with-another-secret")
    with other.app_context():
        invitation = db.session.scalar(select(Invitation).where(Invitation.organisation_id == scenario.reading))
        assert invitation_token(invitation) != token


@pytest.mark.parametrize(("change", "message"), [
    ({"status": MeetingStatus.CANCELLED}, "This meeting has been cancelled, so registration is closed."),
    ({"registration_closes_at": utcnow() - timedelta(minutes=1)}, "Registration for this meeting has closed."),
])
def test_an_expired_link_says_why_and_stores_nothing(app, client, change, message):
    scenario = make_scenario(app)
    invite_members(app, scenario)
    token = token_for(app, scenario, scenario.reading)
    with app.app_context():
        meeting = db.session.get(Meeting, scenario.meeting)
        for name, value in change.items():
            setattr(meeting, name, value)
        db.session.commit()
    page = answer_page(client, token)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and message in html
    assert 'name="answer"' not in html  # no form to fill in for nothing
    # No form on the page; a valid token from another page shows the rule refuses, not CSRF.
    client.post(f"/invitation/{token}", data={"csrf_token": csrf_token(client.get("/sign-in").get_data(as_text=True)),
                                              "answer": "yes",
                                              "attendees-0-name": "Anna", "attendees-0-email": "anna@example.org",
                                              "attendees-0-mode": "on_site"})
    assert count(app, Registration) == 0
    with app.app_context(), pytest.raises(AnswerRefused):
        answer_invitation(token, False)
    assert invitation_of(app, scenario, scenario.reading).status == InvitationStatus.OPENED


# --- the overview -------------------------------------------------------------------------------

def overview_states(html: str) -> dict[str, str]:
    """{invited organisation or address: status shown} from the overview's table."""
    states = {}
    for row in html.split("<tr>")[2:]:
        recipient = re.search(r'<th scope="row">\s*(?:<a [^>]*>|<span [^>]*>)([^<]+)<', row).group(1)
        states[recipient.strip()] = re.search(r'class="invitation-state[^"]*">([^<]+)<', row).group(1)
    return states


def test_the_overview_shows_each_status_and_no_answer_once_registration_closed(app, client):
    scenario = make_scenario(app)
    invite_members(app, scenario, seats=3)
    with app.app_context():
        invite_emails(db.session.get(Meeting, scenario.meeting), ["kim@byn.example"], None)
    answer_page(client, token_for(app, scenario, scenario.village))  # opened
    post_answer(client, token_for(app, scenario, scenario.red_cross), "yes", [ANNA])
    post_answer(client, token_for(app, scenario, scenario.reading), "no")

    sign_in(client, scenario.organiser)
    html = client.get(f"/meetings/{scenario.meeting}/invitations").get_data(as_text=True)
    assert overview_states(html) == {"Svenska Röda Korset": "Yes", "Föreningen Läslust": "No",
                      "Byaföreningen i Vittangi": "Opened", "kim@byn.example": "Sent"}
    assert "Anna Andersson" in html and "3 seats" in html

    with app.app_context():
        meeting = db.session.get(Meeting, scenario.meeting)
        meeting.registration_closes_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    html = client.get(f"/meetings/{scenario.meeting}/invitations").get_data(as_text=True)
    assert overview_states(html) == {"Svenska Röda Korset": "Yes", "Föreningen Läslust": "No",
                      "Byaföreningen i Vittangi": "No answer", "kim@byn.example": "No answer"}
    assert "Registration for this meeting has closed, so no invitations can be sent." in html
    assert "Send again" not in html


def test_send_again_uses_the_same_link(app, client, send_mail):
    scenario = make_scenario(app)
    invite_members(app, scenario)
    first = {mail["To"]: ANSWER_LINK.search(text_part(mail)).group(1) for mail in send_mail()}
    sign_in(client, scenario.organiser)
    page = client.get(f"/meetings/{scenario.meeting}/invitations").get_data(as_text=True)
    invitation = invitation_of(app, scenario, scenario.reading)
    response = client.post(f"/meetings/{scenario.meeting}/invitations/{invitation.id}/send-again",
                           data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    (again,) = send_mail()[len(first):]
    assert again["To"] == "lars@laslust.example"
    assert ANSWER_LINK.search(text_part(again)).group(1) == first["lars@laslust.example"]


# --- reminders ----------------------------------------------------------------------------------

def reminder_scenario(app):
    """Registration closes in 30 hours; invited three days ago, except one invited just now."""
    now = utcnow()
    scenario = make_scenario(app, registration_closes_at=now + timedelta(hours=30))
    invite_members(app, scenario, now=now - timedelta(days=3))
    with app.app_context():
        invite_emails(db.session.get(Meeting, scenario.meeting), ["kim@byn.example"], None,
                      now=now - timedelta(hours=2))
    with app.app_context():
        answer_invitation(token_for(app, scenario, scenario.reading), False)
    return scenario


def test_reminders_go_once_to_those_who_have_not_answered(app, client, send_mail):
    scenario = reminder_scenario(app)
    sent = len(send_mail())
    with app.app_context():
        assert send_invitation_reminders() == 2  # the Red Cross and the village; not Läslust (answered)
        assert send_invitation_reminders() == 0
    reminders = send_mail()[sent:]
    assert sorted(mail["To"] for mail in reminders) == ["robin@redcross.example", "rut@redcross.example",
                                                        "styrelsen@vittangi.example"]
    english = next(mail for mail in reminders if mail["To"] == "robin@redcross.example")
    assert english["Subject"] == "Reminder: please answer the invitation to Dialogmöte om folkhälsa"
    token = ANSWER_LINK.search(text_part(english)).group(1)
    assert answer_page(client, token).status_code == 200  # the link in the reminder works
    assert invitation_of(app, scenario, scenario.red_cross).reminded_at is not None
    assert invitation_of(app, scenario, scenario.reading).reminded_at is None


def test_no_reminder_before_two_days_ahead_of_closing(app, send_mail):
    now = utcnow()
    scenario = make_scenario(app, registration_closes_at=now + timedelta(days=5))
    invite_members(app, scenario, now=now - timedelta(days=3))
    with app.app_context():
        assert send_invitation_reminders() == 0
        assert send_invitation_reminders(now=now + timedelta(days=6)) == 0  # closed: too late to remind
        assert send_invitation_reminders(now=now + timedelta(days=3, hours=1)) == 3


def test_reminders_are_sent_once_across_a_restart_and_two_workers(app, make_app, send_mail):
    reminder_scenario(app)
    sent = len(send_mail())
    start = threading.Barrier(2)
    results = []

    def worker():
        with app.app_context():
            start.wait(timeout=30)
            results.append(send_invitation_reminders())

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) in ([0, 2], [1, 1]), results

    restarted = make_app()  # a new process on the same database
    with restarted.app_context():
        assert send_invitation_reminders() == 0
    reminders = send_mail()[sent:]
    assert sorted(mail["To"] for mail in reminders) == ["robin@redcross.example", "rut@redcross.example",
                                                        "styrelsen@vittangi.example"]


def test_the_worker_runs_the_reminder_job(app):
    from meetings.scheduler import build_scheduler

    scheduler = build_scheduler(app, blocking=False)
    assert scheduler.get_job("core.send_invitation_reminders") is not None


def test_inviting_again_keeps_the_seats_offered_unless_a_number_is_given(app, send_mail):
    scenario = make_scenario(app)
    invite_members(app, scenario, seats=2)
    invite_members(app, scenario, seats=None)  # the form's seats left empty
    assert invitation_of(app, scenario, scenario.red_cross).seats == 2
    invite_members(app, scenario, seats=5)
    assert invitation_of(app, scenario, scenario.red_cross).seats == 5


def test_one_action_reminds_everyone_who_has_not_answered_with_a_reminder(app, client, send_mail):
    scenario = make_scenario(app)
    invite_members(app, scenario)  # Red Cross (2 people), Läslust, the village
    sent = len(send_mail())
    post_answer(client, token_for(app, scenario, scenario.reading), "no")
    sign_in(client, scenario.organiser)
    url = f"/meetings/{scenario.meeting}/invitations"
    assert "Remind all 2 invitations not yet answered" in client.get(url).get_data(as_text=True)
    response = submit_form(client, url, action=f"/meetings/{scenario.meeting}/invitations/remind",
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Reminders were sent for 2 invitations not yet answered." in html
    reminders = send_mail()[sent:]
    assert sorted(m["To"] for m in reminders) == [
        "robin@redcross.example", "rut@redcross.example", "styrelsen@vittangi.example"]
    assert all(m["Subject"].startswith(("Reminder", "Påminnelse")) for m in reminders)
    assert invitation_of(app, scenario, scenario.red_cross).reminded_at is not None
    assert "reminded" in html  # the date of the reminder in the overview
    assert invitation_of(app, scenario, scenario.reading).reminded_at is None  # answered: left alone


def test_the_account_page_shows_the_organisations_invitations_waiting_for_an_answer(app, client, send_mail):
    scenario = make_scenario(app)
    invite_members(app, scenario)
    sign_in(client, scenario.rep_reading)
    html = client.get("/account").get_data(as_text=True)  # in Lars's own language, Swedish
    assert "Inbjudningar som väntar på svar" in html and "för Föreningen Läslust" in html
    token = token_for(app, scenario, scenario.reading)
    assert f'href="/invitation/{token}"' in html
    assert html.index("Inbjudningar som väntar på svar") < html.index("Dina kommande möten")

    post_answer(client, token, "no")
    assert "Inbjudningar som väntar på svar" not in client.get("/account").get_data(as_text=True)
