"""Reminders before a meeting: sent once to each confirmed registrant at the set time, even across a
restart or with two workers, with the organiser's text and, for those online only, the link."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from meetings.domain import reminders
from meetings.domain.registration import cancel, register
from meetings.domain.reminders import forget_reminders, send_meeting_reminders
from meetings.domain.sessions import choose_sessions
from meetings.extensions import db
from meetings.models import (
    Meeting,
    MeetingFormat,
    MeetingSession,
    OutboxMessage,
    ParticipationMode,
    Person,
    Registration,
    RegistrationStatus,
)
from meetings.scheduler import build_scheduler
from meetings.testing import html_part, text_part
from tests.test_registration import make_meeting, make_people

ON_SITE, ONLINE = ParticipationMode.ON_SITE, ParticipationMode.ONLINE
LINK = "https://meet.example.org/a"


def starts_at(app, meeting_id: int):
    with app.app_context():
        return db.session.get(Meeting, meeting_id).starts_at


def register_all(app, meeting_id: int, person_ids, mode=ON_SITE) -> None:
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        for person_id in person_ids:
            register(meeting, db.session.get(Person, person_id), mode, notify=False)


def run_reminders(app, now) -> int:
    with app.app_context():
        return send_meeting_reminders(now)


def reminders_queued(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.kind == "meeting_reminder")
                                       .order_by(OutboxMessage.id)))


def test_a_reminder_goes_once_at_the_set_time(app, send_mail):
    meeting_id = make_meeting(app, reminder_text="Ta med egen kaffekopp.\nVi bjuder på fika.")
    person_ids = make_people(app, 3)
    register_all(app, meeting_id, person_ids)
    start = starts_at(app, meeting_id)

    assert run_reminders(app, start - timedelta(hours=24, minutes=1)) == 0  # not before the time
    assert run_reminders(app, start - timedelta(hours=23, minutes=55)) == 3
    assert run_reminders(app, start - timedelta(hours=23, minutes=50)) == 0
    assert run_reminders(app, start - timedelta(hours=1)) == 0

    mails = send_mail()
    assert sorted(m["To"] for m in mails) == [f"person{i}@example.org" for i in range(3)]
    text = text_part(mails[0]).replace("\r\n", "\n")
    assert "Dialogmöte i Luleå" in mails[0]["Subject"]
    assert "Kulturens hus" in text
    assert "Ta med egen kaffekopp.\nVi bjuder på fika." in text  # the organiser's own words
    assert "Ta med egen kaffekopp.<br>Vi bjuder på fika." in html_part(mails[0])
    with app.app_context():
        code = db.session.scalar(select(Registration.code).join(Person).where(Person.email == mails[0]["To"]))
    assert code in text
    assert LINK not in text


def test_no_reminder_when_turned_off(app):
    meeting_id = make_meeting(app, reminder_enabled=False)
    register_all(app, meeting_id, make_people(app, 2))
    assert run_reminders(app, starts_at(app, meeting_id) - timedelta(hours=1)) == 0
    assert reminders_queued(app) == []


def test_the_organiser_chooses_how_many_hours_before(app):
    meeting_id = make_meeting(app, reminder_hours=72)
    register_all(app, meeting_id, make_people(app, 1))
    start = starts_at(app, meeting_id)
    assert run_reminders(app, start - timedelta(hours=73)) == 0
    assert run_reminders(app, start - timedelta(hours=71)) == 1


def test_the_online_link_goes_only_to_those_taking_part_online(app, send_mail):
    meeting_id = make_meeting(app, meeting_format=MeetingFormat.HYBRID, access_info="Ramp vid entrén, hörslinga.")
    in_the_room, online = make_people(app, 2)
    register_all(app, meeting_id, [in_the_room], ON_SITE)
    register_all(app, meeting_id, [online], ONLINE)
    run_reminders(app, starts_at(app, meeting_id) - timedelta(hours=2))

    by_recipient = {m["To"]: m for m in send_mail()}
    room_text = text_part(by_recipient["person0@example.org"])
    online_text = text_part(by_recipient["person1@example.org"])
    assert LINK not in room_text and LINK not in html_part(by_recipient["person0@example.org"])
    assert "Ramp vid entrén" in room_text
    assert LINK in online_text and LINK in html_part(by_recipient["person1@example.org"])
    assert "Ramp vid entrén" not in online_text


def test_nothing_for_the_waiting_list_or_the_cancelled(app):
    meeting_id = make_meeting(app, capacity=1)
    confirmed, waiting, cancelled = make_people(app, 3)
    register_all(app, meeting_id, [confirmed, waiting, cancelled])
    with app.app_context():
        cancel(db.session.scalar(select(Registration).where(Registration.person_id == cancelled)))
        statuses = dict(db.session.execute(select(Registration.person_id, Registration.status)).all())
    assert statuses == {confirmed: RegistrationStatus.CONFIRMED, waiting: RegistrationStatus.WAITING,
                        cancelled: RegistrationStatus.CANCELLED}
    run_reminders(app, starts_at(app, meeting_id) - timedelta(hours=2))
    assert reminders_queued(app) == ["person0@example.org"]


def test_each_in_their_own_language(app, send_mail):
    meeting_id = make_meeting(app)
    swedish, english = make_people(app, 2)
    with app.app_context():
        db.session.get(Person, english).locale = "en"
        db.session.commit()
    register_all(app, meeting_id, [swedish, english])
    run_reminders(app, starts_at(app, meeting_id) - timedelta(hours=2))
    by_recipient = {m["To"]: m for m in send_mail()}
    assert '<html lang="sv">' in html_part(by_recipient["person0@example.org"])
    english_mail = by_recipient["person1@example.org"]
    assert '<html lang="en">' in html_part(english_mail) and english_mail["Subject"].startswith("Reminder:")


def test_late_registrants_are_reminded_too(app):
    meeting_id = make_meeting(app)
    early, late = make_people(app, 2)
    register_all(app, meeting_id, [early])
    start = starts_at(app, meeting_id)
    assert run_reminders(app, start - timedelta(hours=20)) == 1
    register_all(app, meeting_id, [late])  # registers after the reminders went out
    assert run_reminders(app, start - timedelta(hours=19)) == 1
    assert run_reminders(app, start + timedelta(minutes=1)) == 0  # and none once the meeting has started
    assert reminders_queued(app) == ["person0@example.org", "person1@example.org"]


def test_the_reminder_lists_the_chosen_sessions(app, send_mail):
    meeting_id = make_meeting(app)
    (person_id,) = make_people(app, 1)
    register_all(app, meeting_id, [person_id])
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        session = MeetingSession(meeting_id=meeting_id, title="Samtal om beredskap", room="Sal 2",
                                 starts_at=meeting.starts_at, ends_at=meeting.starts_at + timedelta(hours=1),
                                 format=MeetingFormat.ON_SITE, capacity=10)
        db.session.add(session)
        db.session.commit()
        choose_sessions(db.session.scalar(select(Registration)), [session.id])
    run_reminders(app, starts_at(app, meeting_id) - timedelta(hours=2))
    (mail,) = send_mail()
    assert "Samtal om beredskap (Sal 2)" in text_part(mail)


def test_two_workers_at_once_send_each_reminder_once(app):
    meeting_id = make_meeting(app, capacity=None)
    person_ids = make_people(app, 20)
    register_all(app, meeting_id, person_ids)
    now = starts_at(app, meeting_id) - timedelta(hours=3)
    workers = 4
    start = threading.Barrier(workers)
    counts: list[int] = []
    errors: list[BaseException] = []

    def worker():
        try:
            start.wait(timeout=60)
            counts.append(run_reminders(app, now))
        except BaseException as exc:  # noqa: BLE001 - every failure is reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sum(counts) == 20
    queued = reminders_queued(app)
    assert len(queued) == 20 and len(set(queued)) == 20


def test_a_restarted_worker_repeats_nothing_and_loses_nothing(app, make_app, monkeypatch, send_mail):
    meeting_id = make_meeting(app)
    register_all(app, meeting_id, make_people(app, 5))
    now = starts_at(app, meeting_id) - timedelta(hours=3)

    # The worker dies while queuing the third reminder: the first two are stored with their claims,
    # the third neither claimed nor queued.
    real_queue_mail, calls = reminders.queue_mail, []

    def dies_on_the_third(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise SystemExit("worker killed")
        return real_queue_mail(*args, **kwargs)

    monkeypatch.setattr(reminders, "queue_mail", dies_on_the_third)
    with pytest.raises(SystemExit), app.app_context():
        send_meeting_reminders(now)
    monkeypatch.setattr(reminders, "queue_mail", real_queue_mail)
    assert len(reminders_queued(app)) == 2

    restarted = make_app(create_schema=False)  # a new app object on the same database
    assert run_reminders(restarted, now + timedelta(minutes=5)) == 3
    assert run_reminders(restarted, now + timedelta(minutes=10)) == 0
    assert run_reminders(app, now + timedelta(minutes=15)) == 0
    mails = send_mail()
    assert sorted(m["To"] for m in mails) == [f"person{i}@example.org" for i in range(5)]
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Registration.reminded_at.is_(None))) == 0


def test_a_moved_meeting_is_reminded_again(app):
    meeting_id = make_meeting(app)
    register_all(app, meeting_id, make_people(app, 1))
    start = starts_at(app, meeting_id)
    assert run_reminders(app, start - timedelta(hours=2)) == 1
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        meeting.starts_at, meeting.ends_at = start + timedelta(days=7), meeting.ends_at + timedelta(days=7)
        forget_reminders(meeting)
        db.session.commit()
    assert run_reminders(app, start - timedelta(hours=1)) == 0
    assert run_reminders(app, start + timedelta(days=7, hours=-2)) == 1


def test_the_worker_runs_the_reminders(make_app):
    app = make_app()
    jobs = {job.id: job for job in build_scheduler(app, blocking=False).get_jobs()}
    assert "core.send_meeting_reminders" in jobs
