"""§ numbers run on per forum and calendar year, also when two drafts are numbered at the same moment."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from meetings.extensions import db
from meetings.models import AgendaItem, Meeting, Person
from meetings.testing import make_meeting
from plugins.minutes import rules

from .conftest import build_world


def numbers(protocol):
    return [p.number for p in protocol.paragraphs]


def test_paragraphs_are_numbered_on_across_meetings_and_start_again_each_year(app):
    with app.app_context():
        ids = build_world(datetime(2026, 3, 10, 12, tzinfo=UTC))
        meeting = db.session.get(Meeting, ids["meeting"])
        first = rules.start_minutes(meeting, db.session.get(Person, ids["organiser"]))
        db.session.commit()
        assert numbers(first) == [1, 2, 3]
        assert [p.title for p in first.paragraphs] == ["Mötets öppnande", "Regional överenskommelse", "Handlingsplan"]

        autumn = make_meeting(meeting.forum, "Höstmöte", starts_at=datetime(2026, 10, 1, 9, tzinfo=UTC))
        db.session.add(AgendaItem(meeting=autumn, position=0, title="Uppföljning"))
        db.session.commit()
        second = rules.start_minutes(autumn, None)
        rules.add_paragraph(second, "Övriga frågor")
        db.session.commit()
        assert numbers(second) == [4, 5]

        # New Year's Eve at 23:30 in Sweden is 22:30 UTC: still the old year.
        late = make_meeting(meeting.forum, "Nyårsmöte", starts_at=datetime(2026, 12, 31, 22, 30, tzinfo=UTC))
        assert numbers(rules.start_minutes(late, None)) == [6]
        next_year = make_meeting(meeting.forum, "Januarimöte", starts_at=datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
        assert numbers(rules.start_minutes(next_year, None)) == [1]
        db.session.commit()


def test_two_drafts_numbered_at_once_never_share_a_number(app):
    with app.app_context():
        ids = build_world(datetime(2026, 5, 5, 12, tzinfo=UTC))
        forum = db.session.get(Meeting, ids["meeting"]).forum
        meetings = []
        for n in range(6):
            meeting = make_meeting(forum, f"Möte {n}", starts_at=datetime(2026, 6, 1 + n, 9, tzinfo=UTC))
            for position in range(3):
                db.session.add(AgendaItem(meeting=meeting, position=position, title=f"Punkt {position}"))
            meetings.append(meeting.id)
        db.session.commit()

    barrier = threading.Barrier(len(meetings))
    errors = []

    def start(meeting_id):
        try:
            with app.app_context():
                meeting = db.session.get(Meeting, meeting_id)
                barrier.wait(timeout=10)
                rules.start_minutes(meeting, None)
                db.session.commit()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=start, args=(meeting_id,)) for meeting_id in meetings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        from plugins.minutes.models import Paragraph

        taken = sorted(p.number for p in db.session.query(Paragraph).filter_by(year=2026))
        assert taken == list(range(1, 19))
