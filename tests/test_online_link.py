"""The online link: one rule (meetings.domain.queries.online_link), seen through every place that
shows it. A confirmed online registrant sees it; once the meeting is cancelled, no place does."""

from __future__ import annotations

import pytest

from meetings.domain.meetings import cancel_meeting
from meetings.domain.registration import register
from meetings.extensions import db
from meetings.models import Meeting, MeetingFormat, ParticipationMode, Person
from meetings.testing import html_part, sign_in, text_part
from tests.test_registration import make_meeting, make_people

LINK = "https://meet.example.org/a"


@pytest.fixture
def online(app):
    """A hybrid meeting with limited online places; one person online, one on site."""
    meeting_id = make_meeting(app, meeting_format=MeetingFormat.HYBRID, online_capacity=5)
    online_id, on_site_id = make_people(app, 2)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        online_token = register(meeting, db.session.get(Person, online_id), ParticipationMode.ONLINE).manage_token
        on_site_token = register(meeting, db.session.get(Person, on_site_id),
                                 ParticipationMode.ON_SITE).manage_token
    return {"meeting": meeting_id, "online": online_id, "on_site": on_site_id,
            "online_token": online_token, "on_site_token": on_site_token}


def cancel(app, meeting_id):
    with app.app_context():
        cancel_meeting(db.session.get(Meeting, meeting_id))


def pages(app, online, who: str) -> dict[str, str]:
    """Every page that may show the link, as ``who`` sees it."""
    client = app.test_client()
    sign_in(client, online[who])
    token = online[f"{who}_token"]
    urls = {"meeting page": f"/meetings/{online['meeting']}",
            "own registration page": f"/meetings/{online['meeting']}/my-registration",
            "manage page (link in the e-mail)": f"/registrations/{token}",
            "attendance page (link in the e-mail)": f"/registrations/{token}/present",
            "calendar file": f"/calendar/meetings/{online['meeting']}.ics"}
    # (a calendar file folds long lines: a line break and a space inside the link)
    return {place: client.get(url).get_data(as_text=True).replace("\r\n ", "") for place, url in urls.items()}


def test_the_online_registrant_sees_the_link_everywhere_and_on_site_nowhere(app, online):
    for place, html in pages(app, online, "online").items():
        assert LINK in html, place
    for place, html in pages(app, online, "on_site").items():
        assert LINK not in html, place


def test_no_page_shows_the_link_once_the_meeting_is_cancelled(app, online):
    cancel(app, online["meeting"])
    for place, html in pages(app, online, "online").items():
        assert LINK not in html, place


def test_the_confirmation_mail_carries_the_link_only_for_online(app, online, send_mail):
    mails = {m["To"]: m for m in send_mail()}
    assert LINK in text_part(mails["person0@example.org"]) and LINK in html_part(mails["person0@example.org"])
    assert LINK not in text_part(mails["person1@example.org"])
    assert LINK not in html_part(mails["person1@example.org"])


def test_the_cancellation_mail_does_not_carry_the_link(app, online, send_mail):
    send_mail()
    cancel(app, online["meeting"])
    cancelled = [m for m in send_mail()[2:] if m["To"] == "person0@example.org"]
    assert cancelled and all(LINK not in text_part(m) and LINK not in html_part(m) for m in cancelled)
