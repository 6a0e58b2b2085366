"""The input-cleaning layer, seen as a user sees it: bad input gets a clear answer, never a server
error, and nothing already stored is lost. (tests/test_fuzz.py tries every route and form.)"""

from __future__ import annotations

import io
import json

from sqlalchemy import func, select

from meetings.extensions import db
from meetings.forms.base import FlaskForm
from meetings.models import Forum, Meeting
from meetings.testing import find_form, send_form, sign_in
from tests.test_registration import make_meeting


def test_numbers_beyond_any_column_in_an_address_are_no_page(client, app):
    meeting_id = make_meeting(app)
    assert client.get(f"/meetings/{meeting_id}").status_code == 200
    for number in ("2147483648", "9223372036854775808", "1" + "0" * 40):
        assert client.get(f"/meetings/{number}").status_code == 404
        assert client.get(f"/organisations/{number}").status_code == 404


def test_control_characters_in_a_search_are_dropped(client, people):
    page = client.get("/organisations?q=R%C3%B6da%00%0B%20Korset")
    assert page.status_code == 200
    assert "Svenska Röda Korset" in page.get_data(as_text=True)
    assert client.get("/organisations?q=" + "a" * 300_000).status_code == 200
    assert client.get("/forums/r%00d").status_code == 404


def _new_forum_form(client):
    page = client.get("/forums/new", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    return find_form(page, "/forums/new", action="/forums/new")


def test_a_line_break_in_a_one_line_field_is_refused_beside_the_field(client, app, people):
    sign_in(client, people["organiser"])
    new = _new_forum_form(client)
    answer = send_form(client, new, {"name": "Rådet\r\nBCC: alla", "slug": "radet"}, page="/forums/new")
    assert answer.status_code == 200
    assert "Skriv detta på en rad." in answer.get_data(as_text=True)
    assert 'value="Rådet' in answer.get_data(as_text=True)  # what was typed is shown again
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Forum)) == 0


def test_a_form_refuses_json_and_files_with_a_message(client, app, people):
    sign_in(client, people["organiser"])
    new = _new_forum_form(client)
    as_json = client.post("/forums/new", data=json.dumps(dict(new.filled_in({"name": "Rådet"}))),
                          content_type="application/json")
    assert as_json.status_code == 400
    assert "tar emot fälten i sitt formulär" in as_json.get_data(as_text=True)
    with_file = client.post("/forums/new", data={**dict(new.fields()), "name": (io.BytesIO(b"x"), "name.txt")},
                            content_type="multipart/form-data")
    assert with_file.status_code == 400 and "tar inte emot filer" in with_file.get_data(as_text=True)


def test_a_date_far_out_of_range_is_refused_and_the_meeting_keeps_its_time(client, app, people):
    meeting_id = make_meeting(app)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        meeting.forum.organiser_id = people["region"]
        db.session.commit()
        starts_at = meeting.starts_at
    sign_in(client, people["organiser"])
    page = client.get(f"/meetings/{meeting_id}/edit", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    edit = find_form(page, f"/meetings/{meeting_id}/edit", action=f"/meetings/{meeting_id}/edit")
    for typed in ("0001-01-01T00:00", "9999-12-31T23:59"):
        answer = send_form(client, edit, {"starts_at": typed}, page=f"/meetings/{meeting_id}/edit")
        assert answer.status_code == 200
        assert "Skriv ett datum mellan åren 2000 och 2200." in answer.get_data(as_text=True)
    answer = send_form(client, edit, {"capacity": "2147483648"}, page=f"/meetings/{meeting_id}/edit")
    assert answer.status_code == 200 and "Talet är för stort." in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).starts_at == starts_at


def test_every_form_has_the_checks_of_the_base_form():
    """A form that derives from Flask-WTF directly would miss the one-line and number checks."""
    import flask_wtf

    import meetings.forms.attendance  # noqa: E401, F401
    import meetings.forms.forums
    import meetings.forms.interests
    import meetings.forms.invitations  # noqa: E401, F401
    import meetings.forms.meetings
    import meetings.forms.organisations
    import meetings.forms.registration  # noqa: E401, F401

    def all_subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from all_subclasses(sub)

    outside = [cls.__qualname__ for cls in all_subclasses(flask_wtf.FlaskForm)
               if cls.__module__.startswith(("meetings", "plugins")) and not issubclass(cls, FlaskForm)]
    assert outside == []
