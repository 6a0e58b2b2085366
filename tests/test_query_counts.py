"""No page costs more SQL statements as history grows.

Every page in ``PAGES`` is asked for once with 10 meetings in the database, and again after the
data has grown to 200 meetings, with everything that comes with them growing alongside: member
organisations and who speaks for them, invitations, registrations and attendance at the meeting
whose pages are asked for, the participant's own registrations and attendance, published
minutes with their paragraphs and action items, and compensation claims. A page that loads
something for each row it lists (a query per row, "N+1") issues more statements the second
time, and fails here with the statements it added.

To cover another page, add a row to ``PAGES``: its address (``{name}`` stands for an id of the
data below) and who asks for it.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from meetings.extensions import db
from meetings.models import (
    AgendaItem,
    Attendance,
    CheckInMethod,
    Forum,
    ForumMember,
    ForumRepresentative,
    Invitation,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    OrganisationKind,
    ParticipationMode,
    Person,
    Registration,
    RegistrationStatus,
    SubjectArea,
    utcnow,
)
from meetings.testing import build_test_app, empty_tables, sign_in, sql_statements
from plugins.compensation.models import SUBMITTED, Budget, Claim, ClaimAttendee, ForumRules
from plugins.minutes.models import PUBLISHED, Action, Paragraph, Protocol

SMALL, LARGE = 10, 200

ORGANISER, PARTICIPANT = "organiser", "participant"


@dataclass(frozen=True)
class Page:
    path: str  # with {forum}, {meeting}, {organisation} or {protocol}
    who: str | None = None  # ORGANISER, PARTICIPANT, or None for a visitor who is not signed in

    @property
    def name(self) -> str:
        return f"{self.path} as {self.who or 'visitor'}"


PAGES = [
    Page("/"),
    Page("/forums"),
    Page("/forums/{forum}"),
    Page("/forums/{forum}", ORGANISER),
    Page("/forums/{forum}", PARTICIPANT),
    Page("/forums/{forum}?page=3"),
    Page("/forums/{forum}/organisations"),
    Page("/meetings/{meeting}"),
    Page("/meetings/{meeting}", ORGANISER),
    Page("/meetings/{meeting}", PARTICIPANT),
    # The meetings directory, coming and past, filtered and paged
    Page("/meetings"),
    Page("/meetings", PARTICIPANT),
    Page("/meetings?when=past"),
    Page("/meetings?open=1&mode=online"),
    Page("/meetings?forum={forum}&when=past"),
    Page("/accessibility"),
    Page("/privacy"),
    Page("/organisations"),
    Page("/organisations/{organisation}"),
    Page("/organisations/{organisation}", PARTICIPANT),
    Page("/account", PARTICIPANT),
    Page("/account", ORGANISER),
    # The organiser's pages of a meeting
    Page("/meetings/{meeting}/participants", ORGANISER),
    Page("/meetings/{meeting}/participants.csv", ORGANISER),
    Page("/meetings/{meeting}/check-in", ORGANISER),
    Page("/meetings/{meeting}/sign-in-sheet", ORGANISER),
    Page("/meetings/{meeting}/invitations", ORGANISER),
    Page("/meetings/{meeting}/edit", ORGANISER),
    Page("/forums/{forum}/members", ORGANISER),
    # Calendars
    Page("/calendar/meetings/{meeting}.ics"),
    Page("/calendar/meetings.ics"),
    Page("/calendar/forums/{forum}.ics"),
    # The yearly follow-up
    Page("/followup"),
    Page("/followup/report", ORGANISER),
    # Plugins' lists
    Page("/forums/{forum}/minutes"),
    Page("/forums/{forum}/actions", ORGANISER),
    Page("/minutes/{protocol}"),
    Page("/compensation/forums/{forum}", ORGANISER),
    Page("/compensation/meetings/{meeting}/handle", ORGANISER),
]


# --- The data, grown from SMALL to LARGE meetings ------------------------------------------------


def _token() -> str:
    return secrets.token_hex(32)


def build_world() -> dict:
    """A forum of Region Norrbotten with compensation offered, a meeting under way (the one whose
    pages are asked for), its organiser, and a participant of a member association."""
    now = utcnow().replace(microsecond=0)
    lulea = Municipality(code="2580", name="Luleå", county="Norrbottens län")
    pitea = Municipality(code="2581", name="Piteå", county="Norrbottens län")
    area = SubjectArea(code="kultur", name_sv="Kultur", name_en="Culture")
    region = Organisation(name="Region Norrbotten", kind=OrganisationKind.PUBLIC_BODY)
    association = Organisation(name="Föreningen Läslust", kind=OrganisationKind.CIVIL_SOCIETY,
                               municipalities=[lulea], subject_areas=[area])
    organiser = Person(email="olle@region.example", name="Olle Organisatör")
    participant = Person(email="rut@laslust.example", name="Rut Representant")
    db.session.add_all([
        lulea, pitea, area, region, association, organiser, participant,
        Membership(person=organiser, organisation=region, role=MembershipRole.ORGANISER),
        Membership(person=participant, organisation=association, role=MembershipRole.REPRESENTATIVE,
                   shown_publicly=True)])
    forum = Forum(name="Dialogforum Norrbotten", slug="dialogforum", organiser=region, subject_areas=[area],
                  municipalities=[lulea, pitea])
    db.session.add_all([forum, ForumMember(forum=forum, organisation=association,
                                           representatives=[ForumRepresentative(person=participant)])])
    meeting = Meeting(forum=forum, title="Dialogmöte", starts_at=now - timedelta(hours=1),
                      ends_at=now + timedelta(hours=2), format=MeetingFormat.HYBRID, venue_name="Kulturens hus",
                      venue_address="Skeppsbrogatan 17, Luleå", municipality=lulea,
                      online_url="https://meet.example.org/dialog", status=MeetingStatus.PUBLISHED,
                      published_at=now - timedelta(days=30))
    meeting.agenda_items = [AgendaItem(position=0, title="Regional överenskommelse")]
    db.session.add_all([meeting, ForumRules(forum=forum, offered=True, kinds="civil_society", fee_on_site_ore=50_000,
                                            fee_online_ore=25_000, max_representatives=2)])
    db.session.flush()
    db.session.add(Budget(forum_id=forum.id, year=now.year, amount_ore=100_000_000, used_ore=0))
    db.session.flush()
    _register(meeting, participant, association, now, attended=True, number=0)
    db.session.commit()
    return {"forum": forum.slug, "forum_id": forum.id, "meeting": meeting.id, "organisation": association.id,
            "organiser": organiser.id, "participant": participant.id, "region": region.id,
            "municipalities": [lulea.id, pitea.id]}


def _register(meeting: Meeting, person: Person, organisation: Organisation, now, *, attended: bool,
              number: int) -> None:
    registration = Registration(meeting=meeting, person=person, organisation=organisation,
                                mode=ParticipationMode.ON_SITE, status=RegistrationStatus.CONFIRMED,
                                code=f"K{number:05d}", manage_token_hash=_token(), created_at=now - timedelta(days=2))
    meeting.confirmed_on_site = (meeting.confirmed_on_site or 0) + 1
    db.session.add(registration)
    if attended:
        db.session.add(Attendance(meeting=meeting, registration=registration, person=person, name=person.name,
                                  organisation=organisation, mode=ParticipationMode.ON_SITE,
                                  method=CheckInMethod.LIST))


def grow(ids: dict, meetings: int) -> None:
    """Add meetings to the forum until it has ``meetings``, and with each one: a member
    association whose representative speaks for it, is invited to, registered for, present at
    and claims compensation for the meeting under way; the participant registered for each
    coming meeting and present at each past one, whose published minutes name the association."""
    now = utcnow().replace(microsecond=0)
    forum = db.session.get(Forum, ids["forum_id"])
    main = db.session.get(Meeting, ids["meeting"])
    participant = db.session.get(Person, ids["participant"])
    association = db.session.get(Organisation, ids["organisation"])
    organiser = db.session.get(Person, ids["organiser"])
    municipalities = [db.session.get(Municipality, m) for m in ids["municipalities"]]
    have = db.session.scalar(select(func.count(Meeting.id)).where(Meeting.forum_id == forum.id))
    for number in range(have, meetings):
        past = number % 2 == 0
        starts = now + timedelta(days=(-1 if past else 1) * (number + 1), hours=-number % 5)
        meeting = Meeting(forum=forum, title=f"Möte {number}", starts_at=starts, ends_at=starts + timedelta(hours=3),
                          format=MeetingFormat.ON_SITE if number % 3 else MeetingFormat.HYBRID,
                          venue_name="Kulturens hus", municipality=municipalities[number % 2],
                          online_url="https://meet.example.org/m" if number % 3 == 0 else None,
                          members_only=number % 5 == 0, status=MeetingStatus.PUBLISHED,
                          published_at=now - timedelta(days=400))
        organisation = Organisation(name=f"Förening {number:03d}", kind=OrganisationKind.CIVIL_SOCIETY,
                                    municipalities=[municipalities[number % 2]])
        person = Person(email=f"person{number}@example.org", name=f"Person {number:03d}")
        db.session.add_all([meeting, organisation, person,
                            Membership(person=person, organisation=organisation, role=MembershipRole.REPRESENTATIVE,
                                       shown_publicly=number % 2 == 0),
                            ForumMember(forum=forum, organisation=organisation,
                                        representatives=[ForumRepresentative(person=person)]),
                            Invitation(meeting=main, organisation=organisation, token_hash=_token(),
                                       invited_by_id=organiser.id)])
        _register(main, person, organisation, now, attended=number % 2 == 0, number=number + 1)
        _register(meeting, participant, association, now, attended=past, number=0)
        claim = Claim(meeting=main, organisation=organisation, state=SUBMITTED, claimant=person,
                      claimant_name=person.name, total_ore=50_000, fees_ore=50_000, submitted_at=now,
                      budget_year=now.year)
        claim.attendees = [ClaimAttendee(name=person.name)]
        db.session.add(claim)
        if past:
            protocol = Protocol(meeting=meeting, forum_id=forum.id, status=PUBLISHED, place="Luleå",
                                secretary_name=organiser.name, approved_at=starts, published_at=starts)
            paragraph = Paragraph(forum_id=forum.id, year=starts.year, number=number + 1, title="Handlingsplan",
                                  discussion="Samtal om planen.", decision="Planen antogs.",
                                  speakers=[association, organisation])
            paragraph.actions = [Action(what="Skicka synpunkter", organisation_id=association.id,
                                        who_name=association.name, due=(now + timedelta(days=30)).date())]
            protocol.paragraphs = [paragraph]
            db.session.add(protocol)
    db.session.commit()


@pytest.fixture(scope="module")
def counts(tmp_path_factory, _database_for_session) -> dict[str, tuple[int, int, Counter]]:
    """For every page: the statements it costs at SMALL and at LARGE meetings, and the statements
    (text) it issued more often at LARGE."""
    app = build_test_app(_database_for_session, tmp_path_factory.mktemp("query-counts"))
    try:
        with app.app_context():
            ids = build_world()
            grow(ids, SMALL)
            ids["protocol"] = db.session.scalar(select(func.min(Protocol.id)))
        clients = {None: app.test_client(), ORGANISER: app.test_client(), PARTICIPANT: app.test_client()}
        sign_in(clients[ORGANISER], ids["organiser"])
        sign_in(clients[PARTICIPANT], ids["participant"])
        for client in clients.values():
            client.get("/")  # the first request of a client sets up what every later one finds ready

        def measure() -> dict[str, Counter]:
            seen = {}
            for page in PAGES:
                path = page.path.format(**ids)
                with sql_statements(app) as statements:
                    response = clients[page.who].get(path)
                assert response.status_code == 200, f"{page.name}: {response.status_code}"
                seen[page.name] = Counter(statements)
            return seen

        few = measure()
        with app.app_context():
            grow(ids, LARGE)
            assert db.session.scalar(select(func.count(Meeting.id))) == LARGE
        many = measure()
        return {name: (sum(few[name].values()), sum(many[name].values()), many[name] - few[name]) for name in few}
    finally:
        empty_tables(app)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_a_page_costs_no_more_queries_with_twenty_times_the_history(counts, page):
    few, many, added = counts[page.name]
    assert many <= few, (f"{page.name}: {few} statements at {SMALL} meetings, {many} at {LARGE}; added:\n"
                         + "\n".join(f"{times} × {statement[:300]}" for statement, times in added.most_common(5)))
