"""The demo: example data modelled on the Norrbotten report, the mail viewer and "sign in as"."""

from __future__ import annotations

import logging
import re
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from meetings.demo_data import FORUMS, PEOPLE, load_demo_data
from meetings.domain.mail import send_due_mail
from meetings.extensions import db
from meetings.models import (
    Forum,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    MembershipRole,
    Municipality,
    Organisation,
    OrganisationKind,
    OutboxMessage,
    Person,
    SubjectArea,
    utcnow,
)
from meetings.testing import csrf_token, database_url_for_tests, reset_postgres_schema, uses_postgres

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ANSWERING_ORGANISATIONS = (
    "Funktionsrätt Norrbotten", "Svenska Röda Korset", "Frivilliga Radioorganisationen", "Kalix folkhögskola",
    "Svenska Lottakårens Riksförbund", "Bris – Barnens rätt i samhället", "Folkets Hus och Parker",
    "Svenska Pistolskytteförbundet", "Medborgarskolan Nord", "Distriktsföreningen Autism och Asperger",
    "Riksteatern Norrbotten", "Svenska kyrkan", "Met Nuoret", "Coompanion Norrbotten", "Rädda Barnen",
    "SKPF Pensionärerna Norrbotten", "Sveriges Konstföreningar Norrbotten", "Hela Sverige ska leva Norrbotten",
    "RF-SISU Norrbotten", "Sunderby folkhögskola",
)
PLACES = ("Luleå", "Kiruna", "Gällivare", "Jokkmokk", "Haparanda")


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    tables = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        tables[table.name] = [tuple(row) for row in rows]
    return tables


def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def demo_app(make_app):
    app = make_app(DEMO_MODE=True, MAIL_BACKEND="demo")
    with app.app_context():
        load_demo_data()
    return app


@pytest.fixture
def demo_client(demo_app):
    return english(demo_app.test_client())


# --- loading the data ---------------------------------------------------------------------------

def test_loading_again_changes_nothing(app):
    with app.app_context():
        first = load_demo_data()
        before = snapshot()
        # Even on another day: meetings keep the dates of the first load.
        second = load_demo_data(today=date(2031, 3, 3))
        after = snapshot()
    assert first == second
    assert before == after
    assert first["organisations"] >= 20 and first["meetings"] > 0 and first["people"] > 0
    assert sum(len(rows) for rows in before.values()) > 100


def test_loading_adds_only_what_is_missing_and_leaves_edited_rows_alone(app):
    with app.app_context():
        load_demo_data()
        samforma = db.session.scalar(select(Organisation).where(Organisation.name == "Samforma"))
        samforma.description = "Edited by the organisation itself."
        forum = db.session.scalar(select(Forum).where(Forum.slug == "tia-natverket"))
        removed_title = forum.meetings[0].title
        db.session.delete(forum.meetings[0])
        db.session.commit()
        meetings_before = db.session.query(Meeting).count()

        load_demo_data()

        samforma = db.session.scalar(select(Organisation).where(Organisation.name == "Samforma"))
        assert samforma.description == "Edited by the organisation itself."
        assert db.session.query(Meeting).count() == meetings_before + 1
        assert db.session.scalar(select(Meeting).where(Meeting.forum_id == forum.id,
                                                       Meeting.title == removed_title)) is not None
        assert db.session.query(Organisation).where(Organisation.name == "Samforma").count() == 1


def test_the_data_looks_like_the_report(app):
    with app.app_context():
        load_demo_data()
        municipalities = {m.name: m for m in db.session.scalars(select(Municipality))}
        assert len(municipalities) == 14
        assert municipalities["Luleå"].code == "2580" and municipalities["Kiruna"].code == "2584"
        assert municipalities["Övertorneå"].code == "2518"
        assert {m.county for m in municipalities.values()} == {"Norrbottens län"}

        areas = db.session.scalars(select(SubjectArea)).all()
        assert len(areas) == 19
        assert {"Friluftsliv", "Nationella minoriteter", "Agenda 2030"} <= {a.name_sv for a in areas}
        assert all(a.name_en for a in areas)

        organisations = {o.name: o for o in db.session.scalars(select(Organisation))}
        assert set(ANSWERING_ORGANISATIONS) <= set(organisations)
        for name in ANSWERING_ORGANISATIONS:
            assert organisations[name].kind == OrganisationKind.CIVIL_SOCIETY
            assert organisations[name].subject_areas and organisations[name].municipalities
            assert 1 <= organisations[name].icnpo_group <= 12
        assert len(organisations["Samforma"].umbrella_members) >= 5
        assert organisations["Region Norrbotten"].kind == OrganisationKind.PUBLIC_BODY
        assert organisations["Länsstyrelsen Norrbotten"].kind == OrganisationKind.PUBLIC_BODY
        assert organisations["Luleå kommun"].kind == OrganisationKind.MUNICIPALITY
        assert all(o.org_number is None for o in organisations.values())

        people = db.session.scalars(select(Person)).all()
        assert all(re.fullmatch(r"[a-z.]+@example\.(se|org)", p.email) for p in people)
        assert sum(p.is_admin for p in people) == 1
        assert {p.locale for p in people} == {"sv", "en"}
        organisers = {m.organisation.name for p in people for m in p.memberships
                      if m.role == MembershipRole.ORGANISER}
        assert organisers == {"Region Norrbotten", "Länsstyrelsen Norrbotten"}
        represented = [m for p in people for m in p.memberships if m.role == MembershipRole.REPRESENTATIVE]
        assert len({m.organisation_id for m in represented}) >= 4
        assert any(m.shown_publicly for m in represented) and not all(m.shown_publicly for m in represented)

        forums = {f.slug: f for f in db.session.scalars(select(Forum))}
        assert {"lanspartnerskapet", "tia-natverket", "regional-tankesmedja-friluftsliv", "lanspensionarsradet",
                "samrad-nationella-minoriteter", "jamstalldhetsradet", "arlig-motesplats"} <= set(forums)
        assert all(f.members and f.subject_areas and f.description for f in forums.values())
        assert forums["arlig-motesplats"].organiser.name == "Region Norrbotten"
        assert forums["tia-natverket"].organiser.name == "Länsstyrelsen Norrbotten"


def test_meetings_are_past_and_coming_around_the_county_and_online(app):
    with app.app_context():
        load_demo_data()
        meetings = db.session.scalars(select(Meeting)).all()
        now = utcnow()
        published = [m for m in meetings if m.status == MeetingStatus.PUBLISHED]
        assert any(m.ends_at < now for m in published) and any(m.starts_at > now for m in published)
        assert [m.status for m in meetings].count(MeetingStatus.CANCELLED) == 1
        assert [m.status for m in meetings].count(MeetingStatus.DRAFT) == 1

        towns = {m.municipality.name for m in meetings if m.municipality is not None}
        assert set(PLACES) <= towns
        assert any(m.format == MeetingFormat.DIGITAL for m in meetings)
        assert any(m.format == MeetingFormat.HYBRID for m in meetings)
        for meeting in meetings:
            if meeting.has_venue:
                assert meeting.venue_name and meeting.venue_address and meeting.municipality is not None
            else:
                assert meeting.municipality is None and not meeting.venue_name
            if meeting.is_online:
                assert meeting.online_url.startswith("https://meet.example.org/")
            else:
                assert meeting.online_url is None
            # Office hours in Norrbotten, whatever the season.
            start, end = meeting.starts_at.astimezone(STOCKHOLM), meeting.ends_at.astimezone(STOCKHOLM)
            assert start.hour >= 8 and end.hour <= 19 and start.date() == end.date()
            assert start.weekday() < 5


def test_meeting_times_are_local_times_in_norrbotten(app):
    with app.app_context():
        load_demo_data(today=date(2027, 3, 15))  # the summer-time change lies among the meetings
        meeting = db.session.scalar(select(Meeting).where(Meeting.title == "Nätverksträff i Haparanda"))
        assert meeting.starts_at.tzinfo is not None
        assert meeting.starts_at.astimezone(STOCKHOLM).time().isoformat() == "13:00:00"
        coming = db.session.scalar(select(Meeting).where(Meeting.title == "Digital nätverksträff"))
        assert coming.starts_at.astimezone(STOCKHOLM).time().isoformat() == "13:00:00"
        # Winter is UTC+1, summer UTC+2: the same local hour is a different UTC hour.
        assert {meeting.starts_at.hour, coming.starts_at.hour} == {11, 12}


def test_visitors_see_coming_and_past_meetings_but_no_draft(app):
    with app.app_context():
        load_demo_data()
        draft = db.session.scalar(select(Meeting).where(Meeting.status == MeetingStatus.DRAFT))
        draft_id, draft_title = draft.id, draft.title
    client = english(app.test_client())

    home = client.get("/").get_data(as_text=True)
    assert "Mötesplats civilsamhälle och offentlig sektor" in home or "Äldres hälsa i glesbygd" in home

    forum = client.get("/forums/tia-natverket").get_data(as_text=True)
    coming, _, past = forum.partition("Past meetings")
    assert "Digital nätverksträff" in coming and "Digital nätverksträff" not in past
    assert "Nätverksträff i Haparanda" in past

    pages = "".join(client.get(f"/forums/{spec.slug}").get_data(as_text=True) for spec in FORUMS)
    assert draft_title not in pages
    assert client.get(f"/meetings/{draft_id}").status_code == 404
    assert "Cancelled" in client.get("/forums/jamstalldhetsradet").get_data(as_text=True)

    samforma = client.get("/organisations").get_data(as_text=True)
    link = re.search(r'href="(/organisations/\d+)">Samforma<', samforma)
    assert link
    assert "Funktionsrätt Norrbotten" in client.get(link.group(1)).get_data(as_text=True)


# --- the command ----------------------------------------------------------------------------------

@pytest.fixture
def keep_logging():
    """Alembic configures logging when it runs; put it back for the tests that follow."""
    root = logging.getLogger()
    level, handlers = root.level, root.handlers[:]
    yield
    root.setLevel(level)
    root.handlers[:] = handlers


def test_demo_command_creates_the_database_and_loads_the_data(make_app, keep_logging):
    if uses_postgres():
        reset_postgres_schema(database_url_for_tests())  # the command migrates an empty database
    app = make_app(create_schema=False)
    runner = app.test_cli_runner()

    result = runner.invoke(args=["meetings", "demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        organisations = db.session.query(Organisation).count()
        meetings = db.session.query(Meeting).count()
    assert organisations >= 20 and meetings > 0
    assert "Demo data:" in result.output
    assert f"{organisations} organisations" in result.output and f"{meetings} meetings" in result.output

    again = runner.invoke(args=["meetings", "demo"])
    assert again.exit_code == 0, again.output
    summary = [line for line in result.output.splitlines() if line.startswith("Demo data:")]
    assert summary and summary == [line for line in again.output.splitlines() if line.startswith("Demo data:")]


# --- the demo pages ------------------------------------------------------------------------------

def test_a_sign_in_mail_is_printed_listed_and_its_link_signs_in(demo_app, demo_client, capsys):
    address = "amira.haddad@example.org"
    form = demo_client.get("/sign-in").get_data(as_text=True)
    response = demo_client.post("/sign-in", data={"email": address, "next": "", "csrf_token": csrf_token(form)})
    assert response.status_code == 302

    listing = demo_client.get("/demo/mail").get_data(as_text=True)
    assert address in listing and "Waiting" in listing

    with demo_app.app_context():
        assert send_due_mail() == 1
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == address))
        message_id, subject = message.id, message.subject
        assert message.sent_at is not None
    printed = capsys.readouterr().out
    assert subject and f"E-mail to {address}: {subject}" in printed

    listing = demo_client.get("/demo/mail").get_data(as_text=True)
    assert subject in listing and "Sent" in listing and "Waiting" not in listing
    assert f'href="/demo/mail/{message_id}"' in listing

    shown = demo_client.get(f"/demo/mail/{message_id}").get_data(as_text=True)
    link = re.search(r'href="http://localhost(/sign-in/[A-Za-z0-9_\-]+)"', shown)
    assert link, "the message page shows no sign-in link"
    confirm = demo_client.get(link.group(1))
    assert confirm.status_code == 200
    signed_in = demo_client.post(link.group(1), data={"csrf_token": csrf_token(confirm.get_data(as_text=True))})
    assert signed_in.status_code == 302
    account = demo_client.get("/account")
    assert account.status_code == 200 and address in account.get_data(as_text=True)


def test_sign_in_as_an_example_person(demo_app, demo_client):
    page = demo_client.get("/demo/people")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for spec in PEOPLE:
        assert spec.name in text and spec.email in text
    assert "Länsstyrelsen Norrbotten" in text and "Organiser" in text and "Representative" in text

    with demo_app.app_context():
        officer = db.session.scalar(select(Person).where(Person.email == "karin.oberg@example.se"))
        officer_id = officer.id
        draft_id = db.session.scalar(select(Meeting.id).where(Meeting.status == MeetingStatus.DRAFT))
    action = f"/demo/sign-in-as/{officer_id}"
    assert f'action="{action}"' in text
    assert demo_client.get(f"/meetings/{draft_id}").status_code == 404

    assert demo_client.post(action).status_code == 400  # no CSRF token
    response = demo_client.post(action, data={"csrf_token": csrf_token(text)})
    assert response.status_code == 302
    with demo_client.session_transaction() as session:
        assert session["person_id"] == officer_id
    account = demo_client.get("/account")
    assert account.status_code == 200 and "karin.oberg@example.se" in account.get_data(as_text=True)
    # An organiser at Länsstyrelsen sees the draft of a Länsstyrelsen forum.
    assert demo_client.get(f"/meetings/{draft_id}").status_code == 200


def test_the_banner_points_to_the_demo_pages(demo_client):
    home = demo_client.get("/").get_data(as_text=True)
    assert 'href="/demo/mail"' in home and 'href="/demo/people"' in home


def test_without_demo_mode_the_demo_pages_do_not_exist(app):
    with app.app_context():
        load_demo_data()
        person_id = db.session.scalar(select(Person.id).limit(1))
        message = OutboxMessage(kind="sign_in_link", recipient="someone@example.org", subject="Hello",
                                body_text="Hi", body_html="<p>Hi</p>")
        db.session.add(message)
        db.session.commit()
        message_id = message.id
    client = english(app.test_client())
    for url in ("/demo/mail", f"/demo/mail/{message_id}", f"/demo/mail/{message_id}/html", "/demo/people"):
        assert client.get(url).status_code == 404, url
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    assert client.post(f"/demo/sign-in-as/{person_id}", data={"csrf_token": token}).status_code == 404
    with client.session_transaction() as session:
        assert "person_id" not in session
    home = client.get("/").get_data(as_text=True)
    assert "/demo/" not in home


def test_meeting_dates_avoid_weekends_and_holidays_and_stay_on_their_side_of_today():
    from meetings.demo_data import meeting_day

    for offset in (-10, 14, 35):
        for anchor_day in range(1, 32):
            anchor = date(2027, 7, anchor_day)
            day = meeting_day(anchor, offset)
            assert day.weekday() < 5 and day.month != 7
            assert (day < anchor) == (offset < 0)
    # Christmas Eve moves past the holidays to the first working day of January.
    assert meeting_day(date(2026, 12, 10), 14) == date(2027, 1, 7)
