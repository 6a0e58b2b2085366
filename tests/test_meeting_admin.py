"""Organisers create, edit, publish, move and cancel meetings and keep their agenda; everyone else
gets 403 and changes nothing. E-mails go through the real SMTP test server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from meetings import hookimpl
from meetings.domain import meetings as domain
from meetings.domain.registration import RegistrationRefused, cancel, register
from meetings.extensions import db
from meetings.models import (
    AgendaItem,
    Forum,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Municipality,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    ParticipationMode,
    PendingNotification,
    Person,
    Registration,
    RegistrationStatus,
    SubjectArea,
    utcnow,
)
from meetings.testing import csrf_token, html_part, sign_in, text_part

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def forum(app, people):
    return make_forum(app, people)


def make_forum(app, people: dict) -> dict:
    """Länspartnerskapet, organised by Region Norrbotten (the ``people`` fixture's organiser)."""
    with app.app_context():
        lulea = Municipality(code="2580", name="Luleå", county="Norrbottens län")
        kiruna = Municipality(code="2584", name="Kiruna", county="Norrbottens län")
        rural = SubjectArea(code="landsbygd", name_sv="Landsbygd", name_en="Rural areas")
        forum = Forum(slug="lanspartnerskapet", name="Länspartnerskapet",
                      organiser=db.session.get(Organisation, people["region"]), subject_areas=[rural])
        db.session.add_all([lulea, kiruna, rural, forum])
        db.session.commit()
        return {**people, "forum": forum.id, "slug": forum.slug, "lulea": lulea.id, "kiruna": kiruna.id,
                "rural": rural.id}


def add_meeting(app, forum_id: int, *, capacity=10, status=MeetingStatus.PUBLISHED,
                meeting_format=MeetingFormat.ON_SITE, starts_in=timedelta(days=14), **fields) -> int:
    with app.app_context():
        start = utcnow().replace(second=0, microsecond=0) + starts_in
        online = meeting_format != MeetingFormat.ON_SITE
        venue = "" if meeting_format == MeetingFormat.DIGITAL else "Kulturens hus"
        values = dict(title="Dialogmöte i Luleå", starts_at=start, ends_at=start + timedelta(hours=2),
                      format=meeting_format, venue_name=venue,
                      capacity=capacity, online_url="https://meet.example.org/dialog" if online else None,
                      status=status, published_at=utcnow() if status != MeetingStatus.DRAFT else None)
        values.update(fields)
        meeting = Meeting(forum_id=forum_id, **values)
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


def add_person(app, email: str, name: str = "", locale: str = "en") -> int:
    with app.app_context():
        person = Person(email=email, name=name or email.split("@")[0].title(), locale=locale)
        db.session.add(person)
        db.session.commit()
        return person.id


def register_person(app, meeting_id: int, person_id: int, mode=ParticipationMode.ON_SITE, **kwargs):
    with app.app_context():
        registered = register(db.session.get(Meeting, meeting_id), db.session.get(Person, person_id), mode,
                              **kwargs)
        return registered.registration.status


def form_data(forum, **overrides) -> dict:
    data = {
        "title": "Dialogmöte om landsbygden", "description": "Vi talar om **service** på landsbygden.",
        "starts_at": "2030-03-12T13:00", "ends_at": "2030-03-12T15:30", "format": "on_site",
        "venue_name": "Kulturens hus", "venue_address": "Skeppsbrogatan 17", "municipality_id": str(forum["lulea"]),
        "access_info": "Entré utan trappsteg.", "online_url": "", "capacity": "40", "online_capacity": "",
        "registration_opens_at": "", "registration_closes_at": "", "visibility": "public",
        "reminder_enabled": "y", "reminder_hours": "24", "reminder_text": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_form(client, url: str, data: dict):
    page = client.get(url, headers=ENGLISH)
    assert page.status_code == 200, page.status_code
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data}, headers=ENGLISH)


def post_button(client, url: str, page_url: str, **data):
    token = csrf_token(client.get(page_url, headers=ENGLISH).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, headers=ENGLISH)


def meeting_row(app, meeting_id: int) -> dict:
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        return {name: getattr(meeting, name) for name in (*domain.DETAIL_NAMES, "status", "sequence")}


class Recorder:
    """A plugin that notes the domain events it is told about."""

    def __init__(self):
        self.events: list[tuple] = []

    @hookimpl
    def meeting_changed(self, meeting, changes):
        self.events.append(("changed", meeting.id, dict(changes)))

    @hookimpl
    def meeting_cancelled(self, meeting):
        self.events.append(("cancelled", meeting.id, meeting.status))


@pytest.fixture
def recorder(app):
    """Domain events the app tells its plugins about, noted by a plugin registered for the test."""
    from meetings.plugins import plugin_manager

    noted = Recorder()
    plugin_manager(app).register(noted, name="test-recorder")
    yield noted
    plugin_manager(app).unregister(name="test-recorder")


# --- creating --------------------------------------------------------------------------------------

def test_organiser_creates_a_draft_with_times_in_swedish_time(app, client, forum):
    sign_in(client, forum["organiser"])
    response = post_form(client, f"/forums/{forum['slug']}/meetings/new", form_data(
        forum, registration_closes_at="2030-03-10T12:00",
        starts_at="2030-06-12T13:00", ends_at="2030-06-12T15:30"))
    assert response.status_code == 302
    with app.app_context():
        meeting = db.session.scalar(select(Meeting))
        assert response.headers["Location"] == f"/meetings/{meeting.id}"
        assert meeting.status == MeetingStatus.DRAFT
        # Summer time: 13:00 in Stockholm is 11:00 UTC; the closing time in March is winter time.
        assert meeting.starts_at == datetime(2030, 6, 12, 11, 0, tzinfo=UTC)
        assert meeting.ends_at == datetime(2030, 6, 12, 13, 30, tzinfo=UTC)
        assert meeting.registration_closes_at == datetime(2030, 3, 10, 11, 0, tzinfo=UTC)
        assert (meeting.venue_name, meeting.municipality.name, meeting.capacity) == ("Kulturens hus", "Luleå", 40)
        assert meeting.online_url is None and meeting.reminder_enabled and meeting.reminder_hours == 24
        meeting_id = meeting.id

    # The edit form shows the times as they were typed, in Swedish time.
    edit_page = client.get(f"/meetings/{meeting_id}/edit", headers=ENGLISH).get_data(as_text=True)
    assert 'value="2030-06-12T13:00"' in edit_page and 'value="2030-03-10T12:00"' in edit_page

    # A draft is the organisers' alone.
    assert "Draft" in client.get(f"/meetings/{meeting_id}", headers=ENGLISH).get_data(as_text=True)
    client.post("/sign-out", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    assert client.get(f"/meetings/{meeting_id}").status_code == 404
    assert "Dialogmöte om landsbygden" not in client.get("/").get_data(as_text=True)
    assert "Dialogmöte om landsbygden" not in client.get(f"/forums/{forum['slug']}").get_data(as_text=True)
    sign_in(client, forum["representative"])
    assert client.get(f"/meetings/{meeting_id}").status_code == 404


def test_the_forum_page_offers_its_organisers_a_new_meeting(app, client, forum):
    new_meeting = 'href="/forums/lanspartnerskapet/meetings/new"'
    assert new_meeting not in client.get(f"/forums/{forum['slug']}").get_data(as_text=True)
    sign_in(client, forum["representative"])
    assert new_meeting not in client.get(f"/forums/{forum['slug']}").get_data(as_text=True)
    sign_in(client, forum["organiser"])
    assert new_meeting in client.get(f"/forums/{forum['slug']}").get_data(as_text=True)


def test_a_digital_meeting_keeps_no_venue_and_a_hybrid_one_keeps_both(app, client, forum):
    sign_in(client, forum["organiser"])
    post_form(client, f"/forums/{forum['slug']}/meetings/new", form_data(
        forum, title="Digitalt samråd", format="digital", online_url="https://meet.example.org/samrad"))
    post_form(client, f"/forums/{forum['slug']}/meetings/new", form_data(
        forum, title="Hybridmöte", format="hybrid", online_url="https://meet.example.org/hybrid",
        online_capacity="100"))
    with app.app_context():
        digital = db.session.scalar(select(Meeting).where(Meeting.title == "Digitalt samråd"))
        hybrid = db.session.scalar(select(Meeting).where(Meeting.title == "Hybridmöte"))
        # What was typed for the venue before choosing "online" is not kept to be shown later.
        assert (digital.venue_name, digital.municipality_id, digital.capacity) == ("", None, None)
        assert digital.online_url == "https://meet.example.org/samrad"
        assert (hybrid.venue_name, hybrid.capacity, hybrid.online_capacity) == ("Kulturens hus", 40, 100)


@pytest.mark.parametrize("overrides, field, message", [
    ({"ends_at": "2030-03-12T12:00"}, "ends_at", "The meeting must end after it starts."),
    ({"venue_name": ""}, "venue_name", "Enter where the meeting is held."),
    ({"format": "digital", "online_url": ""}, "online_url", "Enter the link to the online meeting."),
    ({"format": "hybrid", "online_url": "http://meet.example.org/x"}, "online_url",
     "Enter a link that starts with https://"),
    ({"capacity": "-1"}, "capacity", "The number cannot be below zero."),
    ({"capacity": "many"}, "capacity", "Enter a whole number"),
    ({"registration_closes_at": "2030-03-12T14:00"}, "registration_closes_at",
     "Registration must close before the meeting starts"),
    ({"registration_opens_at": "2030-03-11T10:00", "registration_closes_at": "2030-03-10T10:00"},
     "registration_opens_at", "Registration must open before it closes."),
    ({"starts_at": "2030-03-31T02:30", "ends_at": "2030-03-31T04:00"}, "starts_at",
     "That time does not exist on that day"),
    ({"starts_at": "next tuesday"}, "starts_at", "Enter a date and time like"),
    ({"municipality_id": "999999"}, "municipality_id", "Choose one of the options in the list."),
    ({"title": ""}, "title", "Enter the title of the meeting."),
    ({"reminder_hours": "0"}, "reminder_hours", "Choose a number of hours from 1 to 720."),
])
def test_a_form_with_a_mistake_says_what_is_wrong_beside_the_field_and_stores_nothing(
        app, client, forum, overrides, field, message):
    sign_in(client, forum["organiser"])
    data = form_data(forum, title="Mötet med ett fel", **{k: v for k, v in overrides.items() if k != "title"})
    if "title" in overrides:
        data["title"] = overrides["title"]
    response = post_form(client, f"/forums/{forum['slug']}/meetings/new", data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<p class="error" id="{field}-error">' in html
    error = html.split(f'<p class="error" id="{field}-error">', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert f'aria-describedby="{field}-hint {field}-error"' in html or f'aria-describedby="{field}-error"' in html
    assert "Please correct the following" in html and "<title>Error:" in html
    # What was typed is shown again.
    assert 'value="Kulturens hus"' in html or overrides.get("venue_name") == ""
    if "title" not in overrides:
        assert 'value="Mötet med ett fel"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Meeting.id))) == 0


def test_the_form_speaks_the_users_language(app, client, forum):
    with app.app_context():
        db.session.get(Person, forum["organiser"]).locale = "sv"
        db.session.commit()
    sign_in(client, forum["organiser"])
    page = client.get(f"/forums/{forum['slug']}/meetings/new")
    assert '<html lang="sv">' in page.get_data(as_text=True)


# --- who may -----------------------------------------------------------------------------------------

def test_only_the_forums_organisers_run_its_meetings_and_others_change_nothing(app, client, forum):
    meeting_id = add_meeting(app, forum["forum"], status=MeetingStatus.DRAFT)
    with app.app_context():
        item = AgendaItem(meeting_id=meeting_id, title="Välkommen", position=0)
        db.session.add(item)
        db.session.commit()
        item_id = item.id
    before = meeting_row(app, meeting_id)
    # Another public body's organiser may not run this forum's meetings either.
    with app.app_context():
        county = Organisation(name="Länsstyrelsen i Norrbottens län", kind=OrganisationKind.PUBLIC_BODY)
        other = Person(email="officer@lansstyrelsen.example", name="Lena Länsstyrelsen")
        db.session.add_all([county, other])
        db.session.flush()
        from meetings.models import Membership, MembershipRole
        db.session.add(Membership(person=other, organisation=county, role=MembershipRole.ORGANISER))
        db.session.commit()
        other_id = other.id

    pages = [f"/forums/{forum['slug']}/meetings/new", f"/meetings/{meeting_id}/edit",
             f"/meetings/{meeting_id}/cancel", f"/meetings/{meeting_id}/agenda",
             f"/meetings/{meeting_id}/agenda/{item_id}"]
    posts = pages + [f"/meetings/{meeting_id}/publish", f"/meetings/{meeting_id}/delete",
                     f"/meetings/{meeting_id}/agenda/{item_id}/move", f"/meetings/{meeting_id}/agenda/{item_id}/remove"]

    for url in pages:  # not signed in: asked to sign in first
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], url

    for person_id in (forum["representative"], other_id):
        sign_in(client, person_id)
        token = csrf_token(client.get("/").get_data(as_text=True))
        for url in pages:
            assert client.get(url).status_code == 403, url
        for url in posts:
            response = client.post(url, data={**form_data(forum, title="Kapat"), "csrf_token": token,
                                              "direction": "down", "message": "Inställt"})
            assert response.status_code == 403, url

    assert meeting_row(app, meeting_id) == before
    with app.app_context():
        assert db.session.scalar(select(func.count(Meeting.id))) == 1
        assert db.session.scalar(select(func.count(AgendaItem.id))) == 1

    sign_in(client, forum["admin"])  # admins may run every forum
    assert client.get(f"/meetings/{meeting_id}/edit").status_code == 200


# --- publishing --------------------------------------------------------------------------------------

def test_publishing_makes_the_meeting_public_and_tells_interested_organisations_once(app, client, forum, recorder):
    with app.app_context():
        interested = Organisation(name="Hela Sverige ska leva Norrbotten", kind=OrganisationKind.CIVIL_SOCIETY,
                                  status=OrganisationStatus.APPROVED,
                                  interest_areas=[db.session.get(SubjectArea, forum["rural"])])
        db.session.add(interested)
        db.session.commit()
        interested_id = interested.id
    meeting_id = add_meeting(app, forum["forum"], status=MeetingStatus.DRAFT)
    sign_in(client, forum["organiser"])

    for _ in range(2):  # a second click changes nothing
        response = post_button(client, f"/meetings/{meeting_id}/publish", f"/meetings/{meeting_id}")
        assert response.status_code == 302

    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.status == MeetingStatus.PUBLISHED and meeting.published_at is not None
        news = db.session.scalars(select(PendingNotification)).all()
        assert [(n.organisation_id, n.subject_type, n.subject_id) for n in news] == \
            [(interested_id, "meeting", meeting_id)]
    assert recorder.events == [("changed", meeting_id, {"status": (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED)})]

    client.post("/sign-out", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    assert client.get(f"/meetings/{meeting_id}").status_code == 200
    assert "Dialogmöte i Luleå" in client.get("/").get_data(as_text=True)


def test_a_members_only_meeting_is_no_news_for_others(app, client, forum):
    with app.app_context():
        db.session.add(Organisation(name="Hela Sverige ska leva Norrbotten", kind=OrganisationKind.CIVIL_SOCIETY,
                                    status=OrganisationStatus.APPROVED,
                                    interest_areas=[db.session.get(SubjectArea, forum["rural"])]))
        db.session.commit()
    meeting_id = add_meeting(app, forum["forum"], status=MeetingStatus.DRAFT, members_only=True)
    sign_in(client, forum["organiser"])
    post_button(client, f"/meetings/{meeting_id}/publish", f"/meetings/{meeting_id}")
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).status == MeetingStatus.PUBLISHED
        assert db.session.scalar(select(func.count(PendingNotification.id))) == 0


# --- editing and moving -----------------------------------------------------------------------------

def test_the_sequence_rises_when_the_meeting_moves_but_not_when_the_text_changes(app, client, forum):
    meeting_id = add_meeting(app, forum["forum"], status=MeetingStatus.DRAFT)
    sign_in(client, forum["organiser"])
    post_form(client, f"/meetings/{meeting_id}/edit", form_data(forum))
    start = meeting_row(app, meeting_id)["sequence"]

    response = post_form(client, f"/meetings/{meeting_id}/edit", form_data(forum, description="Ny text."))
    assert response.status_code == 302
    assert meeting_row(app, meeting_id)["sequence"] == start
    assert meeting_row(app, meeting_id)["description"] == "Ny text."

    post_form(client, f"/meetings/{meeting_id}/edit", form_data(forum, description="Ny text.",
                                                                  starts_at="2030-03-12T14:00"))
    assert meeting_row(app, meeting_id)["sequence"] == start + 1
    post_form(client, f"/meetings/{meeting_id}/edit", form_data(forum, description="Ny text.",
                                                                  starts_at="2030-03-12T14:00",
                                                                  municipality_id=str(forum["kiruna"])))
    assert meeting_row(app, meeting_id)["sequence"] == start + 2


def test_moving_tells_confirmed_and_waiting_registrants_but_not_those_who_cancelled(app, client, forum, send_mail):
    meeting_id = add_meeting(app, forum["forum"], capacity=1, title="Dialogmöte i Luleå")
    confirmed = add_person(app, "anna@example.org", "Anna Andersson", locale="en")
    waiting = add_person(app, "bo@example.org", "Bo Berg", locale="sv")
    gone = add_person(app, "cecilia@example.org", "Cecilia Ek", locale="en")
    for person_id in (confirmed, waiting, gone):
        register_person(app, meeting_id, person_id)
    with app.app_context():
        cancel(db.session.scalar(select(Registration).where(Registration.person_id == gone)))
    already = len(send_mail())

    sign_in(client, forum["organiser"])
    with app.app_context():
        old_start = db.session.get(Meeting, meeting_id).starts_at.astimezone(ZoneInfo("Europe/Stockholm"))
    old_day = f"{old_start.day} {old_start.strftime('%B')} {old_start.year} {old_start.strftime('%H:%M')}"
    response = post_form(client, f"/meetings/{meeting_id}/edit", form_data(
        forum, title="Dialogmöte i Luleå", capacity="1", starts_at="2030-03-12T13:00", ends_at="2030-03-12T15:30",
        venue_name="Stadshuset", municipality_id=str(forum["kiruna"])))
    assert response.status_code == 302
    assert "2 registered people are told" in client.get(response.headers["Location"], headers=ENGLISH) \
        .get_data(as_text=True)

    mail = send_mail()[already:]
    assert sorted(m["To"] for m in mail) == ["anna@example.org", "bo@example.org"]
    english = next(m for m in mail if m["To"] == "anna@example.org")
    assert english["Subject"] == "New time or place: Dialogmöte i Luleå"
    body = text_part(english)

    now_part, before_part = body.split("Before:", 1)
    assert "12 March 2030 13:00–15:30" in now_part and "Stadshuset, Skeppsbrogatan 17, Kiruna" in now_part
    assert old_day in before_part and "Kulturens hus" in before_part
    assert "Stadshuset" not in before_part
    assert "Your registration still holds." in body
    assert f"http://localhost/meetings/{meeting_id}" in body
    swedish = next(m for m in mail if m["To"] == "bo@example.org")
    assert '<html lang="sv">' in html_part(swedish) and "Stadshuset" in text_part(swedish)


def test_a_new_start_time_means_a_new_reminder(app, client, forum):
    meeting_id = add_meeting(app, forum["forum"], status=MeetingStatus.DRAFT)
    sign_in(client, forum["organiser"])
    post_form(client, f"/meetings/{meeting_id}/edit", form_data(forum))
    post_button(client, f"/meetings/{meeting_id}/publish", f"/meetings/{meeting_id}")
    person = add_person(app, "anna@example.org")
    register_person(app, meeting_id, person)

    def remind():
        with app.app_context():
            db.session.scalar(select(Registration)).reminded_at = utcnow()
            db.session.commit()

    def reminded() -> bool:
        with app.app_context():
            return db.session.scalar(select(Registration.reminded_at)) is not None

    remind()
    post_form(client, f"/meetings/{meeting_id}/edit", form_data(forum, description="Ny text."))
    assert reminded()
    post_form(client, f"/meetings/{meeting_id}/edit", form_data(forum, starts_at="2030-03-12T09:00"))
    assert not reminded()


def test_moving_a_hybrid_meeting_gives_the_link_only_to_confirmed_registrants(app, client, forum, send_mail):
    meeting_id = add_meeting(app, forum["forum"], meeting_format=MeetingFormat.HYBRID, capacity=5,
                             online_capacity=1, online_url="https://meet.example.org/old")
    online = add_person(app, "online@example.org")
    waiting = add_person(app, "waiting@example.org")
    register_person(app, meeting_id, online, ParticipationMode.ONLINE)
    register_person(app, meeting_id, waiting, ParticipationMode.ONLINE)
    already = len(send_mail())
    sign_in(client, forum["organiser"])
    post_form(client, f"/meetings/{meeting_id}/edit", form_data(
        forum, format="hybrid", capacity="5", online_capacity="1", online_url="https://meet.example.org/new"))
    mail = {m["To"]: text_part(m) for m in send_mail()[already:]}
    assert "https://meet.example.org/new" in mail["online@example.org"]
    assert "meet.example.org" not in mail["waiting@example.org"]
    assert "still on the waiting list" in mail["waiting@example.org"]


def test_more_seats_give_places_to_the_waiting_list_at_once(app, client, forum, send_mail):
    meeting_id = add_meeting(app, forum["forum"], capacity=1)
    first, second, third = (add_person(app, f"p{i}@example.org") for i in range(3))
    for person_id in (first, second, third):
        register_person(app, meeting_id, person_id)
    already = len(send_mail())
    sign_in(client, forum["organiser"])
    with app.app_context():
        start = db.session.get(Meeting, meeting_id).starts_at.astimezone(ZoneInfo("Europe/Stockholm"))
    times = {"starts_at": start.strftime("%Y-%m-%dT%H:%M"),
             "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")}
    response = post_form(client, f"/meetings/{meeting_id}/edit", form_data(
        forum, title="Dialogmöte i Luleå", venue_address="", municipality_id="", access_info="",
        capacity="2", description="", **times))
    assert response.status_code == 302
    with app.app_context():
        statuses = dict(db.session.execute(select(Registration.person_id, Registration.status)).all())
        assert statuses == {first: RegistrationStatus.CONFIRMED, second: RegistrationStatus.CONFIRMED,
                            third: RegistrationStatus.WAITING}
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.confirmed_on_site == 2 and meeting.sequence == 0  # more seats is not a move
    mail = send_mail()[already:]
    assert [m["To"] for m in mail] == ["p1@example.org"]


def test_seats_already_given_cannot_be_taken_away(app, client, forum):
    meeting_id = add_meeting(app, forum["forum"], capacity=3)
    for i in range(2):
        register_person(app, meeting_id, add_person(app, f"p{i}@example.org"))
    sign_in(client, forum["organiser"])
    response = post_form(client, f"/meetings/{meeting_id}/edit", form_data(forum, capacity="1"))
    assert response.status_code == 200
    assert "2 people already have a confirmed seat on site" in response.get_data(as_text=True)
    assert meeting_row(app, meeting_id)["capacity"] == 3


def test_a_format_that_leaves_registrants_without_a_way_to_come_is_refused(app, client, forum):
    meeting_id = add_meeting(app, forum["forum"], meeting_format=MeetingFormat.HYBRID)
    register_person(app, meeting_id, add_person(app, "online@example.org"), ParticipationMode.ONLINE)
    sign_in(client, forum["organiser"])
    response = post_form(client, f"/meetings/{meeting_id}/edit", form_data(forum, format="on_site"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 person is registered to take part online." in html.split('id="format-error">', 1)[1]
    assert meeting_row(app, meeting_id)["format"] == MeetingFormat.HYBRID


def test_hooks_hear_of_creating_and_editing_with_what_changed(app, client, forum, recorder):
    sign_in(client, forum["organiser"])
    post_form(client, f"/forums/{forum['slug']}/meetings/new", form_data(forum))
    with app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id))
    post_form(client, f"/meetings/{meeting_id}/edit", form_data(forum, title="Nytt namn"))
    created, edited = recorder.events
    assert created[0] == "changed" and created[2]["title"] == (None, "Dialogmöte om landsbygden")
    assert edited == ("changed", meeting_id, {"title": ("Dialogmöte om landsbygden", "Nytt namn")})


# --- cancelling and deleting -------------------------------------------------------------------------

def test_cancelling_tells_every_registrant_and_keeps_the_registrations(app, client, forum, recorder, send_mail):
    meeting_id = add_meeting(app, forum["forum"], capacity=1)
    confirmed = add_person(app, "anna@example.org", locale="en")
    waiting = add_person(app, "bo@example.org", locale="sv")
    for person_id in (confirmed, waiting):
        register_person(app, meeting_id, person_id)
    already = len(send_mail())

    sign_in(client, forum["organiser"])
    page = client.get(f"/meetings/{meeting_id}/cancel", headers=ENGLISH).get_data(as_text=True)
    assert "2 people, confirmed or on the waiting list" in page
    response = post_form(client, f"/meetings/{meeting_id}/cancel", {"message": "Vi återkommer med ett nytt datum."})
    assert response.status_code == 302

    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.status == MeetingStatus.CANCELLED and meeting.cancelled_at is not None
        assert meeting.sequence == 1
        statuses = dict(db.session.execute(select(Registration.person_id, Registration.status)).all())
        assert statuses == {confirmed: RegistrationStatus.CONFIRMED, waiting: RegistrationStatus.WAITING}
        with pytest.raises(RegistrationRefused):
            register(meeting, db.session.get(Person, forum["representative"]), ParticipationMode.ON_SITE)
    assert recorder.events[-1] == ("cancelled", meeting_id, MeetingStatus.CANCELLED)

    mail = send_mail()[already:]
    assert sorted(m["To"] for m in mail) == ["anna@example.org", "bo@example.org"]
    english = next(m for m in mail if m["To"] == "anna@example.org")
    assert english["Subject"] == "Cancelled: Dialogmöte i Luleå"
    assert "Vi återkommer med ett nytt datum." in text_part(english)
    assert '<html lang="sv">' in html_part(next(m for m in mail if m["To"] == "bo@example.org"))

    # The page says so, a cancelled meeting cannot be edited, and cancelling again sends nothing.
    assert "This meeting has been cancelled." in client.get(f"/meetings/{meeting_id}", headers=ENGLISH) \
        .get_data(as_text=True)
    response = client.get(f"/meetings/{meeting_id}/edit", headers=ENGLISH)
    assert response.status_code == 302
    assert "A cancelled meeting cannot be changed" in client.get(response.headers["Location"], headers=ENGLISH) \
        .get_data(as_text=True)
    with app.app_context():
        assert domain.cancel_meeting(db.session.get(Meeting, meeting_id)) == 0
    assert len(send_mail()) == already + 2


def test_a_meeting_that_has_started_cannot_be_cancelled(app, forum):
    meeting_id = add_meeting(app, forum["forum"], starts_in=timedelta(minutes=-30))
    with app.app_context(), pytest.raises(domain.MeetingStateError):
        domain.cancel_meeting(db.session.get(Meeting, meeting_id))
    assert meeting_row(app, meeting_id)["status"] == MeetingStatus.PUBLISHED


def test_a_draft_is_deleted_rather_than_cancelled(app, client, forum):
    draft = add_meeting(app, forum["forum"], status=MeetingStatus.DRAFT)
    published = add_meeting(app, forum["forum"])
    sign_in(client, forum["organiser"])
    page = client.get(f"/meetings/{draft}/cancel", headers=ENGLISH).get_data(as_text=True)
    assert "Delete the draft" in page
    response = post_button(client, f"/meetings/{draft}/delete", f"/meetings/{draft}/cancel")
    assert response.status_code == 302 and response.headers["Location"] == f"/forums/{forum['slug']}"
    response = post_button(client, f"/meetings/{published}/delete", f"/meetings/{published}/cancel")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Meeting.id)).all() == [published]


# --- agenda ------------------------------------------------------------------------------------------

def test_the_agenda_is_added_to_edited_reordered_and_shown_in_order(app, client, forum):
    meeting_id = add_meeting(app, forum["forum"])
    sign_in(client, forum["organiser"])
    agenda = f"/meetings/{meeting_id}/agenda"
    for title in ("Välkommen", "Strategin i korthet", "Samtal i grupper"):
        assert post_form(client, agenda, {"title": title, "description": ""}).status_code == 302
    response = post_form(client, agenda, {"title": "", "description": ""})
    assert response.status_code == 200 and "Enter the item." in response.get_data(as_text=True)

    with app.app_context():
        ids = {item.title: item.id for item in db.session.scalars(select(AgendaItem))}
    post_button(client, f"{agenda}/{ids['Samtal i grupper']}/move", agenda, direction="up")
    post_form(client, f"{agenda}/{ids['Välkommen']}", {"title": "Välkommen och presentation",
                                                         "description": "Kaffe från 9.30."})
    post_button(client, f"{agenda}/{ids['Strategin i korthet']}/remove", agenda)
    post_button(client, f"{agenda}/{ids['Välkommen']}/move", agenda, direction="up")  # already first

    html = client.get(f"/meetings/{meeting_id}", headers=ENGLISH).get_data(as_text=True)
    section = html.split('<ol class="agenda">', 1)[1].split("</ol>", 1)[0]
    assert section.index("Välkommen och presentation") < section.index("Samtal i grupper")
    assert "Kaffe från 9.30." in section and "Strategin" not in section
    with app.app_context():
        assert [(i.title, i.position) for i in db.session.scalars(select(AgendaItem).order_by(AgendaItem.position))] \
            == [("Välkommen och presentation", 0), ("Samtal i grupper", 1)]

    other = add_meeting(app, forum["forum"], title="Ett annat möte")
    assert client.get(f"/meetings/{other}/agenda/{ids['Välkommen']}").status_code == 404
