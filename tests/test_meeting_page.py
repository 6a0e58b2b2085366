"""The meeting page: what everyone sees, what only registrants and organisers see (the online
link), members-only meetings, the registration state, and the public list of participants."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from meetings.domain import queries
from meetings.domain.registration import cancel, register
from meetings.extensions import db
from meetings.models import (
    ForumMember,
    ForumMemberStatus,
    Invitation,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    ParticipationMode,
    Person,
    Registration,
    RegistrationStatus,
    utcnow,
)
from meetings.testing import csrf_token, sign_in
from tests.test_meeting_admin import ENGLISH, add_meeting, add_person, make_forum, register_person

LINK = "https://meet.example.org/folkhalsa"


@pytest.fixture
def forum(app, people):
    return make_forum(app, people)
ON_SITE, ONLINE = ParticipationMode.ON_SITE, ParticipationMode.ONLINE


def page_as(client, meeting_id: int, person_id: int | None = None):
    with client.session_transaction() as session:
        session.clear()
        if person_id is not None:
            session["person_id"] = person_id
    return client.get(f"/meetings/{meeting_id}", headers=ENGLISH)


def html_as(client, meeting_id: int, person_id: int | None = None) -> str:
    response = page_as(client, meeting_id, person_id)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def sees_link(app, meeting_id: int, person_id: int | None) -> bool:
    with app.app_context():
        person = db.session.get(Person, person_id) if person_id else None
        return queries.may_see_online_link(db.session.get(Meeting, meeting_id), person)


# --- the online link -------------------------------------------------------------------------------

@pytest.mark.parametrize("online_capacity", [None, 20])
def test_the_online_link_is_only_for_confirmed_registrants_and_organisers(app, client, forum, online_capacity):
    meeting_id = add_meeting(app, forum["forum"], meeting_format=MeetingFormat.HYBRID, capacity=1,
                             online_capacity=online_capacity, online_url=LINK)
    online = add_person(app, "online@example.org")
    on_site = add_person(app, "onsite@example.org")
    waiting = add_person(app, "waiting@example.org")
    cancelled = add_person(app, "cancelled@example.org")
    other = add_person(app, "other@example.org")
    register_person(app, meeting_id, online, ONLINE)
    register_person(app, meeting_id, on_site, ON_SITE)
    assert register_person(app, meeting_id, waiting, ON_SITE) == RegistrationStatus.WAITING
    register_person(app, meeting_id, cancelled, ONLINE)
    with app.app_context():
        cancel(db.session.scalar(select(Registration).where(Registration.person_id == cancelled)))

    expected = {
        None: False, other: False, waiting: False, cancelled: False,
        online: True, forum["organiser"]: True, forum["admin"]: True,
        # A seat on site at a hybrid meeting: the link too, unless online places are counted.
        on_site: online_capacity is None,
    }
    for person_id, allowed in expected.items():
        assert sees_link(app, meeting_id, person_id) is allowed, person_id
        assert (LINK in html_as(client, meeting_id, person_id)) is allowed, person_id

    # Never on public pages, whoever looks.
    for person_id in (None, forum["organiser"]):
        with client.session_transaction() as session:
            session.clear()
            if person_id:
                session["person_id"] = person_id
        assert LINK not in client.get("/").get_data(as_text=True)
        assert LINK not in client.get(f"/forums/{forum['slug']}").get_data(as_text=True)


def test_the_waiting_list_is_told_when_the_link_comes(app, client, forum):
    meeting_id = add_meeting(app, forum["forum"], meeting_format=MeetingFormat.DIGITAL, capacity=None,
                             online_capacity=1, online_url=LINK)
    first, second = add_person(app, "first@example.org"), add_person(app, "second@example.org")
    register_person(app, meeting_id, first, ONLINE)
    register_person(app, meeting_id, second, ONLINE)
    assert "You get the link when you have a place." in html_as(client, meeting_id, second)
    assert "sent by e-mail to those with a confirmed place" in html_as(client, meeting_id, None)


def test_a_cancelled_meeting_shows_its_link_to_nobody_but_the_organisers(app, client, forum):
    meeting_id = add_meeting(app, forum["forum"], meeting_format=MeetingFormat.DIGITAL, capacity=None,
                             online_url=LINK)
    online = add_person(app, "online@example.org")
    register_person(app, meeting_id, online, ONLINE)
    with app.app_context():
        db.session.get(Meeting, meeting_id).status = MeetingStatus.CANCELLED
        db.session.commit()
    assert not sees_link(app, meeting_id, online)
    assert sees_link(app, meeting_id, forum["organiser"])


# --- who sees the meeting ----------------------------------------------------------------------------

def test_a_members_only_meeting_is_seen_by_members_the_invited_and_the_organisers_only(app, client, forum):
    meeting_id = add_meeting(app, forum["forum"], members_only=True, title="Internt arbetsmöte")
    public_id = add_meeting(app, forum["forum"], title="Öppet dialogmöte")
    with app.app_context():
        def organisation_with_person(name: str, email: str) -> tuple[int, int]:
            organisation = Organisation(name=name, kind=OrganisationKind.CIVIL_SOCIETY)
            person = Person(email=email, name=name, locale="en")
            db.session.add_all([organisation, person])
            db.session.flush()
            db.session.add(Membership(person=person, organisation=organisation,
                                      role=MembershipRole.REPRESENTATIVE))
            return organisation.id, person.id

        member_org, member = organisation_with_person("Funktionsrätt Norrbotten", "member@example.org")
        invited_org, invited = organisation_with_person("Sunderby folkhögskola", "invited@example.org")
        asked_org, asked = organisation_with_person("Byaföreningen", "asked@example.org")
        db.session.add_all([
            ForumMember(forum_id=forum["forum"], organisation_id=member_org, status=ForumMemberStatus.MEMBER),
            # Having asked to join is not membership yet.
            ForumMember(forum_id=forum["forum"], organisation_id=asked_org, status=ForumMemberStatus.REQUESTED),
            Invitation(meeting_id=meeting_id, organisation_id=invited_org, token_hash="a" * 64),
            Invitation(meeting_id=meeting_id, email="guest@example.org", token_hash="b" * 64),
        ])
        guest = Person(email="guest@example.org", name="Gäst", locale="en")
        db.session.add(guest)
        db.session.commit()
        guest = guest.id

    for person_id in (forum["organiser"], forum["admin"], member, invited, guest):
        assert page_as(client, meeting_id, person_id).status_code == 200, person_id
        assert "Members only" in html_as(client, meeting_id, person_id)
    for person_id in (None, forum["representative"], asked):
        assert page_as(client, meeting_id, person_id).status_code == 404, person_id
        assert client.get(f"/meetings/{meeting_id}/register").status_code in (302, 404)

    # Not in the public lists; the forum page lists it for a member.
    page_as(client, public_id, None)
    home = client.get("/").get_data(as_text=True)
    assert "Öppet dialogmöte" in home and "Internt arbetsmöte" not in home
    assert "Internt arbetsmöte" not in client.get(f"/forums/{forum['slug']}").get_data(as_text=True)
    page_as(client, public_id, member)
    assert "Internt arbetsmöte" in client.get(f"/forums/{forum['slug']}").get_data(as_text=True)
    assert "Internt arbetsmöte" not in client.get("/").get_data(as_text=True)


def test_drafts_are_not_found_by_the_public(app, client, forum):
    draft = add_meeting(app, forum["forum"], status=MeetingStatus.DRAFT, title="Utkast till möte")
    for person_id in (None, forum["representative"]):
        assert page_as(client, draft, person_id).status_code == 404
        assert "Utkast till möte" not in client.get("/").get_data(as_text=True)
        assert "Utkast till möte" not in client.get(f"/forums/{forum['slug']}").get_data(as_text=True)
    html = html_as(client, draft, forum["organiser"])
    assert "Draft: only the organisers can see this meeting." in html and "Publish meeting" in html
    assert "Utkast till möte" in client.get(f"/forums/{forum['slug']}").get_data(as_text=True)


# --- the facts and registration ----------------------------------------------------------------------

def test_the_page_shows_time_place_access_agenda_and_seats_left(app, client, forum):
    meeting_id = add_meeting(app, forum["forum"], capacity=10, venue_address="Skeppsbrogatan 17",
                             access_info="Entré utan **trappsteg**.", description="Vi samtalar om folkhälsa.",
                             municipality_id=forum["lulea"])
    for i in range(3):
        register_person(app, meeting_id, add_person(app, f"p{i}@example.org"))
    html = html_as(client, meeting_id)
    assert "Kulturens hus, Skeppsbrogatan 17, Luleå" in html
    assert "Entré utan <strong>trappsteg</strong>." in html
    assert "Vi samtalar om folkhälsa." in html
    assert "7 of 10 seats left" in html
    assert "Region Norrbotten" in html
    assert "Registration is open until" in html


def test_a_visitor_registers_without_an_account_and_a_signed_in_person_registers(app, client, forum):
    meeting_id = add_meeting(app, forum["forum"])
    html = html_as(client, meeting_id)
    assert f'href="/meetings/{meeting_id}/register"' in html and ">Register for the meeting<" in html
    assert "No account is needed" in html and "Sign in to register" not in html
    html = html_as(client, meeting_id, forum["representative"])
    assert f'href="/meetings/{meeting_id}/register"' in html and ">Register for the meeting<" in html
    assert "Sign in to register" not in html


@pytest.mark.parametrize("fields, text", [
    ({"registration_opens_at": utcnow() + timedelta(days=3)}, "Registration opens"),
    ({"registration_closes_at": utcnow() - timedelta(hours=1)}, "Registration has closed."),
    ({"capacity": 0}, "All places are taken. You can still register and join the waiting list"),
])
def test_the_page_says_when_registration_is_not_simply_open(app, client, forum, fields, text):
    meeting_id = add_meeting(app, forum["forum"], **fields)
    html = html_as(client, meeting_id, forum["representative"])
    assert text in html
    register_link = f'href="/meetings/{meeting_id}/register"'
    assert (register_link in html) is ("capacity" in fields)  # full: join the waiting list
    if "capacity" in fields:
        assert "Join the waiting list" in html and "Full (0 seats)" in html


def test_a_registered_person_sees_their_status_and_can_cancel_from_the_page(app, client, forum, send_mail):
    meeting_id = add_meeting(app, forum["forum"], capacity=1)
    first, second = add_person(app, "first@example.org"), add_person(app, "second@example.org")
    register_person(app, meeting_id, first)
    register_person(app, meeting_id, second)
    already = len(send_mail())

    html = html_as(client, meeting_id, second)
    assert "You are registered." in html and "On the waiting list" in html
    html = html_as(client, meeting_id, first)
    assert "Confirmed" in html and f'href="/meetings/{meeting_id}/my-registration"' in html
    assert f'href="/meetings/{meeting_id}/register"' not in html

    page = client.get(f"/meetings/{meeting_id}/my-registration", headers=ENGLISH)
    assert page.status_code == 200
    asked = client.post(f"/meetings/{meeting_id}/my-registration", headers=ENGLISH, data={
        "cancel-csrf_token": csrf_token(page.get_data(as_text=True)), "cancel-submit": "1"})
    assert "Do you want to cancel your registration?" in asked.get_data(as_text=True)  # asked once
    response = client.post(f"/meetings/{meeting_id}/my-registration", headers=ENGLISH, data={
        "cancel-csrf_token": csrf_token(asked.get_data(as_text=True)), "cancel-confirm": "yes",
        "cancel-submit": "1"})
    assert response.status_code == 302
    with app.app_context():
        statuses = dict(db.session.execute(select(Registration.person_id, Registration.status)).all())
    assert statuses == {first: RegistrationStatus.CANCELLED, second: RegistrationStatus.CONFIRMED}
    # The second is told of the place; the first gets the cancellation.
    assert sorted(m["To"] for m in send_mail()[already:]) == ["first@example.org", "second@example.org"]
    mine = client.get(response.headers["Location"], headers=ENGLISH).get_data(as_text=True)
    assert "Registration cancelled" in mine and f'href="/meetings/{meeting_id}/register"' in mine  # "register again"
    # Having cancelled, the page offers to register again.
    assert f'href="/meetings/{meeting_id}/register"' in html_as(client, meeting_id, first)


def test_switching_to_online_from_the_page_gives_the_link(app, client, forum):
    meeting_id = add_meeting(app, forum["forum"], meeting_format=MeetingFormat.HYBRID, online_capacity=5,
                             online_url=LINK)
    person = add_person(app, "person@example.org")
    register_person(app, meeting_id, person, ON_SITE)
    assert LINK not in html_as(client, meeting_id, person)
    page = client.get(f"/meetings/{meeting_id}/my-registration", headers=ENGLISH)
    client.post(f"/meetings/{meeting_id}/my-registration", headers=ENGLISH, data={
        "mode-csrf_token": csrf_token(page.get_data(as_text=True)), "mode-mode": "online", "mode-submit": "1"})
    assert LINK in html_as(client, meeting_id, person)
    mine = client.get(f"/meetings/{meeting_id}/my-registration", headers=ENGLISH).get_data(as_text=True)
    assert LINK in mine and "Online" in mine and 'href="/registrations/' not in mine  # no token is at hand here


def test_my_registration_needs_a_registration_and_a_sign_in(app, client, forum):
    meeting_id = add_meeting(app, forum["forum"])
    response = client.get(f"/meetings/{meeting_id}/my-registration")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    sign_in(client, forum["representative"])
    response = client.get(f"/meetings/{meeting_id}/my-registration")
    assert response.status_code == 302 and response.headers["Location"] == f"/meetings/{meeting_id}"


# --- participants ------------------------------------------------------------------------------------

def test_the_public_list_names_only_confirmed_people_who_agreed(app, client, forum):
    meeting_id = add_meeting(app, forum["forum"], capacity=2)
    agreed = add_person(app, "agreed@example.org", "Anna Andersson")
    private = add_person(app, "private@example.org", "Petra Privat")
    waiting = add_person(app, "waiting@example.org", "Walter Väntar")
    with app.app_context():
        red_cross = db.session.get(Organisation, forum["association"])
        db.session.add(Membership(person_id=agreed, organisation=red_cross, role=MembershipRole.REPRESENTATIVE))
        db.session.commit()
        register(db.session.get(Meeting, meeting_id), db.session.get(Person, agreed), ON_SITE,
                 organisation=red_cross, show_name_publicly=True)
    register_person(app, meeting_id, private)
    register_person(app, meeting_id, waiting, show_name_publicly=True)

    html = html_as(client, meeting_id)
    assert "Anna Andersson, Svenska Röda Korset" in html
    assert "Petra Privat" not in html and "Walter Väntar" not in html
    assert "2 people have a confirmed place." in html and "Only those who agreed are named here." in html
    assert "@example.org" not in html


# --- organisers' tools -------------------------------------------------------------------------------

def test_organiser_tools_are_shown_to_managers_only(app, client, forum):
    meeting_id = add_meeting(app, forum["forum"])
    html = html_as(client, meeting_id, forum["organiser"])
    assert f'href="/meetings/{meeting_id}/edit"' in html and f'href="/meetings/{meeting_id}/cancel"' in html
    assert f'href="/meetings/{meeting_id}/agenda"' in html
    for page in ("invitations", "programme", "check-in", "participants", "sign-in-sheet"):
        assert f'href="/meetings/{meeting_id}/{page}"' in html, page
    for person_id in (None, forum["representative"]):
        html = html_as(client, meeting_id, person_id)
        assert "/edit" not in html and "/cancel" not in html and "Running this meeting" not in html
