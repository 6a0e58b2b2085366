"""A database that stays busy longer than a request may wait answers "try again" (503), translated,
and stores nothing of the request; sent again once the database is free, it goes through."""

from __future__ import annotations

import sqlite3

from sqlalchemy import func, select

from meetings.extensions import db
from meetings.models import Meeting, Registration
from meetings.testing import sign_in
from tests.test_registration import make_meeting, make_people
from tests.test_registration_pages import register_through_page


def test_a_locked_database_answers_try_again_and_keeps_nothing(make_app, tmp_path):
    path = tmp_path / "busy.sqlite3"
    # A short wait, so that the test need not hold the lock for the real twenty seconds.
    app = make_app(DATABASE_URL=f"sqlite:///{path}", SQLITE_BUSY_TIMEOUT_MS=100)
    meeting_id = make_meeting(app, capacity=5)
    (person_id,) = make_people(app, 1)
    client = app.test_client()
    sign_in(client, person_id)

    other_writer = sqlite3.connect(path, isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")  # e.g. a long write by another process
    try:
        answer = register_through_page(client, meeting_id, mode="on_site")
    finally:
        other_writer.execute("ROLLBACK")
        other_writer.close()

    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    assert "Vänta några sekunder och skicka igen" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
        assert db.session.get(Meeting, meeting_id).confirmed_on_site == 0

    again = register_through_page(client, meeting_id, mode="on_site")
    assert again.status_code == 302 and "/registrations/" in again.headers["Location"]
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).confirmed_on_site == 1
