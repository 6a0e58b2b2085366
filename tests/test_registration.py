"""Registration: capacity holds under simultaneous registrations, the waiting list keeps its order,
and a cancellation promotes the first in line, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from meetings.domain.registration import (
    Refusal,
    RegistrationRefused,
    cancel,
    register,
    switch_mode,
    waiting_list,
)
from meetings.extensions import db
from meetings.models import (
    Forum,
    Invitation,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Organisation,
    OrganisationKind,
    OutboxMessage,
    ParticipationMode,
    Person,
    Registration,
    RegistrationStatus,
    utcnow,
)
from meetings.testing import text_part

ON_SITE, ONLINE = ParticipationMode.ON_SITE, ParticipationMode.ONLINE


def make_meeting(app, capacity=10, meeting_format=MeetingFormat.ON_SITE, **fields) -> int:
    with app.app_context():
        region = Organisation(name="Region Norrbotten", kind=OrganisationKind.PUBLIC_BODY)
        forum = Forum(slug=f"forum-{utcnow().timestamp()}", name="Länspartnerskapet", organiser=region)
        start = utcnow() + timedelta(days=14)
        meeting = Meeting(forum=forum, title="Dialogmöte i Luleå", starts_at=start, ends_at=start + timedelta(hours=3),
                          format=meeting_format, venue_name="Kulturens hus", capacity=capacity,
                          online_url=None if meeting_format == MeetingFormat.ON_SITE else "https://meet.example.org/a",
                          status=MeetingStatus.PUBLISHED, **fields)
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


def make_people(app, count: int, prefix: str = "person") -> list[int]:
    with app.app_context():
        people = [Person(email=f"{prefix}{i}@example.org", name=f"Person {i}", locale="sv") for i in range(count)]
        db.session.add_all(people)
        db.session.commit()
        return [p.id for p in people]


def do_register(app, meeting_id, person_id, mode=ON_SITE, **kwargs):
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        person = db.session.get(Person, person_id)
        return register(meeting, person, mode, **kwargs).registration.status


def statuses(app, meeting_id):
    with app.app_context():
        rows = db.session.execute(
            select(Registration.person_id, Registration.status, Registration.waiting_since, Registration.id)
            .where(Registration.meeting_id == meeting_id)).all()
        counter = db.session.get(Meeting, meeting_id).confirmed_on_site
        return rows, counter


def test_fifty_at_once_for_ten_seats(app):
    """The capacity rule: exactly ten confirmed, forty waiting in the order they came, none lost."""
    meeting_id = make_meeting(app, capacity=10)
    person_ids = make_people(app, 50)
    start = threading.Barrier(50)
    errors: list[BaseException] = []

    def attempt(person_id):
        try:
            start.wait(timeout=60)
            do_register(app, meeting_id, person_id, notify=False)
        except BaseException as exc:  # noqa: BLE001 - every failure is reported below
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=(pid,)) for pid in person_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    rows, counter = statuses(app, meeting_id)
    assert len(rows) == 50  # none lost
    confirmed = [r for r in rows if r.status == RegistrationStatus.CONFIRMED]
    waiting = sorted((r for r in rows if r.status == RegistrationStatus.WAITING), key=lambda r: (r.waiting_since, r.id))
    assert len(confirmed) == 10 and counter == 10
    assert len(waiting) == 40
    with app.app_context():
        in_line = [r.person_id for r in waiting_list(db.session.get(Meeting, meeting_id), ON_SITE)]
    assert in_line == [r.person_id for r in waiting]


def test_cancellation_promotes_the_first_in_line_and_tells_them(app, send_mail):
    meeting_id = make_meeting(app, capacity=2)
    first, second, third, fourth = make_people(app, 4)
    for person_id in (first, second, third, fourth):
        do_register(app, meeting_id, person_id)
    send_mail()
    with app.app_context():
        registration = db.session.scalar(select(Registration).where(Registration.person_id == first))
        promoted = cancel(registration)
        assert promoted.person_id == third
    rows, counter = statuses(app, meeting_id)
    by_person = {r.person_id: r.status for r in rows}
    assert by_person == {first: RegistrationStatus.CANCELLED, second: RegistrationStatus.CONFIRMED,
                         third: RegistrationStatus.CONFIRMED, fourth: RegistrationStatus.WAITING}
    assert counter == 2
    mails = [m for m in send_mail() if m["To"] == "person2@example.org"]
    assert len(mails) == 2  # the waiting-list notice, then the promotion
    assert "Kulturens hus" in text_part(mails[-1])


def test_simultaneous_cancellations_never_overfill(app):
    meeting_id = make_meeting(app, capacity=5)
    person_ids = make_people(app, 15)
    for person_id in person_ids:
        do_register(app, meeting_id, person_id, notify=False)
    confirmed_ids = person_ids[:5]
    start = threading.Barrier(5)
    errors = []

    def cancel_one(person_id):
        try:
            start.wait(timeout=60)
            with app.app_context():
                registration = db.session.scalar(select(Registration).where(Registration.person_id == person_id))
                cancel(registration)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=cancel_one, args=(pid,)) for pid in confirmed_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    rows, counter = statuses(app, meeting_id)
    confirmed = {r.person_id for r in rows if r.status == RegistrationStatus.CONFIRMED}
    assert counter == 5 and confirmed == set(person_ids[5:10])  # the next five, in order
    assert {r.person_id for r in rows if r.status == RegistrationStatus.WAITING} == set(person_ids[10:])


def test_one_registration_per_person_and_meeting(app):
    meeting_id = make_meeting(app)
    (person_id,) = make_people(app, 1)
    do_register(app, meeting_id, person_id)
    with pytest.raises(RegistrationRefused) as refused:
        do_register(app, meeting_id, person_id)
    assert refused.value.refusal == Refusal.ALREADY_REGISTERED
    rows, counter = statuses(app, meeting_id)
    assert len(rows) == 1 and counter == 1


def test_the_same_person_twice_at_the_same_moment_gets_one_registration(app):
    meeting_id = make_meeting(app)
    (person_id,) = make_people(app, 1)
    start = threading.Barrier(8)
    outcomes = []

    def attempt():
        start.wait(timeout=60)
        try:
            outcomes.append(do_register(app, meeting_id, person_id, notify=False))
        except RegistrationRefused as refused:
            outcomes.append(refused.refusal)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count(RegistrationStatus.CONFIRMED) == 1
    assert outcomes.count(Refusal.ALREADY_REGISTERED) == 7
    rows, counter = statuses(app, meeting_id)
    assert len(rows) == 1 and counter == 1  # the refused attempts gave their seats back


@pytest.mark.parametrize(("change", "refusal"), [
    ({"status": MeetingStatus.CANCELLED}, Refusal.CANCELLED_MEETING),
    ({"status": MeetingStatus.DRAFT}, Refusal.NOT_PUBLISHED),
    ({"registration_opens_at": utcnow() + timedelta(days=3)}, Refusal.NOT_OPEN_YET),
    ({"registration_closes_at": utcnow() - timedelta(minutes=1)}, Refusal.CLOSED),
])
def test_registration_outside_the_rules_is_refused_and_stores_nothing(app, change, refusal):
    meeting_id = make_meeting(app)
    (person_id,) = make_people(app, 1)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        for name, value in change.items():
            setattr(meeting, name, value)
        db.session.commit()
    with pytest.raises(RegistrationRefused) as refused:
        do_register(app, meeting_id, person_id)
    assert refused.value.refusal == refusal
    rows, counter = statuses(app, meeting_id)
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert rows == [] and counter == 0


def test_online_is_not_offered_for_meetings_on_site(app):
    meeting_id = make_meeting(app)
    (person_id,) = make_people(app, 1)
    with pytest.raises(RegistrationRefused) as refused:
        do_register(app, meeting_id, person_id, mode=ONLINE)
    assert refused.value.refusal == Refusal.MODE_NOT_OFFERED


def test_an_organisations_seat_allowance_is_kept(app):
    meeting_id = make_meeting(app, capacity=20)
    people = make_people(app, 3)
    with app.app_context():
        association = Organisation(name="Hela Sverige ska leva", kind=OrganisationKind.CIVIL_SOCIETY)
        db.session.add(association)
        db.session.flush()
        invitation = Invitation(meeting_id=meeting_id, organisation_id=association.id, seats=2, token_hash="x" * 64)
        db.session.add(invitation)
        db.session.commit()
        invitation_id, association_id = invitation.id, association.id

    def with_invitation(person_id):
        with app.app_context():
            return register(db.session.get(Meeting, meeting_id), db.session.get(Person, person_id), ON_SITE,
                            organisation=db.session.get(Organisation, association_id),
                            invitation=db.session.get(Invitation, invitation_id)).registration.status

    assert with_invitation(people[0]) == RegistrationStatus.CONFIRMED
    assert with_invitation(people[1]) == RegistrationStatus.CONFIRMED
    with pytest.raises(RegistrationRefused) as refused:
        with_invitation(people[2])
    assert refused.value.refusal == Refusal.SEATS_USED


def test_switching_to_online_frees_the_seat_for_the_waiting_list(app):
    meeting_id = make_meeting(app, capacity=1, meeting_format=MeetingFormat.HYBRID)
    first, second = make_people(app, 2)
    do_register(app, meeting_id, first)
    assert do_register(app, meeting_id, second) == RegistrationStatus.WAITING
    with app.app_context():
        registration = db.session.scalar(select(Registration).where(Registration.person_id == first))
        switch_mode(registration, ONLINE)
        assert registration.status == RegistrationStatus.CONFIRMED and registration.mode == ONLINE
    rows, counter = statuses(app, meeting_id)
    assert {r.person_id: r.status for r in rows} == {first: RegistrationStatus.CONFIRMED,
                                                      second: RegistrationStatus.CONFIRMED}
    assert counter == 1


def test_no_changes_after_the_meeting_has_started(app):
    meeting_id = make_meeting(app)
    (person_id,) = make_people(app, 1)
    do_register(app, meeting_id, person_id)
    with app.app_context():
        registration = db.session.scalar(select(Registration))
        with pytest.raises(RegistrationRefused) as refused:
            cancel(registration, now=registration.meeting.starts_at + timedelta(minutes=5))
        assert refused.value.refusal == Refusal.STARTED
        assert registration.status == RegistrationStatus.CONFIRMED
