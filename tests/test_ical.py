"""The calendar plugin: feeds that real clients accept, parsed back with two independent parsers,
privacy of online links and members-only meetings, moves and cancellations, 304s and tokens."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import vobject
from icalendar import Calendar
from sqlalchemy import select

import plugins.ical as ical_plugin
from meetings.domain.registration import register
from meetings.extensions import db
from meetings.models import (
    Forum,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Municipality,
    Organisation,
    OrganisationKind,
    ParticipationMode,
    Person,
    SubjectArea,
    utcnow,
)
from meetings.testing import csrf_token, sign_in, submit_form

ONLINE_URL = "https://meet.example.org/hemlig-lank"


@pytest.fixture
def app(make_app):
    """An app with the calendar plugin, whether or not it is installed as an entry point here."""
    return make_app(MEETINGS_PLUGINS=(), plugins=[ical_plugin], BASE_URL="http://moten.example.se")


@pytest.fixture(autouse=True)
def fresh_feed_cache():
    from plugins.ical.feeds import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def data(app):
    with app.app_context():
        kiruna = Municipality(code="2584", name="Kiruna", county="Norrbottens län")
        lulea = Municipality(code="2580", name="Luleå", county="Norrbottens län")
        outdoor = SubjectArea(code="friluftsliv", name_sv="Friluftsliv", name_en="Outdoor life")
        health = SubjectArea(code="folkhalsa", name_sv="Folkhälsa", name_en="Public health")
        county = Organisation(name="Länsstyrelsen Norrbotten", kind=OrganisationKind.PUBLIC_BODY,
                              contact_email="dialog@lansstyrelsen.example.se")
        forum = Forum(slug="tankesmedja", name="Regional tankesmedja friluftsliv", organiser=county,
                      subject_areas=[outdoor])
        other = Forum(slug="pensionarsradet", name="Länspensionärsrådet", organiser=county, subject_areas=[health],
                      municipalities=[lulea])
        start = utcnow().replace(microsecond=0) + timedelta(days=10)

        def meeting(title, forum_, **fields):
            fields.setdefault("format", MeetingFormat.HYBRID)
            fields.setdefault("status", MeetingStatus.PUBLISHED)
            return Meeting(forum=forum_, title=title, starts_at=start, ends_at=start + timedelta(hours=2),
                           venue_name="Folkets hus", venue_address="Mommagatan 2", online_url=ONLINE_URL,
                           capacity=30, **fields)

        public = meeting("Tankesmedja i Kiruna", forum, municipality=kiruna,
                         description="Om leder, stugor och allemansrätt. " * 4)
        health_meeting = meeting("Äldres hälsa", other, municipality=lulea)
        members = meeting("Internt samråd", forum, municipality=kiruna, members_only=True)
        draft = meeting("Utkast", forum, municipality=kiruna, status=MeetingStatus.DRAFT)
        person = Person(email="anna@example.org", name="Anna", locale="sv")
        db.session.add_all([public, health_meeting, members, draft, person, lulea])
        db.session.commit()
        return {"public": public.id, "health": health_meeting.id, "members": members.id, "draft": draft.id,
                "person": person.id, "forum": forum.id}


def parse_both(body: bytes):
    """Parse with icalendar and with vobject, an independent implementation."""
    assert not body.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    assert b"\r\n" in body and b"\n" not in body.replace(b"\r\n", b"")  # CRLF line ends only
    assert all(len(line) <= 75 for line in body.split(b"\r\n")), "lines folded at 75 octets"
    parsed = Calendar.from_ical(body)
    second = vobject.readOne(body.decode("utf-8"))
    return parsed, second


def events(calendar: Calendar) -> dict[str, object]:
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def test_the_public_feed_is_valid_for_both_parsers_and_private_things_stay_out(client, data):
    response = client.get("/calendar/meetings.ics?lang=sv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    parsed, second = parse_both(response.data)
    found = events(parsed)
    assert set(found) == {"Tankesmedja i Kiruna", "Äldres hälsa"}  # no draft, no members-only meeting
    assert {str(e.summary.value) for e in second.vevent_list} == set(found)
    assert ONLINE_URL.encode() not in response.data
    event = found["Tankesmedja i Kiruna"]
    assert str(event["uid"]) == f"meeting-{data['public']}@moten.example.se"
    assert str(event["location"]) == "Folkets hus, Mommagatan 2, Kiruna"
    assert str(event["url"]) == f"http://moten.example.se/meetings/{data['public']}"
    assert "dialog@lansstyrelsen.example.se" in str(event["organizer"])
    assert event["organizer"].params["CN"] == "Länsstyrelsen Norrbotten"
    for name in ("dtstamp", "last-modified", "sequence", "dtstart", "dtend"):
        assert name in event
    # The calendar's name comes before the first event (Outlook reads it only there).
    text = response.data.decode()
    assert text.index("X-WR-CALNAME:") < text.index("BEGIN:VEVENT")
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in text and "X-PUBLISHED-TTL:PT1H" in text


def test_filters_by_subject_area_and_municipality(client, data):
    by_area = events(Calendar.from_ical(client.get("/calendar/meetings.ics?area=folkhalsa").data))
    assert set(by_area) == {"Äldres hälsa"}
    by_place = events(Calendar.from_ical(client.get("/calendar/meetings.ics?municipality=2584").data))
    assert set(by_place) == {"Tankesmedja i Kiruna"}
    forum_feed = events(Calendar.from_ical(client.get("/calendar/forums/tankesmedja.ics").data))
    assert set(forum_feed) == {"Tankesmedja i Kiruna"}


def test_unknown_filter_values_answer_400_with_a_plain_message(client, data):
    response = client.get("/calendar/meetings.ics?area=astrologi")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "astrologi" in response.get_data(as_text=True)
    assert client.get("/calendar/meetings.ics?municipality=9999").status_code == 400
    assert client.get("/calendar/forums/finns-inte.ics").status_code == 404


def test_a_move_raises_the_sequence_and_keeps_the_uid(client, app, data):
    before = events(Calendar.from_ical(client.get("/calendar/meetings.ics").data))["Tankesmedja i Kiruna"]
    with app.app_context():
        meeting = db.session.get(Meeting, data["public"])
        meeting.starts_at += timedelta(days=1)
        meeting.ends_at += timedelta(days=1)
        meeting.sequence += 1
        db.session.commit()
    after = events(Calendar.from_ical(client.get("/calendar/meetings.ics").data))["Tankesmedja i Kiruna"]
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) == int(before["sequence"]) + 1
    assert after.decoded("dtstart") == before.decoded("dtstart") + timedelta(days=1)


def test_a_cancelled_meeting_stays_in_the_feed_marked_in_the_feeds_language(client, app, data):
    with app.app_context():
        meeting = db.session.get(Meeting, data["public"])
        meeting.status = MeetingStatus.CANCELLED
        meeting.sequence += 1
        db.session.commit()
    for language, word in (("sv", "Inställt"), ("en", "Cancelled")):
        parsed, _ = parse_both(client.get(f"/calendar/meetings.ics?lang={language}").data)
        cancelled = [e for e in parsed.walk("VEVENT") if str(e["status"]) == "CANCELLED"]
        assert len(cancelled) == 1
        assert str(cancelled[0]["summary"]) == f"{word}: Tankesmedja i Kiruna"


def test_conditional_requests_get_304_until_something_changes(client, app, data):
    first = client.get("/calendar/meetings.ics")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"].startswith("public")
    assert client.get("/calendar/meetings.ics", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/calendar/meetings.ics", headers={"If-Modified-Since": modified}).status_code == 304
    with app.app_context():
        db.session.get(Meeting, data["public"]).title = "Tankesmedja i Kiruna och Jukkasjärvi"
        db.session.commit()
    changed = client.get("/calendar/meetings.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert b"Jukkasj" in changed.data


def test_the_personal_feed_shows_the_online_link_to_a_confirmed_online_participant(client, app, data):
    with app.app_context():
        register(db.session.get(Meeting, data["public"]), db.session.get(Person, data["person"]),
                 ParticipationMode.ONLINE, notify=False)
    sign_in(client, data["person"])
    path = personal_address(submit_form(client, "/calendar/personal", follow_redirects=True))
    assert path, "the new address is shown"

    client.post("/sign-out", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    response = client.get(path)  # calendar programs are not signed in
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("private")
    parsed, _ = parse_both(response.data)
    (event,) = parsed.walk("VEVENT")
    assert str(event["summary"]) == "Tankesmedja i Kiruna"
    assert ONLINE_URL in str(event["description"])  # Outlook, Apple and Thunderbird do not show CONFERENCE
    assert ONLINE_URL in response.data.decode().replace("\r\n ", "")
    assert "CONFERENCE;" in response.data.decode()


def personal_address(response) -> str | None:
    """The path of the personal feed's address shown on the page, or None."""
    found = re.search(r'value="http://moten\.example\.se(/calendar/private/[^"]+)"', response.get_data(as_text=True))
    return found.group(1) if found else None


def test_revoked_and_unknown_feed_addresses_answer_the_same_404(client, app, data):
    sign_in(client, data["person"])
    path = personal_address(submit_form(client, "/calendar/personal", follow_redirects=True))
    assert client.get(path).status_code == 200
    renewed = submit_form(client, "/calendar/personal", button="action", follow_redirects=True)
    assert "Din nya adress är klar" in renewed.get_data(as_text=True)  # Anna reads Swedish
    new_path = personal_address(renewed)
    assert new_path != path
    old, unknown = client.get(path), client.get("/calendar/private/" + "x" * 43 + ".ics")
    assert old.status_code == unknown.status_code == 404
    assert old.data == unknown.data
    assert client.get(new_path).status_code == 200
    stopped = submit_form(client, "/calendar/personal", {"action": "revoke"}, follow_redirects=True)
    assert personal_address(stopped) is None
    assert client.get(new_path).status_code == 404


def test_the_personal_address_is_shown_again_to_its_owner_only_and_never_cached(client, app, data):
    sign_in(client, data["person"])
    made = personal_address(submit_form(client, "/calendar/personal", follow_redirects=True))
    again = client.get("/calendar/personal")
    assert personal_address(again) == made, "the owner sees the same address on a later visit"
    assert again.headers["Cache-Control"] == "private, no-store"
    assert "/calendar/personal" in client.get("/account").get_data(as_text=True)  # within reach

    with app.app_context():
        other = Person(email="bertil@example.org", name="Bertil", locale="sv")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    someone_else = app.test_client()
    sign_in(someone_else, other_id)
    theirs = someone_else.get("/calendar/personal")
    assert theirs.status_code == 200 and personal_address(theirs) is None
    assert made.split("/")[-1] not in theirs.get_data(as_text=True)
    signed_out = app.test_client().get("/calendar/personal")
    assert signed_out.status_code in (302, 303) and made.split("/")[-1] not in signed_out.get_data(as_text=True)


def test_an_address_the_site_cannot_show_again_keeps_working_and_a_new_one_is_offered(make_app, data, app):
    """An address made before addresses were kept, or under another SECRET_KEY: it still works,
    and the page says to make a new one to see it."""
    from plugins.ical.models import FeedToken
    from plugins.ical.tokens import _hash

    with app.app_context():
        db.session.add(FeedToken(person_id=data["person"], token_hash=_hash("gammal-adress"), seed=None))
        db.session.commit()
    client = app.test_client()
    assert client.get("/calendar/private/gammal-adress.ics").status_code == 200
    sign_in(client, data["person"])
    page = client.get("/calendar/personal")
    assert personal_address(page) is None
    assert "Skapa en ny adress för att se den här" in page.get_data(as_text=True)  # Anna reads Swedish
    shown = personal_address(submit_form(client, "/calendar/personal", button="action", follow_redirects=True))
    assert client.get(shown).status_code == 200
    assert client.get("/calendar/private/gammal-adress.ics").status_code == 404

    rotated = make_app(MEETINGS_PLUGINS=(), plugins=[ical_plugin], BASE_URL="http://moten.example.se",
                       SECRET_KEY="another-secret-key-after-rotation", create_schema=False)
    other_client = rotated.test_client()
    assert other_client.get(shown).status_code == 200, "a new SECRET_KEY does not break subscriptions"
    sign_in(other_client, data["person"])
    assert personal_address(other_client.get("/calendar/personal")) is None


def test_the_forum_page_offers_its_feed_and_the_feed_holds_the_forums_meetings(client, data):
    forum = client.get("/forums/tankesmedja", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="webcal://moten.example.se/calendar/forums/tankesmedja.ics"' in forum
    assert 'value="http://moten.example.se/calendar/forums/tankesmedja.ics"' in forum
    feed = client.get("/calendar/forums/tankesmedja.ics")
    assert feed.status_code == 200
    assert set(events(parse_both(feed.data)[0])) == {"Tankesmedja i Kiruna"}


def test_one_meeting_download_and_the_online_link_only_for_those_who_may_see_it(client, app, data):
    anonymous = client.get(f"/calendar/meetings/{data['public']}.ics")
    assert anonymous.status_code == 200
    parse_both(anonymous.data)
    assert ONLINE_URL.encode() not in anonymous.data
    assert client.get(f"/calendar/meetings/{data['draft']}.ics").status_code == 404
    assert client.get(f"/calendar/meetings/{data['members']}.ics").status_code == 404


def test_pages_advertise_their_feed(client, data):
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'<link rel="alternate" type="text/calendar" title="[^"]+" href="[^"]+/calendar/meetings.ics"',
                     home)
    forum = client.get("/forums/tankesmedja").get_data(as_text=True)
    assert "/calendar/forums/tankesmedja.ics" in forum
    meeting = client.get(f"/meetings/{data['public']}").get_data(as_text=True)
    assert f"/calendar/meetings/{data['public']}.ics" in meeting  # the head link and the panel
    assert "webcal://moten.example.se/calendar/forums/tankesmedja.ics" in meeting


def test_subscribe_page_offers_webcal_and_https_with_instructions(client, data):
    page = client.get("/calendar?area=friluftsliv", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "webcal://moten.example.se/calendar/meetings.ics?" in page
    assert "http://moten.example.se/calendar/meetings.ics?" in page and "area=friluftsliv" in page
    assert "Outlook" in page and "Google" in page and "Apple" in page


def calendar_parts(message):
    return [p for p in message.walk() if p.get_content_type() == "text/calendar"]


def test_confirmation_move_and_cancellation_update_the_same_calendar_entry(app, data, send_mail):
    """Registering sends a REQUEST; moving the meeting a REQUEST with the same UID and a higher
    SEQUENCE; cancelling a CANCEL, so Outlook and Gmail update the entry they already have."""
    from dataclasses import replace

    from meetings.domain.meetings import DETAIL_NAMES, MeetingDetails, cancel_meeting, update_meeting

    with app.app_context():
        meeting = db.session.get(Meeting, data["public"])
        registered = register(meeting, db.session.get(Person, data["person"]), ParticipationMode.ON_SITE)
        assert registered.registration.status.value == "confirmed"
    with app.app_context():
        meeting = db.session.get(Meeting, data["public"])
        details = MeetingDetails(**{name: getattr(meeting, name) for name in DETAIL_NAMES})
        update = update_meeting(meeting, replace(details, starts_at=meeting.starts_at + timedelta(hours=2),
                                                 ends_at=meeting.ends_at + timedelta(hours=2)))
        assert update.moved
    with app.app_context():
        cancel_meeting(db.session.get(Meeting, data["public"]), message="Vi återkommer med nytt datum.")

    mails = [m for m in send_mail() if m["To"] == "anna@example.org"]
    entries = []
    for mail in mails:
        (part,) = calendar_parts(mail)
        calendar_ = Calendar.from_ical(part.get_payload(decode=True))
        (event,) = calendar_.walk("VEVENT")
        entries.append((part.get_param("method"), str(calendar_["method"]), str(event["uid"]), int(event["sequence"]),
                        event.decoded("dtstart")))
    (request, request_method, uid, first_sequence, start), moved, cancelled = entries
    assert request == request_method == "REQUEST"
    assert moved[0] == moved[1] == "REQUEST" and moved[2] == uid and moved[3] > first_sequence
    assert moved[4] == start + timedelta(hours=2)
    assert cancelled[0] == cancelled[1] == "CANCEL" and cancelled[2] == uid and cancelled[3] > moved[3]


def test_a_feed_is_rendered_once_until_a_meeting_in_it_changes(client, app, data):
    """Large feeds are rendered once and reused until a meeting in them changes."""
    from plugins.ical import feeds

    calls = []
    original = feeds.render_feed

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    feeds.render_feed = counting
    try:
        client.get("/calendar/meetings.ics")
        client.get("/calendar/meetings.ics")
        assert len(calls) == 1
        with app.app_context():
            db.session.get(Meeting, data["health"]).description = "Ny text"
            db.session.commit()
        client.get("/calendar/meetings.ics")
        assert len(calls) == 2
    finally:
        feeds.render_feed = original


def test_personal_data_export_and_erasure(app, data, client):
    from meetings.plugins import collect

    sign_in(client, data["person"])
    page = client.get("/calendar/personal").get_data(as_text=True)
    client.post("/calendar/personal", data={"csrf_token": csrf_token(page), "action": "create"})
    with app.app_context():
        person = db.session.get(Person, data["person"])
        exported = collect("person_data", app=app, person=person)
        assert exported and len(exported[0]["calendar_feeds"]) == 1
        app.extensions["meetings.plugins"].hook.erase_person(person=person)
        db.session.commit()
        from plugins.ical.models import FeedToken

        assert db.session.scalars(select(FeedToken)).all() == []


def test_an_invitation_is_published_and_a_cancelled_registration_is_removed_from_the_calendar(app, data, send_mail):
    """No answer buttons in Outlook or Gmail that would go nowhere: an invitation carries a PUBLISH
    without attendees; once registered, a REQUEST already accepted; cancelling it, a CANCEL."""
    from meetings.domain.invitations import invite_emails
    from meetings.domain.registration import cancel

    with app.app_context():
        meeting = db.session.get(Meeting, data["public"])
        invite_emails(meeting, ["anna@example.org"], None)
        registered = register(meeting, db.session.get(Person, data["person"]), ParticipationMode.ON_SITE)
        cancel(registered.registration)

    entries = []
    for mail in [m for m in send_mail() if m["To"] == "anna@example.org"]:
        (part,) = calendar_parts(mail)
        calendar_ = Calendar.from_ical(part.get_payload(decode=True))
        (event,) = calendar_.walk("VEVENT")
        entries.append((str(calendar_["method"]), event.get("attendee"), str(event["uid"])))
    (invited, confirmed, cancelled) = entries
    assert invited[0] == "PUBLISH" and invited[1] is None
    assert confirmed[0] == "REQUEST" and confirmed[1].params["PARTSTAT"] == "ACCEPTED"
    assert cancelled[0] == "CANCEL" and cancelled[2] == confirmed[2] == invited[2]


def test_the_registration_page_offers_the_meeting_for_every_calendar(app, client, data, send_mail):
    from urllib.parse import parse_qs, urlsplit

    with app.app_context():
        meeting = db.session.get(Meeting, data["public"])
        token = register(meeting, db.session.get(Person, data["person"]), ParticipationMode.ON_SITE).manage_token
    html = client.get(f"/registrations/{token}").get_data(as_text=True)
    assert "Lägg in mötet i din kalender" in html
    assert f'href="/calendar/meetings/{data["public"]}.ics"' in html
    google = re.search(r'href="(https://calendar\.google\.com/[^"]+)"', html).group(1).replace("&amp;", "&")
    query = parse_qs(urlsplit(google).query)
    assert query["action"] == ["TEMPLATE"] and query["text"][0] and "/" in query["dates"][0]
    assert 'href="https://outlook.office.com/calendar/0/deeplink/compose?' in html
    assert client.get(f"/calendar/meetings/{data['public']}.ics").status_code == 200


def test_the_calendar_pages_speak_swedish_with_the_plugins_words_and_the_layouts(client, data):
    page = client.get("/calendar", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "<h1>Möten i din kalender</h1>" in page  # the plugin's own catalogue
    assert "Hoppa till innehållet" in page  # base.html's words, from the core's
