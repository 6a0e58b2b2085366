"""Double clicks: every change of a registration, a session choice and an invitation's seats pressed
twice, and fifty times, at the same moment. Afterwards the meeting's and each session's counters
equal the confirmed rows, nobody holds a seat beyond the capacity, and the person pressed once."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from meetings.domain.invitations import AnswerRefused, Attendee, answer_invitation
from meetings.domain.registration import RegistrationRefused, cancel, register, switch_mode
from meetings.domain.sessions import SessionRefused, choose_sessions
from meetings.extensions import db
from meetings.models import (
    Invitation,
    Meeting,
    MeetingFormat,
    MeetingSession,
    Membership,
    MembershipRole,
    Organisation,
    ParticipationMode,
    Person,
    Registration,
    RegistrationStatus,
    SessionChoice,
)
from tests.test_invitations import invite_members, make_scenario, token_for
from tests.test_registration import do_register, make_meeting, make_people
from tests.test_sessions import make_programme, registered

ON_SITE, ONLINE = ParticipationMode.ON_SITE, ParticipationMode.ONLINE
CONFIRMED, WAITING, CANCELLED = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING, RegistrationStatus.CANCELLED
PRESSES = [2, 50]


def at_once(presses: int, press: Callable[[int], object]) -> list[object]:
    """Run ``press(i)`` in ``presses`` threads released together; returns what each returned or raised."""
    start = threading.Barrier(presses)
    outcomes: list[object] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        try:
            start.wait(timeout=60)
            outcome = press(index)
        except BaseException as exc:  # noqa: BLE001 - every outcome is looked at by the test
            outcome = exc
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(presses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == presses
    return outcomes


def unexpected(outcomes: list[object], *allowed: type[BaseException]) -> list[BaseException]:
    return [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, allowed)]


def assert_counters_equal_rows(app, meeting_id: int) -> dict:
    """The meeting's seat counters equal its confirmed rows, within capacity; the same for each session."""
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        rows = dict(db.session.execute(
            select(Registration.mode, func.count()).where(Registration.meeting_id == meeting_id,
                                                          Registration.status == CONFIRMED)
            .group_by(Registration.mode)).all())
        assert meeting.confirmed_on_site == rows.get(ON_SITE, 0)
        assert meeting.confirmed_online == rows.get(ONLINE, 0)
        assert meeting.capacity is None or meeting.confirmed_on_site <= meeting.capacity
        assert meeting.online_capacity is None or meeting.confirmed_online <= meeting.online_capacity
        for session in db.session.scalars(select(MeetingSession).where(MeetingSession.meeting_id == meeting_id)):
            confirmed = db.session.scalar(select(func.count()).select_from(SessionChoice).where(
                SessionChoice.session_id == session.id, SessionChoice.status == CONFIRMED))
            assert session.confirmed_count == confirmed, session.title
            assert session.capacity is None or confirmed <= session.capacity
        return rows


def status_of(app, person_id: int) -> tuple[RegistrationStatus, ParticipationMode]:
    with app.app_context():
        registration = db.session.scalar(select(Registration).where(Registration.person_id == person_id))
        return registration.status, registration.mode


def by_person(app, person_id: int) -> Callable[[], Registration]:
    def load() -> Registration:
        return db.session.scalar(select(Registration).where(Registration.person_id == person_id))
    return load


@pytest.mark.parametrize("presses", PRESSES)
def test_registering_again_after_cancelling_takes_one_seat(app, presses):
    meeting_id = make_meeting(app, capacity=3)
    person, *others = make_people(app, 4)
    do_register(app, meeting_id, person, notify=False)
    with app.app_context():
        cancel(by_person(app, person)())
    for other in others[:1]:
        do_register(app, meeting_id, other, notify=False)

    outcomes = at_once(presses, lambda _: do_register(app, meeting_id, person))

    assert not unexpected(outcomes, RegistrationRefused), outcomes
    assert outcomes.count(CONFIRMED) == 1  # one answer says "registered", the others "already registered"
    assert status_of(app, person) == (CONFIRMED, ON_SITE)
    assert assert_counters_equal_rows(app, meeting_id) == {ON_SITE: 2}
    # The two people still coming fill the last seat: nothing was lost to the double press.
    do_register(app, meeting_id, others[1], notify=False)
    assert do_register(app, meeting_id, others[2], notify=False) == WAITING
    assert_counters_equal_rows(app, meeting_id)


@pytest.mark.parametrize("presses", PRESSES)
def test_changing_to_online_frees_one_seat_once(app, presses):
    meeting_id = make_meeting(app, capacity=2, meeting_format=MeetingFormat.HYBRID)
    person, neighbour, first_waiting, second_waiting = make_people(app, 4)
    for someone in (person, neighbour, first_waiting, second_waiting):
        do_register(app, meeting_id, someone, notify=False)

    def press(_):
        with app.app_context():
            return switch_mode(by_person(app, person)(), ONLINE).mode

    outcomes = at_once(presses, press)

    assert not unexpected(outcomes), outcomes
    assert status_of(app, person) == (CONFIRMED, ONLINE)
    # Exactly one seat on site was freed: the first in line got it, the second still waits.
    assert status_of(app, first_waiting) == (CONFIRMED, ON_SITE)
    assert status_of(app, second_waiting) == (WAITING, ON_SITE)
    assert assert_counters_equal_rows(app, meeting_id) == {ON_SITE: 2, ONLINE: 1}


@pytest.mark.parametrize("presses", PRESSES)
def test_many_people_changing_mode_back_and_forth_never_oversell(app, presses):
    meeting_id = make_meeting(app, capacity=5, meeting_format=MeetingFormat.HYBRID, online_capacity=5)
    people = make_people(app, 12)
    for person in people:
        do_register(app, meeting_id, person, notify=False)

    def press(index):
        person = people[index % len(people)]
        with app.app_context():
            registration = by_person(app, person)()
            return switch_mode(registration, ONLINE if index % 2 == 0 else ON_SITE).mode

    outcomes = at_once(presses, press)

    assert not unexpected(outcomes), outcomes
    rows = assert_counters_equal_rows(app, meeting_id)
    assert sum(rows.values()) <= 10
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Registration)
                                 .where(Registration.status != CANCELLED)) == 12  # nobody lost


@pytest.mark.parametrize("presses", PRESSES)
def test_cancelling_twice_promotes_one_person(app, presses):
    meeting_id = make_meeting(app, capacity=1)
    person, first_waiting, second_waiting = make_people(app, 3)
    for someone in (person, first_waiting, second_waiting):
        do_register(app, meeting_id, someone, notify=False)

    def press(_):
        with app.app_context():
            return cancel(by_person(app, person)())

    outcomes = at_once(presses, press)

    assert not unexpected(outcomes), outcomes
    assert status_of(app, person)[0] == CANCELLED
    assert status_of(app, first_waiting)[0] == CONFIRMED
    assert status_of(app, second_waiting)[0] == WAITING
    assert assert_counters_equal_rows(app, meeting_id) == {ON_SITE: 1}


@pytest.mark.parametrize("presses", PRESSES)
def test_choosing_a_session_twice_takes_one_place(app, presses):
    meeting_id, (health, _youth, preparedness) = make_programme(app)
    people = make_people(app, 3)
    mine, first, second = registered(app, meeting_id, people)
    with app.app_context():
        choose_sessions(db.session.get(Registration, first), [preparedness])

    def press(_):
        with app.app_context():
            return choose_sessions(db.session.get(Registration, mine), [health, preparedness])

    outcomes = at_once(presses, press)

    assert not unexpected(outcomes, SessionRefused), outcomes
    with app.app_context():
        choices = {c.session_id: c.status for c in db.session.scalars(
            select(SessionChoice).where(SessionChoice.registration_id == mine))}
    assert choices == {health: CONFIRMED, preparedness: CONFIRMED}
    assert_counters_equal_rows(app, meeting_id)
    # The session of two places is now full: the next one waits.
    with app.app_context():
        assert choose_sessions(db.session.get(Registration, second), [preparedness])[preparedness].status == WAITING


@pytest.mark.parametrize("presses", PRESSES)
def test_unchoosing_a_full_session_twice_promotes_one(app, presses):
    meeting_id, (_health, _youth, preparedness) = make_programme(app)
    people = make_people(app, 4)
    registrations = registered(app, meeting_id, people)
    for registration_id in registrations:
        with app.app_context():
            choose_sessions(db.session.get(Registration, registration_id), [preparedness])
    mine, _other, first_waiting, second_waiting = registrations

    def press(_):
        with app.app_context():
            return choose_sessions(db.session.get(Registration, mine), [])

    outcomes = at_once(presses, press)

    assert not unexpected(outcomes, SessionRefused), outcomes
    with app.app_context():
        status = {c.registration_id: c.status for c in db.session.scalars(
            select(SessionChoice).where(SessionChoice.session_id == preparedness))}
    assert mine not in status
    assert status[first_waiting] == CONFIRMED and status[second_waiting] == WAITING
    assert_counters_equal_rows(app, meeting_id)


@pytest.mark.parametrize("presses", PRESSES)
def test_an_organisations_seats_hold_when_its_people_register_at_once(app, presses):
    meeting_id = make_meeting(app, capacity=100)
    people = make_people(app, presses)
    with app.app_context():
        association = Organisation(name="Hela Sverige ska leva Norrbotten", kind="civil_society")
        db.session.add(association)
        db.session.flush()
        for person_id in people:
            db.session.add(Membership(person_id=person_id, organisation=association,
                                      role=MembershipRole.REPRESENTATIVE))
        invitation = Invitation(meeting_id=meeting_id, organisation_id=association.id, seats=2, token_hash="y" * 64)
        db.session.add(invitation)
        db.session.commit()
        invitation_id, association_id = invitation.id, association.id

    def press(index):
        with app.app_context():
            return register(db.session.get(Meeting, meeting_id), db.session.get(Person, people[index]), ON_SITE,
                            organisation=db.session.get(Organisation, association_id),
                            invitation=db.session.get(Invitation, invitation_id), notify=False).registration.status

    outcomes = at_once(presses, press)

    assert not unexpected(outcomes, RegistrationRefused), outcomes
    assert outcomes.count(CONFIRMED) == 2
    assert assert_counters_equal_rows(app, meeting_id) == {ON_SITE: 2}


@pytest.mark.parametrize("presses", PRESSES)
def test_the_same_answer_to_an_invitation_pressed_at_once_keeps_its_seats(app, presses):
    scenario = make_scenario(app, capacity=3)
    invite_members(app, scenario, seats=2)
    token = token_for(app, scenario, scenario.red_cross)
    named = [Attendee("Anna Andersson", "anna@redcross.example", ON_SITE),
             Attendee("Bertil Berg", "bertil@redcross.example", ONLINE)]

    def press(_):
        with app.app_context():
            return answer_invitation(token, True, named).status

    outcomes = at_once(presses, press)

    assert not unexpected(outcomes, AnswerRefused), outcomes
    assert any(not isinstance(o, BaseException) for o in outcomes)
    assert assert_counters_equal_rows(app, scenario.meeting) == {ON_SITE: 1, ONLINE: 1}
    with app.app_context():
        active = db.session.scalars(select(Person.email).join(Registration, Registration.person_id == Person.id)
                                    .where(Registration.status != CANCELLED)).all()
    assert sorted(active) == ["anna@redcross.example", "bertil@redcross.example"]


@pytest.mark.parametrize("online_places", [None, 10])
def test_changing_to_online_while_being_promoted_still_ends_online(app, online_places):
    """Half cancel while the other half, waiting, change to online (pressing twice): a promotion
    arriving in the middle of a change of mode does not swallow the change, and a full online
    side never leaves two of them waiting for each other's locks."""
    meeting_id = make_meeting(app, capacity=25, meeting_format=MeetingFormat.HYBRID, online_capacity=online_places)
    people = make_people(app, 50)
    for person in people:
        do_register(app, meeting_id, person, notify=False)
    leaving, switching = people[:25], people[25:]

    def press(index):
        with app.app_context():
            if index < 25:
                return cancel(by_person(app, leaving[index])())
            return switch_mode(by_person(app, switching[(index - 25) % 25])(), ONLINE)

    outcomes = at_once(75, press)

    assert not unexpected(outcomes), outcomes
    assert all(status_of(app, person)[0] == CANCELLED for person in leaving)
    assert all(status_of(app, person)[1] == ONLINE for person in switching)
    assert assert_counters_equal_rows(app, meeting_id) == {ONLINE: online_places or 25}


def test_cancelling_while_being_promoted_still_cancels(app):
    """Half of those confirmed cancel while those waiting also cancel: a promotion arriving in the
    middle of a cancellation does not swallow it, and the seat goes on to the next in line."""
    meeting_id = make_meeting(app, capacity=20)
    people = make_people(app, 50)
    for person in people:
        do_register(app, meeting_id, person, notify=False)
    leaving = people[:10] + people[20:40]  # ten with a seat, twenty waiting
    staying = [p for p in people if p not in leaving]

    def press(index):
        with app.app_context():
            return cancel(by_person(app, leaving[index])())

    outcomes = at_once(len(leaving), press)

    assert not unexpected(outcomes), outcomes
    assert all(status_of(app, person)[0] == CANCELLED for person in leaving)
    assert all(status_of(app, person)[0] == CONFIRMED for person in staying)
    assert assert_counters_equal_rows(app, meeting_id) == {ON_SITE: 20}
