"""People to ask, and an identity: the contact person of a meeting on its page and in every e-mail
about it, mail sent in the organising body's name, and the site's own name, operator and icon.

Mail goes through a real SMTP server on loopback, as in tests/test_mail.py.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import select

from meetings.config import ConfigError, load_config
from meetings.domain.invitations import invitation_token, invite_emails, send_invitation_reminders
from meetings.domain.mail import send_due_mail
from meetings.domain.meetings import DETAIL_NAMES, MeetingDetails, cancel_meeting, update_meeting
from meetings.domain.registration import cancel, register, register_by_address, undo_cancel
from meetings.domain.reminders import send_meeting_reminders
from meetings.domain.sessions import SessionData, choose_sessions, create_session, delete_session, update_session
from meetings.extensions import db
from meetings.models import Invitation, Meeting, MeetingFormat, OutboxMessage, ParticipationMode, utcnow
from meetings.testing import (
    find_form,
    html_part,
    make_attendance,
    make_forum,
    make_meeting,
    make_organisation,
    make_person,
    make_registration,
    sign_in,
    submit_form,
    text_part,
)

ROOT = Path(__file__).resolve().parent.parent
CONTACT = {"contact_name": "Sara Lundberg", "contact_email": "sara.lundberg@region.example",
           "contact_phone": "070-174 06 13"}

# Every kind of e-mail the core and the built-in plugins send, by whether it is about one meeting.
# A new mail template must be put in one of the two (the first test fails until it is), and a new
# kind about a meeting must be sent in the big test below, which checks its contact and sender.
ABOUT_A_MEETING = {
    "invitation", "invitation_reminder", "meeting_cancelled", "meeting_moved", "meeting_reminder",
    "registration_cancelled", "registration_confirmed", "registration_link", "registration_promoted",
    "registration_restored", "registration_waiting", "session_changed", "session_promoted", "session_removed",
    "compensation.reminder", "compensation.state_changed",
    "minutes.action_reminder", "minutes.approval_reminder", "minutes.approval_requested", "minutes.extract",
}
NOT_ABOUT_A_MEETING = {
    "forum_join_accepted", "forum_join_declined", "forum_join_requested", "forum_member_added", "interest_digest",
    "organisation_approved", "organisation_awaiting_approval", "organisation_confirm_registration",
    "organisation_rejected", "organisation_representative_added", "organisation_umbrella_answer",
    "organisation_umbrella_request", "outbox_failing", "sign_in_link",
}


def mail_templates() -> set[str]:
    """Every mail kind by its template: the core's ``mail/<kind>.txt``, a plugin's as ``<plugin>.<kind>``."""
    kinds = {path.stem for path in (ROOT / "meetings/templates/mail").glob("*.txt") if not path.name.startswith("_")}
    for path in (ROOT / "plugins").glob("*/templates/*/mail/*.txt"):
        kinds.add(f"{path.parts[-5]}.{path.stem}")
    return kinds


def test_every_mail_template_is_known_to_be_about_a_meeting_or_not():
    assert not ABOUT_A_MEETING & NOT_ABOUT_A_MEETING
    assert mail_templates() == ABOUT_A_MEETING | NOT_ABOUT_A_MEETING, (
        "sort the new mail kind into ABOUT_A_MEETING (and send it below) or NOT_ABOUT_A_MEETING")


def kind_of(app, message: EmailMessage) -> str:
    """The outbox kind of a received message, from its Message-ID (<outbox.ID.…@host>)."""
    outbox_id = int(re.match(r"<outbox\.(\d+)\.", message["Message-ID"]).group(1))
    with app.app_context():
        return db.session.get(OutboxMessage, outbox_id).kind


def every_kind_of_mail_about_meetings(app) -> dict[str, int]:
    """A forum of Region Norrbotten with a coming meeting and a past one, both with Sara Lundberg as
    contact, and everything that sends mail about them, in English. Returns the people's ids."""
    from plugins.compensation import claims, notify
    from plugins.compensation.models import ForumRules
    from plugins.minutes import rules as minutes

    with app.app_context():
        now = utcnow().replace(microsecond=0)
        region = make_organisation("Region Norrbotten", "public_body", contact_email="dialog@region.example")
        association = make_organisation("Svenska Röda Korset")
        organiser = make_person("olle@region.example", "Olle Organisatör", organises_for=region, locale="en")
        people = {name: make_person(f"{name}@example.org", name.title(), represents=association, locale="en")
                  for name in ("ann", "bo", "dora", "erik", "rut")}
        forum = make_forum(region, "Dialogforum", members=[association])
        db.session.add(ForumRules(forum_id=forum.id, offered=True, kinds="civil_society", fee_on_site_ore=50_000,
                                  fee_online_ore=25_000, max_representatives=2, mileage=True, receipts=True,
                                  deadline_days=5))
        coming = make_meeting(forum, "Vårmöte", starts_at=now + timedelta(days=7), capacity=1, **CONTACT)
        past = make_meeting(forum, "Höstmöte", starts_at=now - timedelta(days=2), **CONTACT)

        # The coming meeting: an invitation, registrations, the waiting list and the programme.
        invite_emails(coming, ["guest@example.org"], by=organiser, now=now)
        first = create_session(coming, SessionData("Workshop", coming.starts_at, coming.starts_at + timedelta(hours=1),
                               MeetingFormat.HYBRID, capacity=1))
        second = create_session(coming, SessionData("Panel", coming.starts_at + timedelta(hours=1),
                                coming.starts_at + timedelta(hours=2), MeetingFormat.HYBRID))
        ann = register(coming, people["ann"], ParticipationMode.ON_SITE, now=now).registration   # confirmed
        cancel(ann, now=now)                                                                      # cancelled
        undo_cancel(ann, now=now)                                                                 # restored
        register(coming, people["bo"], ParticipationMode.ON_SITE, now=now)                       # waiting
        dora = register(coming, people["dora"], ParticipationMode.ONLINE, now=now).registration
        erik = register(coming, people["erik"], ParticipationMode.ONLINE, now=now).registration
        choose_sessions(dora, [first.id, second.id], now=now)
        choose_sessions(erik, [first.id], now=now)                                   # waiting for the workshop
        cancel(dora, now=now)                      # erik gets the workshop (session_promoted) …
        cancel(ann, now=now)                       # … and bo the seat (registration_promoted)
        choose_sessions(erik, [first.id, second.id], now=now)
        update_session(first, replace(SessionData("Workshop", first.starts_at, first.ends_at, MeetingFormat.HYBRID,
                                                  capacity=1), room="Sal B"), now=now)   # session_changed
        delete_session(db.session.get(type(second), second.id))                          # session_removed
        register_by_address(coming, "erik@example.org", "Erik", ParticipationMode.ONLINE, now=now)  # the link again
        details = MeetingDetails(**{name: getattr(coming, name) for name in DETAIL_NAMES})
        update_meeting(coming, replace(details, starts_at=coming.starts_at + timedelta(hours=1),
                                       ends_at=coming.ends_at + timedelta(hours=1)), now=now)   # meeting_moved
        send_meeting_reminders(now=coming.starts_at - timedelta(hours=23))
        send_invitation_reminders(now=coming.starts_at - timedelta(days=1))
        cancel_meeting(coming, now=now)

        # The past meeting: compensation and minutes.
        rut = make_registration(past, people["rut"], "on_site", organisation=association)
        make_attendance(rut)
        assert notify.send_reminders() == 1                                    # compensation.reminder
        claim = claims.start(past, association, people["rut"])
        notify.state_changed(claim)                                            # compensation.state_changed
        db.session.commit()
        protocol = minutes.start_minutes(past, organiser)
        minutes.save_header(protocol, minutes.Header(place="Kulturens hus", secretary=organiser,
                                                     chair=organiser, adjusters=[people["bo"]]), None)
        paragraph = protocol.paragraphs[0]
        minutes.add_action(paragraph, "Send the report", people["rut"], due=now.date())
        minutes.send_for_approval(protocol)                                    # minutes.approval_requested
        db.session.commit()
        minutes.send_reminders(now + timedelta(days=8), 7, 7)                   # approval and action reminders
        minutes.approve(protocol, organiser)
        minutes.approve(protocol, people["bo"])
        minutes.send_extract(protocol, [paragraph], [people["rut"]], [], b"%PDF-1.4\n%%EOF\n", organiser)
        db.session.commit()                                                    # minutes.extract
        return {"coming": coming.id, "past": past.id}


def test_every_mail_about_a_meeting_names_its_contact_and_comes_from_the_organising_body(app, mail_server):
    app.config["DEFAULT_LOCALE"] = "en"  # for the invited address and the organisation, who have no language
    every_kind_of_mail_about_meetings(app)
    with app.app_context():
        while send_due_mail():
            pass

    received: dict[str, list[EmailMessage]] = {}
    for message in mail_server.received:
        received.setdefault(kind_of(app, message), []).append(message)
    assert received.keys() >= ABOUT_A_MEETING, f"not sent: {sorted(ABOUT_A_MEETING - received.keys())}"
    for kind in sorted(ABOUT_A_MEETING):
        for message in received[kind]:
            sender = message["From"].addresses[0]
            assert (sender.display_name, sender.addr_spec) == ("Region Norrbotten", app.config["MAIL_FROM"]), kind
            assert [a.addr_spec for a in message["Reply-To"].addresses] == ["sara.lundberg@region.example"], kind
            text = text_part(message)
            assert "Questions? Contact Sara Lundberg, Region Norrbotten" in text, kind
            assert "E-mail: sara.lundberg@region.example" in text and "Phone: 070-174 06 13" in text, kind
            html = html_part(message)
            assert "Questions? Contact Sara Lundberg, Region Norrbotten" in html, kind
            assert 'href="mailto:sara.lundberg@region.example"' in html and 'href="tel:0701740613"' in html, kind


def test_the_contact_block_is_in_the_readers_language_and_falls_back_to_the_organisations_address(app, mail_server):
    with app.app_context():
        region = make_organisation("Region Norrbotten", "public_body", contact_email="dialog@region.example")
        forum = make_forum(region)
        meeting = make_meeting(forum)  # nobody named
        make_registration(meeting, make_person("svensk@example.org", "Svea", locale="sv"))
        send_due_mail()
    message, = mail_server.messages_to("svensk@example.org")
    assert "Frågor? Kontakta Region Norrbotten" in text_part(message)
    assert "E-post: dialog@region.example" in text_part(message)
    assert message["Reply-To"].addresses[0].addr_spec == "dialog@region.example"
    assert message["From"].addresses[0].display_name == "Region Norrbotten"


def test_a_meeting_with_nobody_to_ask_sends_mail_without_a_contact_block_or_reply_to(app, mail_server):
    with app.app_context():
        meeting = make_meeting(make_forum(make_organisation("Region Norrbotten", "public_body")))
        make_registration(meeting, make_person("ann@example.org", "Ann", locale="en"))
        send_due_mail()
    message, = mail_server.messages_to("ann@example.org")
    assert "Questions?" not in text_part(message) and "Questions?" not in html_part(message)
    assert message["Reply-To"] is None
    assert message["From"].addresses[0].display_name == "Region Norrbotten"


def test_names_and_addresses_cannot_add_headers(app, mail_server):
    """A name with quotes, a comma and a line break is encoded as one display name; an address that
    is not one plain address is left out rather than written into a header."""
    with app.app_context():
        body = make_organisation('Region "Norr", Test\r\nBcc: evil@example.org', "public_body",
                                 contact_email="dialog@region.example\r\nBcc: evil@example.org")
        meeting = make_meeting(make_forum(body))
        make_registration(meeting, make_person("ann@example.org", "Ann", locale="en"))
        send_due_mail()
    message, = mail_server.messages_to("ann@example.org")
    assert message["Bcc"] is None and message["Reply-To"] is None
    assert message["From"].addresses[0].display_name == 'Region "Norr", Test Bcc: evil@example.org'
    assert message["From"].addresses[0].addr_spec == app.config["MAIL_FROM"]
    assert [m["To"] for m in mail_server.received] == ["ann@example.org"]


def test_mail_not_about_a_meeting_comes_in_the_sites_name_with_reply_to_the_operator(app, client, mail_server):
    app.config.update(SITE_NAME="Dialog Norrbotten", SITE_OPERATOR="Region Norrbotten",
                      SITE_OPERATOR_EMAIL="dialog@norrbotten.example.se", MAIL_FROM="Möten <noreply@example.se>")
    submit_form(client, "/sign-in", {"email": "ann@example.org"})
    with app.app_context():
        send_due_mail()
    message, = mail_server.messages_to("ann@example.org")
    sender = message["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("Dialog Norrbotten", "noreply@example.se")
    assert message["Reply-To"].addresses[0].addr_spec == "dialog@norrbotten.example.se"
    assert "Dialog Norrbotten · http://localhost" in text_part(message)
    assert "Dialog Norrbotten" in html_part(message)


# --- the contact on the organisers' form and the meeting's page --------------------------------------

@pytest.fixture
def planned(app):
    with app.app_context():
        region = make_organisation("Region Norrbotten", "public_body", contact_email="dialog@region.example")
        organiser = make_person("sara.lundberg@region.example", "Sara Lundberg", organises_for=region)
        forum = make_forum(region, "Dialogforum")
        meeting = make_meeting(forum)
        return {"organiser": organiser.id, "forum": forum.slug, "meeting": meeting.id}


def test_a_new_meeting_offers_its_organiser_as_the_contact(client, planned):
    sign_in(client, planned["organiser"])
    page = f"/forums/{planned['forum']}/meetings/new"
    fields = dict(find_form(client.get(page).get_data(as_text=True), page).fields())
    assert (fields["contact_name"], fields["contact_email"], fields["contact_phone"]) == (
        "Sara Lundberg", "sara.lundberg@region.example", "")


def test_the_organiser_names_a_contact_and_the_meeting_page_shows_how_to_reach_them(app, client, planned):
    sign_in(client, planned["organiser"])
    edit = f"/meetings/{planned['meeting']}/edit"
    response = submit_form(client, edit, {"contact_name": "Karin Öberg", "contact_email": "Karin@Region.example",
                                          "contact_phone": "+46 70-174 06 11"})
    assert response.status_code == 302

    page = client.get(f"/meetings/{planned['meeting']}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Questions?" in page and "Contact Karin Öberg, Region Norrbotten." in page
    assert 'href="mailto:karin@region.example"' in page
    assert 'href="tel:+46701740611">+46 70-174 06 11</a>' in page


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"contact_email": "not an address"}, "contact_email", "Enter an e-mail address like name@example.org."),
    ({"contact_phone": "call me"}, "contact_phone", "Enter a phone number, for example 070-123 45 67"),
    ({"contact_phone": "12"}, "contact_phone", "Enter a phone number, for example 070-123 45 67"),
    ({"contact_name": "Sara\r\nBcc: x"}, "contact_name", "Write this on one line."),
])
def test_a_contact_that_cannot_be_used_is_refused_beside_its_field(app, client, planned, values, field, message):
    sign_in(client, planned["organiser"])
    response = submit_form(client, f"/meetings/{planned['meeting']}/edit", values,
                           headers={"Accept-Language": "en"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page and f'id="{field}"' in page and 'aria-invalid="true"' in page
    with app.app_context():
        meeting = db.session.get(Meeting, planned["meeting"])
        assert (meeting.contact_name, meeting.contact_email, meeting.contact_phone) == (None, None, None)


def test_the_invitation_and_the_registration_pages_name_the_contact_too(app, client):
    with app.app_context():
        meeting = make_meeting(make_forum(make_organisation("Region Norrbotten", "public_body")), **CONTACT)
        invite_emails(meeting, ["guest@example.org"], by=None)
        token = invitation_token(db.session.scalar(select(Invitation).where(Invitation.meeting_id == meeting.id)))
        person = make_person("ann@example.org", "Ann")
        registered = register(meeting, person, ParticipationMode.ON_SITE)
        visits = [(client, f"/invitation/{token}"), (client, f"/registrations/{registered.manage_token}")]
        signed_in = app.test_client()
        sign_in(signed_in, person)
        visits.append((signed_in, f"/meetings/{meeting.id}/my-registration"))
    for browser, page in visits:
        body = browser.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "Contact Sara Lundberg, Region Norrbotten." in body, page
        assert 'href="tel:0701740613"' in body, page


def test_without_a_named_contact_the_page_gives_the_organising_bodys_address(client, planned):
    page = client.get(f"/meetings/{planned['meeting']}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Contact Region Norrbotten." in page and 'href="mailto:dialog@region.example"' in page


def test_a_meeting_with_nobody_to_ask_shows_no_contact(app, client):
    with app.app_context():
        meeting = make_meeting(make_forum(make_organisation("Region Norrbotten", "public_body")))
        meeting_id = meeting.id
    page = client.get(f"/meetings/{meeting_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Questions?" not in page


def test_the_calendar_entry_names_the_contact(app, client):
    with app.app_context():
        meeting = make_meeting(make_forum(make_organisation("Region Norrbotten", "public_body")), **CONTACT)
        meeting_id = meeting.id
    event, = Calendar.from_ical(client.get(f"/calendar/meetings/{meeting_id}.ics").data).walk("VEVENT")
    assert str(event["organizer"]) == "mailto:sara.lundberg@region.example"
    assert event["organizer"].params["CN"] == "Region Norrbotten"
    assert str(event["contact"]) == "Sara Lundberg, Region Norrbotten, sara.lundberg@region.example, 070-174 06 13"


def test_a_person_removed_is_no_longer_named_as_a_contact(app, client, planned):
    sign_in(client, planned["organiser"])
    submit_form(client, f"/meetings/{planned['meeting']}/edit", CONTACT)
    assert client.get("/account/data.json").get_json()["contact_person_for"][0]["name"] == "Sara Lundberg"
    assert submit_form(client, "/account", {"understood": True}, action="/account/delete").status_code == 302
    with app.app_context():
        meeting = db.session.get(Meeting, planned["meeting"])
        assert (meeting.contact_name, meeting.contact_email, meeting.contact_phone) == (None, None, None)


# --- the site's name, operator, footer and icon -------------------------------------------------------

def test_the_site_is_named_as_configured_on_every_page(make_app):
    app = make_app(SITE_NAME="Dialog Norrbotten", SITE_OPERATOR="Region Norrbotten",
                   SITE_OPERATOR_EMAIL="dialog@norrbotten.example.se", FOOTER_TEXT="Överenskommelsen i Norrbotten.")
    page = app.test_client().get("/forums", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert re.search(r"<title>[^<]* – Dialog Norrbotten</title>", page)
    assert re.search(r'class="site-name"[^>]*>.*Dialog Norrbotten</a>', page)
    footer = page.split('<footer class="site-footer">', 1)[1]
    assert "Överenskommelsen i Norrbotten." in footer and "Run by Region Norrbotten." in footer
    assert 'href="mailto:dialog@norrbotten.example.se"' in footer


def test_without_settings_the_site_has_its_own_name_in_each_language(client):
    swedish = client.get("/", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "– Dialogmöten</title>" in swedish and "Drivs av Dialogmöten." in swedish
    assert "– Dialogue meetings</title>" in english


def test_the_site_has_an_icon(client):
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico"' in page
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon" and icon.data[:4] == b"\0\0\1\0"
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and b"<svg" in svg.data
    assert client.get("/static/apple-touch-icon.png").data[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(("name", "value"), [
    ("SITE_OPERATOR_EMAIL", "not an address"), ("SITE_OPERATOR_EMAIL", "a@b.se\r\nBcc: c@d.se"),
    ("SITE_NAME", "Two\nlines"), ("ACCESSIBILITY_STATEMENT_DATE", "yesterday"),
    ("NEEDS_RETENTION_DAYS", "-1"), ("NEEDS_RETENTION_DAYS", "thirty"), ("ACCESSIBILITY_RESPONSE_DAYS", "0"),
])
def test_identity_settings_that_cannot_be_used_stop_the_app(tmp_path, name, value):
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path, environ={"MEETINGS_ENV": "development", name: value})
    assert error.value.setting == name

