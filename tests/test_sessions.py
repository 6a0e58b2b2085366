"""The programme of sessions (the yearly meeting place): each session's capacity holds however many
choose at once, its waiting list keeps its order and moves up when someone un-chooses or cancels,
sessions at the same time cannot both be chosen, and only the forum's organisers keep the programme."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from meetings.domain.registration import cancel, register
from meetings.domain.sessions import (
    SessionData,
    SessionInvalid,
    SessionRefusal,
    SessionRefused,
    choose_sessions,
    create_session,
    current_choices,
    delete_session,
    update_session,
    waiting_list,
)
from meetings.extensions import db
from meetings.models import (
    Forum,
    Meeting,
    MeetingFormat,
    MeetingSession,
    MeetingStatus,
    ParticipationMode,
    Person,
    Registration,
    RegistrationStatus,
    SessionChoice,
    utcnow,
)
from meetings.testing import csrf_token, sign_in, text_part
from tests.test_registration import make_people

ON_SITE, ONLINE = ParticipationMode.ON_SITE, ParticipationMode.ONLINE
CONFIRMED, WAITING = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING

# (title, hours after the meeting starts, length in hours, places, format)
PROGRAMME = [
    ("Folkhälsa i glesbygd", 0, 1, 5, MeetingFormat.HYBRID),
    ("Unga och föreningslivet", 0, 1, None, MeetingFormat.ON_SITE),  # at the same time as the first
    ("Beredskap och frivilliga", 1, 1, 2, MeetingFormat.ON_SITE),
]


def make_programme(app, organiser_id: int | None = None, meeting_format=MeetingFormat.HYBRID,
                   status=MeetingStatus.PUBLISHED, programme=PROGRAMME) -> tuple[int, list[int]]:
    """A yearly meeting place in Luleå with a programme; organised by ``organiser_id``'s public body if given."""
    with app.app_context():
        if organiser_id is not None:
            organiser = db.session.get(Person, organiser_id).memberships[0].organisation
        else:
            from meetings.models import Organisation, OrganisationKind
            organiser = Organisation(name="Länsstyrelsen Norrbotten", kind=OrganisationKind.PUBLIC_BODY)
        forum = Forum(slug=f"motesplats-{utcnow().timestamp()}", name="Årlig mötesplats", organiser=organiser)
        start = (utcnow() + timedelta(days=30)).replace(hour=8, minute=0, second=0, microsecond=0)
        meeting = Meeting(forum=forum, title="Mötesplats Norrbotten 2027", starts_at=start,
                          ends_at=start + timedelta(hours=8), format=meeting_format, venue_name="Kulturens hus",
                          online_url="https://meet.example.org/motesplats" if meeting_format != MeetingFormat.ON_SITE
                          else None, status=status)
        db.session.add(meeting)
        db.session.flush()
        session_ids = []
        for title, offset, hours, places, session_format in programme:
            session = MeetingSession(meeting_id=meeting.id, title=title, room=f"Sal {len(session_ids) + 1}",
                                     starts_at=start + timedelta(hours=offset),
                                     ends_at=start + timedelta(hours=offset + hours),
                                     format=session_format, capacity=places)
            db.session.add(session)
            db.session.flush()
            session_ids.append(session.id)
        db.session.commit()
        return meeting.id, session_ids


def registered(app, meeting_id: int, person_ids: list[int], mode=ON_SITE) -> list[int]:
    """Confirmed registrations (the meeting has no limit) of ``person_ids``, in order."""
    ids = []
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        for person_id in person_ids:
            ids.append(register(meeting, db.session.get(Person, person_id), mode, notify=False).registration.id)
    return ids


def choose(app, registration_id: int, session_ids, **kwargs) -> dict[int, RegistrationStatus]:
    with app.app_context():
        registration = db.session.get(Registration, registration_id)
        chosen = choose_sessions(registration, session_ids, **kwargs)
        return {session_id: choice.status for session_id, choice in chosen.items()}


def session_state(app, session_id: int):
    with app.app_context():
        session = db.session.get(MeetingSession, session_id)
        rows = db.session.execute(select(SessionChoice.registration_id, SessionChoice.status)
                                  .where(SessionChoice.session_id == session_id)).all()
        in_line = [choice.registration_id for choice in waiting_list(session)]
        return session.confirmed_count, {r.registration_id: r.status for r in rows}, in_line


def test_thirty_at_once_for_five_places(app):
    """The capacity rule for a session: exactly five places, twenty-five waiting in arrival order, none lost."""
    meeting_id, (session_id, *_) = make_programme(app)
    registration_ids = registered(app, meeting_id, make_people(app, 30))
    start = threading.Barrier(30)
    errors: list[BaseException] = []

    def attempt(registration_id):
        try:
            start.wait(timeout=60)
            choose(app, registration_id, [session_id])
        except BaseException as exc:  # noqa: BLE001 - every failure is reported below
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=(rid,)) for rid in registration_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    counter, statuses, in_line = session_state(app, session_id)
    assert len(statuses) == 30  # none lost
    assert counter == 5 and list(statuses.values()).count(CONFIRMED) == 5
    assert list(statuses.values()).count(WAITING) == 25
    with app.app_context():
        arrival = db.session.execute(
            select(SessionChoice.registration_id).where(SessionChoice.session_id == session_id,
                                                        SessionChoice.status == WAITING)
            .order_by(SessionChoice.waiting_since, SessionChoice.registration_id)).scalars().all()
    assert in_line == list(arrival) and len(in_line) == 25


def test_people_swapping_sessions_at_once_all_get_their_change(app):
    """Twenty people swap between two sessions at the same moment: no one's change fails or is lost."""
    meeting_id, _ = make_programme(app, programme=[("Förmiddag", 0, 2, None, MeetingFormat.ON_SITE),
                                                   ("Eftermiddag", 3, 2, None, MeetingFormat.ON_SITE)])
    with app.app_context():
        morning, afternoon = [s.id for s in db.session.get(Meeting, meeting_id).sessions]
    registration_ids = registered(app, meeting_id, make_people(app, 20))
    for index, registration_id in enumerate(registration_ids):
        choose(app, registration_id, [morning if index % 2 else afternoon])
    start = threading.Barrier(20)
    errors: list[BaseException] = []

    def swap(index, registration_id):
        try:
            start.wait(timeout=60)
            choose(app, registration_id, [afternoon if index % 2 else morning])
        except BaseException as exc:  # noqa: BLE001 - every failure is reported below
            errors.append(exc)

    threads = [threading.Thread(target=swap, args=pair) for pair in enumerate(registration_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    for session_id, holders in ((morning, registration_ids[0::2]), (afternoon, registration_ids[1::2])):
        counter, statuses, _ = session_state(app, session_id)
        assert counter == 10 and statuses == dict.fromkeys(holders, CONFIRMED)


def test_waiting_list_moves_up_in_order_when_someone_unchooses(app, send_mail):
    meeting_id, (_, _, workshop) = make_programme(app)  # the workshop has two places
    first, second, third, fourth = registered(app, meeting_id, make_people(app, 4))
    for registration_id in (first, second, third, fourth):
        choose(app, registration_id, [workshop])
    counter, statuses, in_line = session_state(app, workshop)
    assert counter == 2 and in_line == [third, fourth]

    choose(app, first, [])  # changes their mind
    counter, statuses, in_line = session_state(app, workshop)
    assert counter == 2 and first not in statuses
    assert statuses[third] == CONFIRMED and in_line == [fourth]

    (mail,) = send_mail()
    assert mail["To"] == "person2@example.org"
    assert "Beredskap och frivilliga" in mail["Subject"] and "Sal 3" in text_part(mail)


def test_cancelling_the_registration_gives_its_session_places_to_those_waiting(app, send_mail):
    meeting_id, (talk, _, workshop) = make_programme(app)
    first, second, third = registered(app, meeting_id, make_people(app, 3))
    choose(app, first, [talk, workshop])
    choose(app, second, [workshop])
    choose(app, third, [workshop])
    assert session_state(app, workshop)[2] == [third]

    with app.app_context():
        cancel(db.session.get(Registration, first))
    counter, statuses, in_line = session_state(app, workshop)
    assert counter == 2 and statuses == {second: CONFIRMED, third: CONFIRMED} and in_line == []
    assert session_state(app, talk)[0] == 0  # the other place is freed too
    # The third is told of the workshop place; the first gets the cancellation of the registration.
    assert sorted(m["To"] for m in send_mail()) == ["person0@example.org", "person2@example.org"]


def test_sessions_at_the_same_time_cannot_both_be_chosen(app):
    meeting_id, (talk, youth, workshop) = make_programme(app)
    (registration_id,) = registered(app, meeting_id, make_people(app, 1))
    choose(app, registration_id, [workshop])

    with pytest.raises(SessionRefused) as refused, app.test_request_context():
        choose_sessions(db.session.get(Registration, registration_id), [talk, youth, workshop])
    assert refused.value.refusal == SessionRefusal.OVERLAP
    assert "Folkhälsa i glesbygd" in refused.value.message and "Unga och föreningslivet" in refused.value.message
    # Nothing half-written: the earlier choice stands, no place was taken.
    assert choose(app, registration_id, [workshop]) == {workshop: CONFIRMED}
    assert session_state(app, talk)[0] == 0 and session_state(app, youth)[0] == 0


@pytest.mark.parametrize(("setup", "refusal"), [
    ("online", SessionRefusal.ON_SITE_ONLY),
    ("waiting_for_the_meeting", SessionRefusal.NOT_CONFIRMED),
    ("cancelled_registration", SessionRefusal.NOT_CONFIRMED),
    ("started", SessionRefusal.STARTED),
    ("other_meeting", SessionRefusal.UNKNOWN_SESSION),
    ("cancelled_meeting", SessionRefusal.NOT_OPEN),
])
def test_choices_outside_the_rules_are_refused_and_change_nothing(app, setup, refusal):
    meeting_id, (talk, youth, workshop) = make_programme(app)
    person_a, person_b = make_people(app, 2)
    now = None
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        if setup == "waiting_for_the_meeting":
            meeting.capacity = 1
            db.session.commit()
            register(meeting, db.session.get(Person, person_b), ON_SITE, notify=False)
        mode = ONLINE if setup == "online" else ON_SITE
        registration = register(meeting, db.session.get(Person, person_a), mode, notify=False).registration
        registration_id = registration.id
        if setup == "waiting_for_the_meeting":
            # person_a came second and waits; person_b has the seat
            registration_id = registration.id
            assert registration.status == WAITING
        if setup == "cancelled_registration":
            cancel(registration)
        if setup == "cancelled_meeting":
            meeting.status = MeetingStatus.CANCELLED
            db.session.commit()
        if setup == "started":
            now = meeting.starts_at + timedelta(minutes=5)
        wanted = [youth]
        if setup == "other_meeting":
            wanted = [make_programme(app)[1][0]]
    with pytest.raises(SessionRefused) as refused, app.test_request_context():
        choose_sessions(db.session.get(Registration, registration_id), wanted, now=now)
    assert refused.value.refusal == refusal
    assert refused.value.message
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SessionChoice)) == 0
        assert db.session.scalar(select(func.sum(MeetingSession.confirmed_count))) == 0


def test_more_places_go_to_the_waiting_list_and_fewer_than_taken_are_refused(app, send_mail):
    meeting_id, (_, _, workshop) = make_programme(app)
    registrations = registered(app, meeting_id, make_people(app, 4))
    for registration_id in registrations:
        choose(app, registration_id, [workshop])

    def data(session, **changes):
        values = {"title": session.title, "starts_at": session.starts_at, "ends_at": session.ends_at,
                  "format": session.format, "room": session.room, "capacity": session.capacity}
        return SessionData(**{**values, **changes})

    with app.test_request_context():
        session = db.session.get(MeetingSession, workshop)
        update_session(session, data(session, capacity=3))
    counter, statuses, in_line = session_state(app, workshop)
    assert counter == 3 and statuses[registrations[2]] == CONFIRMED and in_line == [registrations[3]]
    assert [m["To"] for m in send_mail()] == ["person2@example.org"]

    with app.test_request_context():
        session = db.session.get(MeetingSession, workshop)
        with pytest.raises(SessionInvalid) as invalid:
            update_session(session, data(session, capacity=2))
        assert invalid.value.field == "capacity" and "3" in invalid.value.message
    assert session_state(app, workshop)[0] == 3
    with app.app_context():
        assert db.session.get(MeetingSession, workshop).capacity == 3


def test_moving_or_removing_a_session_tells_those_who_chose_it(app, send_mail):
    meeting_id, (talk, _, workshop) = make_programme(app)
    first, second = registered(app, meeting_id, make_people(app, 2))
    choose(app, first, [talk, workshop])
    choose(app, second, [talk])

    with app.test_request_context():
        session = db.session.get(MeetingSession, talk)
        update_session(session, SessionData(
            title=session.title, starts_at=session.starts_at + timedelta(hours=2),
            ends_at=session.ends_at + timedelta(hours=2), format=session.format, room="Stora salen",
            capacity=session.capacity))
        update_session(session, SessionData(  # only the title changes: no e-mail
            title="Folkhälsa i hela länet", starts_at=session.starts_at, ends_at=session.ends_at,
            format=session.format, room=session.room, capacity=session.capacity))
    mails = send_mail()
    assert sorted(m["To"] for m in mails) == ["person0@example.org", "person1@example.org"]
    assert "Stora salen" in text_part(mails[0])

    with app.test_request_context():
        delete_session(db.session.get(MeetingSession, workshop))
    removed = send_mail()[2:]
    assert [m["To"] for m in removed] == ["person0@example.org"]
    assert "Beredskap och frivilliga" in removed[0]["Subject"]
    with app.app_context():
        assert set(current_choices(db.session.get(Registration, first))) == {talk}
        assert db.session.get(Registration, first).status == CONFIRMED


@pytest.mark.parametrize(("changes", "field"), [
    ({"starts_at": -1}, "starts_at"),  # before the meeting starts
    ({"ends_at": 9}, "starts_at"),  # after it ends
    ({"format": MeetingFormat.DIGITAL, "meeting_format": MeetingFormat.ON_SITE}, "format"),
    ({"ends_at": 0}, "ends_at"),
])
def test_a_session_must_fit_its_meeting(app, changes, field):
    meeting_format = changes.pop("meeting_format", MeetingFormat.HYBRID)
    meeting_id, _ = make_programme(app, meeting_format=meeting_format, programme=[])
    with app.test_request_context():
        meeting = db.session.get(Meeting, meeting_id)
        hours = {"starts_at": changes.pop("starts_at", 1), "ends_at": changes.pop("ends_at", 2)}
        data = SessionData(title="Samtal", starts_at=meeting.starts_at + timedelta(hours=hours["starts_at"]),
                           ends_at=meeting.starts_at + timedelta(hours=hours["ends_at"]),
                           format=changes.pop("format", MeetingFormat.ON_SITE))
        with pytest.raises(SessionInvalid) as invalid:
            create_session(meeting, data)
        assert invalid.value.field == field and invalid.value.message
        assert db.session.scalar(select(func.count()).select_from(MeetingSession)) == 0


# --- the pages -----------------------------------------------------------------------------------

@pytest.fixture
def client(app):
    """A visitor whose browser asks for English (the tests read the English text)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def speaks_english(app, person_ids) -> None:
    with app.app_context():
        for person_id in person_ids:
            db.session.get(Person, person_id).locale = "en"
        db.session.commit()


def session_form(client, path: str, **fields) -> dict:
    page = client.get(path)
    assert page.status_code == 200
    return {"csrf_token": csrf_token(page.get_data(as_text=True)), "title": "Civilsamhällets beredskap",
            "starts_at": "", "ends_at": "", "room": "Sal 4", "format": "on_site", "capacity": "20",
            "description": "Vi övar **tillsammans**.", **fields}


def local(moment) -> str:
    from zoneinfo import ZoneInfo
    return moment.astimezone(ZoneInfo("Europe/Stockholm")).strftime("%Y-%m-%dT%H:%M")


def test_only_the_forums_organisers_keep_the_programme(app, client, people):
    meeting_id, (talk, *_) = make_programme(app, organiser_id=people["organiser"])
    pages = [("get", f"/meetings/{meeting_id}/programme"), ("get", f"/meetings/{meeting_id}/programme/{talk}"),
             ("post", f"/meetings/{meeting_id}/programme"), ("post", f"/meetings/{meeting_id}/programme/{talk}"),
             ("post", f"/meetings/{meeting_id}/programme/{talk}/delete")]
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    form = {"csrf_token": token, "delete-csrf_token": token}
    for method, path in pages:
        response = getattr(client, method)(path, data=form)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], path

    sign_in(client, people["representative"])  # a representative, not an organiser of this forum
    for method, path in pages:
        assert getattr(client, method)(path, data=form).status_code == 403, path
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MeetingSession)) == 3

    sign_in(client, people["organiser"])
    assert client.get(f"/meetings/{meeting_id}/programme").status_code == 200


def test_an_organiser_adds_edits_and_removes_a_session(app, client, people):
    meeting_id, (talk, *_) = make_programme(app, organiser_id=people["organiser"])
    sign_in(client, people["organiser"])
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        start, end = meeting.starts_at + timedelta(hours=6), meeting.starts_at + timedelta(hours=7)
    path = f"/meetings/{meeting_id}/programme"

    data = session_form(client, path, starts_at=local(end), ends_at=local(start))
    page = client.post(path, data=data).get_data(as_text=True)
    assert "The session must end after it starts." in page
    assert 'value="Civilsamhällets beredskap"' in page  # what was typed is shown again

    response = client.post(path, data={**data, "starts_at": local(start), "ends_at": local(end)})
    assert response.status_code == 302
    with app.app_context():
        added = db.session.scalar(select(MeetingSession).where(MeetingSession.title == "Civilsamhällets beredskap"))
        assert (added.starts_at, added.ends_at, added.capacity, added.room) == (start, end, 20, "Sal 4")
        added_id = added.id
    programme_page = client.get(f"/meetings/{meeting_id}/programme-public").get_data(as_text=True)
    assert "Civilsamhällets beredskap" in programme_page and "<strong>tillsammans</strong>" in programme_page

    edit = f"/meetings/{meeting_id}/programme/{added_id}"
    late = session_form(client, edit, starts_at=local(start + timedelta(hours=5)),
                        ends_at=local(end + timedelta(hours=5)))
    assert "during the meeting" in client.post(edit, data=late).get_data(as_text=True)
    assert client.post(edit, data={**late, "starts_at": local(start), "ends_at": local(end),
                                   "capacity": ""}).status_code == 302
    with app.app_context():
        assert db.session.get(MeetingSession, added_id).capacity is None

    page = client.get(edit).get_data(as_text=True)
    response = client.post(f"{edit}/delete", data={"delete-csrf_token": csrf_token(page)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(MeetingSession, added_id) is None


def test_the_programme_is_public_but_not_for_drafts(app, client):
    meeting_id, _ = make_programme(app)
    page = client.get(f"/meetings/{meeting_id}/programme-public")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Folkhälsa i glesbygd" in html and "Sal 1" in html and "5 places left" in html
    assert "meet.example.org" not in html  # the online link never on a public page

    draft_id, _ = make_programme(app, status=MeetingStatus.DRAFT)
    assert client.get(f"/meetings/{draft_id}/programme-public").status_code == 404


def test_a_registrant_chooses_sessions_on_the_page(app, client):
    meeting_id, (talk, youth, workshop) = make_programme(app)
    person_id, other_id = make_people(app, 2)
    speaks_english(app, [person_id, other_id])
    path = f"/meetings/{meeting_id}/programme/choose"
    sign_in(client, person_id)
    page = client.get(path).get_data(as_text=True)
    assert "Register for the meeting first" in page and 'name="sessions"' not in page

    (registration_id,) = registered(app, meeting_id, [person_id])
    page = client.get(path).get_data(as_text=True)
    token = csrf_token(page)
    response = client.post(path, data={"csrf_token": token, "sessions": [str(talk), str(youth)]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "are at the same time" in html
    assert f'value="{talk}"' in html and "checked" in html
    with app.app_context():
        assert current_choices(db.session.get(Registration, registration_id)) == {}

    response = client.post(path, data={"csrf_token": token, "sessions": [str(talk), str(workshop)]})
    assert response.status_code == 302
    page = client.get(path).get_data(as_text=True)
    assert page.count("You have a place") == 2

    # Someone else, by the link in their e-mail (no account needed), finds the workshop half full.
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        token_of_other = register(meeting, db.session.get(Person, other_id), ON_SITE, notify=False).manage_token
    client.post("/sign-out", data={"csrf_token": token})
    by_link = f"/registrations/{token_of_other}/sessions"
    assert by_link in client.get(f"/registrations/{token_of_other}").get_data(as_text=True)  # linked from there
    page = client.get(by_link).get_data(as_text=True)
    assert "1 place left" in page
    assert client.post(by_link, data={"csrf_token": csrf_token(page), "sessions": [str(workshop)]}
                       ).status_code == 302
    assert client.get(by_link).get_data(as_text=True).count("You have a place") == 1
    assert client.get("/registrations/not-a-real-token/sessions").status_code == 404


def test_sessions_are_chosen_in_the_invitation_answer_and_listed_in_the_confirmation(app, client, send_mail):
    from meetings.domain.invitations import invitation_token, invite_emails
    from meetings.models import Invitation
    from meetings.testing import find_form, send_form, submit_form

    meeting_id, (health, youth, preparedness) = make_programme(app)
    with app.app_context():
        invite_emails(db.session.get(Meeting, meeting_id), ["kim@byn.example"], None)
        token = invitation_token(db.session.scalar(select(Invitation)))
    url = f"/invitation/{token}"
    page = client.get(url).get_data(as_text=True)
    assert "Folkhälsa i glesbygd" in page and 'name="attendees-0-sessions"' in page

    # Two sessions at the same time: refused beside the choice, nothing stored, what was typed kept.
    fields = {"attendees-0-name": "Kim Bybo", "attendees-0-mode": "on_site"}
    refused = submit_form(client, url, {"answer": "yes", **fields,
                                        "attendees-0-sessions": [str(health), str(youth)]})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="attendees-0-sessions-error"' in html
    assert 'value="Kim Bybo"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Registration.id))) == 0

    form = find_form(html, url, button="more-rows")
    assert send_form(client, form, {"attendees-0-sessions": [str(health), str(preparedness)]},
                     page=url).status_code == 302
    with app.app_context():
        registration = db.session.scalar(select(Registration))
        assert {c.session_id: c.status for c in registration.session_choices} == {
            health: CONFIRMED, preparedness: CONFIRMED}
    invitation_mail, confirmation = send_mail()
    text = text_part(confirmation)
    assert "Folkhälsa i glesbygd" in text and "Beredskap och frivilliga" in text
    assert "Unga och föreningslivet" not in text

