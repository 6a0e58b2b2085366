"""Forums: the catalogue and its filters, forum pages, running a forum, joining, finding whom to invite
and the members export. Texts are checked in English; the Swedish catalogue may lag behind."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from meetings.domain import forums as domain
from meetings.extensions import db
from meetings.models import (
    Forum,
    ForumMember,
    ForumMemberStatus,
    ForumRepresentative,
    Level,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    ParticipationLevel,
    PendingNotification,
    Person,
    SubjectArea,
    utcnow,
)
from meetings.testing import csrf_token, sign_in, sql_statements, text_part


def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def client(app):
    return english(app.test_client())


@pytest.fixture
def world(app, people):
    """Three forums of two public bodies, organisations in three municipalities, and their people."""
    with app.app_context():
        region = db.session.get(Organisation, people["region"])
        red_cross = db.session.get(Organisation, people["association"])
        health = SubjectArea(code="folkhalsa", name_sv="Folkhälsa", name_en="Public health")
        culture = SubjectArea(code="kultur", name_sv="Kultur", name_en="Culture")
        outdoors = SubjectArea(code="friluftsliv", name_sv="Friluftsliv", name_en="Outdoor life")
        lulea = Municipality(code="2580", name="Luleå", county="Norrbottens län")
        pitea = Municipality(code="2581", name="Piteå", county="Norrbottens län")
        kiruna = Municipality(code="2584", name="Kiruna", county="Norrbottens län")
        county = Organisation(name="Länsstyrelsen Norrbotten", kind=OrganisationKind.PUBLIC_BODY)
        red_cross.subject_areas = [health]
        red_cross.municipalities = [lulea, kiruna]
        red_cross.level = Level.NATIONAL
        village = Organisation(name="Byaföreningen i Vittangi", kind=OrganisationKind.CIVIL_SOCIETY,
                               level=Level.LOCAL, subject_areas=[health, outdoors], municipalities=[kiruna],
                               contact_email="styrelsen@vittangi.example")
        readers = Organisation(name="Föreningen Läslust", kind=OrganisationKind.CIVIL_SOCIETY,
                               subject_areas=[culture], municipalities=[lulea, pitea])
        unapproved = Organisation(name="Nystartade föreningen", kind=OrganisationKind.CIVIL_SOCIETY,
                                  status=OrganisationStatus.PENDING, subject_areas=[health],
                                  municipalities=[kiruna])
        db.session.add_all([health, culture, outdoors, lulea, pitea, kiruna, county, village, readers, unapproved])
        db.session.flush()

        dialogue = Forum(slug="regionalt-dialogforum", name="Regionalt dialogforum", organiser=region,
                         participation_level=ParticipationLevel.DIALOGUE, membership_open=True,
                         subject_areas=[health], municipalities=[lulea],
                         description="Forumet träffas **fyra gånger** om året.")
        partnership = Forum(slug="lanspartnerskapet", name="Länspartnerskapet", organiser=county,
                            participation_level=ParticipationLevel.PARTNERSHIP, membership_open=False,
                            subject_areas=[culture], municipalities=[kiruna])
        council = Forum(slug="kulturradet", name="Kulturrådet", organiser=region,
                        participation_level=ParticipationLevel.CONSULTATION, membership_open=True,
                        subject_areas=[culture, health], municipalities=[pitea])
        db.session.add_all([dialogue, partnership, council])
        db.session.flush()

        representative = db.session.get(Person, people["representative"])
        representative.locale = "en"
        colleague = Person(email="kalle@redcross.example", name="Kalle Kollega", locale="en")
        secretive = Person(email="hemlig@redcross.example", name="Hedda Hemlig", locale="en")
        reader = Person(email="lisa@laslust.example", name="Lisa Läsare", locale="en")
        both = Person(email="bo@example.org", name="Bo Båda", locale="en")
        county_officer = Person(email="karin@lansstyrelsen.example", name="Karin Öberg", locale="en")
        organiser = db.session.get(Person, people["organiser"])
        organiser.locale = "en"
        db.session.add_all([colleague, secretive, reader, both, county_officer])
        db.session.flush()
        db.session.add_all([
            Membership(person=colleague, organisation=red_cross, role=MembershipRole.REPRESENTATIVE,
                       shown_publicly=True),
            Membership(person=secretive, organisation=red_cross, role=MembershipRole.REPRESENTATIVE),
            Membership(person=reader, organisation=readers, role=MembershipRole.REPRESENTATIVE,
                       shown_publicly=True),
            Membership(person=both, organisation=readers, role=MembershipRole.REPRESENTATIVE),
            Membership(person=both, organisation=village, role=MembershipRole.REPRESENTATIVE),
            Membership(person=county_officer, organisation=county, role=MembershipRole.ORGANISER),
        ])
        # Red Cross takes part in the dialogue forum, spoken for by Kalle (public) and Hedda (not public).
        db.session.add(ForumMember(forum=dialogue, organisation=red_cross))
        db.session.flush()
        db.session.add_all([
            ForumRepresentative(forum_id=dialogue.id, organisation_id=red_cross.id, person_id=colleague.id),
            ForumRepresentative(forum_id=dialogue.id, organisation_id=red_cross.id, person_id=secretive.id),
        ])
        db.session.add(ForumMember(forum=partnership, organisation=readers))

        now = utcnow().replace(microsecond=0)

        def meeting(forum, title, starts_in, status):
            starts = now + starts_in
            db.session.add(Meeting(forum=forum, title=title, starts_at=starts, ends_at=starts + timedelta(hours=2),
                                   status=status, format=MeetingFormat.DIGITAL))
            return starts

        next_meeting = meeting(dialogue, "Dialogmöte i vår", timedelta(days=20), MeetingStatus.PUBLISHED)
        meeting(dialogue, "Senare dialogmöte", timedelta(days=50), MeetingStatus.PUBLISHED)
        meeting(dialogue, "Hemligt utkast", timedelta(days=10), MeetingStatus.DRAFT)
        meeting(dialogue, "Förra mötet", timedelta(days=-30), MeetingStatus.PUBLISHED)
        meeting(council, "Inställt samråd", timedelta(days=5), MeetingStatus.CANCELLED)
        db.session.commit()
        return {**people, "county": county.id, "village": village.id, "readers": readers.id,
                "unapproved": unapproved.id, "colleague": colleague.id, "secretive": secretive.id,
                "reader": reader.id, "both": both.id, "county_officer": county_officer.id,
                "next_meeting": next_meeting}


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response.get_data(as_text=True)


def forum_names(html: str) -> list[str]:
    return re.findall(r'<h3 class="card-title"><a href="/forums/[^"]+">([^<]+)</a>', html)


def member_status(app, slug: str, organisation_id: int) -> ForumMemberStatus | None:
    with app.app_context():
        forum = db.session.scalar(select(Forum).where(Forum.slug == slug))
        member = db.session.get(ForumMember, (forum.id, organisation_id))
        return member.status if member else None


def post_with_token(client, url: str, form_page: str, data: dict | None = None, **kwargs):
    return client.post(url, data={"csrf_token": csrf_token(page(client, form_page)), **(data or {})}, **kwargs)


# --- the catalogue ------------------------------------------------------------------------

def test_catalogue_shows_each_forum_with_organiser_level_members_and_next_meeting(app, client, world):
    html = page(client, "/forums")
    assert forum_names(html) == ["Kulturrådet", "Länspartnerskapet", "Regionalt dialogforum"]
    assert "3 forums" in html
    card = html[html.index("Regionalt dialogforum"):]
    card = card[:card.index("</li>")]
    assert "Region Norrbotten" in card and "Dialogue" in card and "1 member organisation" in card
    with app.test_request_context(headers={"Accept-Language": "en"}):
        from flask_babel import format_date
        expected = format_date(world["next_meeting"], "long")
    # The next published meeting, not the earlier draft.
    assert f"Next meeting: <time datetime=\"{world['next_meeting'].isoformat()}\">{expected}" in card
    council = html[html.index("Kulturrådet"):]
    assert "No meeting planned" in council[:council.index("</li>")]  # a cancelled meeting is no next meeting


@pytest.mark.parametrize("query, expected", [
    ("area=kultur", ["Kulturrådet", "Länspartnerskapet"]),
    ("area=friluftsliv", []),
    ("organiser={county}", ["Länspartnerskapet"]),
    ("level=consultation", ["Kulturrådet"]),
    ("municipality=2580", ["Regionalt dialogforum"]),
    ("membership=open", ["Kulturrådet", "Regionalt dialogforum"]),
    ("membership=closed", ["Länspartnerskapet"]),
    ("area=kultur&membership=open", ["Kulturrådet"]),
    ("area=folkhalsa&organiser={region}&level=dialogue&municipality=2580&membership=open",
     ["Regionalt dialogforum"]),
    ("area=folkhalsa&municipality=2584", []),
])
def test_catalogue_filters_each_and_combined(client, world, query, expected):
    html = page(client, "/forums?" + query.format(**world))
    assert forum_names(html) == expected
    if expected:
        assert f"{len(expected)} forum" in html
    else:
        assert "No forum matches these filters." in html


def test_filters_stay_chosen_in_the_form_and_unknown_values_are_ignored(client, world):
    html = page(client, f"/forums?area=kultur&organiser={world['region']}")
    assert re.search(r'<option selected value="kultur">|<option value="kultur" selected>', html)
    assert re.search(rf'<option selected value="{world["region"]}">', html)
    assert 'href="/forums">Clear the filters' in html

    html = page(client, "/forums?area=no-such-area&level=shouting&organiser=abc")
    assert forum_names(html) == ["Kulturrådet", "Länspartnerskapet", "Regionalt dialogforum"]
    # Only organisers of forums are offered in the organiser filter.
    organiser_select = html[html.index('name="organiser"'):]
    organiser_select = organiser_select[:organiser_select.index("</select>")]
    assert "Länsstyrelsen Norrbotten" in organiser_select and "Svenska Röda Korset" not in organiser_select


def test_catalogue_costs_the_same_number_of_queries_for_many_forums(app, client, world):
    def queries_for_catalogue(url: str = "/forums") -> int:
        with sql_statements(app) as statements:
            page(client, url)
        return len(statements)

    few = queries_for_catalogue()
    with app.app_context():
        region = db.session.get(Organisation, world["region"])
        areas = list(db.session.scalars(select(SubjectArea)))
        red_cross = db.session.get(Organisation, world["association"])
        for number in range(30):
            forum = Forum(slug=f"forum-{number}", name=f"Forum {number}", organiser=region, subject_areas=areas)
            db.session.add(forum)
            db.session.add(ForumMember(forum=forum, organisation=red_cross))
            starts = utcnow() + timedelta(days=number + 1)
            db.session.add(Meeting(forum=forum, title="Möte", starts_at=starts, ends_at=starts + timedelta(hours=1),
                                   status=MeetingStatus.PUBLISHED, format=MeetingFormat.DIGITAL))
        db.session.commit()
    # Twenty forums a page: the second page shows the other thirteen.
    assert len(forum_names(page(client, "/forums"))) == 20
    assert len(forum_names(page(client, "/forums?page=2"))) == 13
    assert queries_for_catalogue() == few
    assert queries_for_catalogue("/forums?page=2") == few


def test_organisers_are_offered_to_create_a_forum_others_are_not(client, world):
    assert 'href="/forums/new"' not in page(client, "/forums")
    sign_in(client, world["representative"])
    assert 'href="/forums/new"' not in page(client, "/forums")
    sign_in(client, world["organiser"])
    assert 'href="/forums/new"' in page(client, "/forums")


# --- the forum page -----------------------------------------------------------------------

def test_forum_page_explains_the_forum_and_who_speaks_for_whom(client, world):
    html = page(client, "/forums/regionalt-dialogforum")
    assert "<strong>fyra gånger</strong>" in html
    assert "Dialogue:" in html and "meet regularly to talk about shared questions" in html
    assert "Public health" in html and "Luleå" in html and "Open: organisations may ask to join" in html
    members = html[html.index("Member organisations"):]
    assert "Svenska Röda Korset" in members
    # Kalle chose to be shown publicly; Hedda did not: the public sees a count, never an address.
    assert "Kalle Kollega" in members and "Hedda Hemlig" not in members
    assert "1 representative whose name is not public" in members
    assert "@" not in members
    coming, _, past = html.partition("Past meetings")
    assert "Dialogmöte i vår" in coming and "Förra mötet" in past
    assert "Hemligt utkast" not in html


def test_managers_see_drafts_all_names_and_their_tools(client, world):
    sign_in(client, world["organiser"])
    html = page(client, "/forums/regionalt-dialogforum")
    assert "Hemligt utkast" in html
    assert "Hedda Hemlig" in html and "hemlig@redcross.example" not in html
    for link in ("/forums/regionalt-dialogforum/edit", "/forums/regionalt-dialogforum/members",
                 "/forums/regionalt-dialogforum/find-organisations",
                 "/forums/regionalt-dialogforum/members.csv", "/forums/regionalt-dialogforum/members.xlsx"):
        assert f'href="{link}"' in html


def test_people_of_member_organisations_see_every_name_but_no_address(client, world):
    sign_in(client, world["colleague"])
    html = page(client, "/forums/regionalt-dialogforum")
    assert "Hedda Hemlig" in html and "Kalle Kollega" in html
    assert "hemlig@redcross.example" not in html and "kalle@redcross.example" not in html
    assert "/edit" not in html and "members.csv" not in html
    assert "Svenska Röda Korset is a member of this forum." in html


def test_unknown_forum_is_not_found(client, world):
    assert client.get("/forums/no-such-forum").status_code == 404


# --- the forum page as history grows ------------------------------------------------------

def add_past_meetings(slug: str, count: int) -> None:
    """``count`` held meetings, one a week back from a week ago: "Möte 1" is the newest."""
    forum = db.session.scalar(select(Forum).where(Forum.slug == slug))
    now = utcnow().replace(microsecond=0)
    for number in range(1, count + 1):
        starts = now - timedelta(weeks=number)
        db.session.add(Meeting(forum=forum, title=f"Möte {number}", starts_at=starts,
                               ends_at=starts + timedelta(hours=2), status=MeetingStatus.PUBLISHED,
                               format=MeetingFormat.DIGITAL))
    db.session.commit()


def listed_meetings(html: str) -> tuple[list[str], list[str]]:
    """The titles under "Coming meetings" and under "Past meetings", in the page's order."""
    titles = re.compile(r'<h3 class="card-title"><a href="/meetings/\d+">([^<]+)</a>')
    coming = html[html.index('id="coming-meetings"'):html.index('id="past-meetings"')]
    past = html[html.index('id="past-meetings"'):html.index('id="members-heading"')]
    return titles.findall(coming), titles.findall(past)


def test_the_forum_page_shows_what_is_coming_and_pages_the_past_newest_first(app, client, world):
    with app.app_context():
        add_past_meetings("regionalt-dialogforum", 60)  # and "Förra mötet", 30 days ago: 61 held

    html = page(client, "/forums/regionalt-dialogforum")
    coming, past = listed_meetings(html)
    assert coming == ["Dialogmöte i vår", "Senare dialogmöte"]
    assert past == ["Möte 1", "Möte 2", "Möte 3", "Möte 4", "Förra mötet"] + [f"Möte {n}" for n in range(5, 20)]
    assert "Newest first. Showing 1–20 of 61, page 1 of 4." in html
    assert 'href="/forums/regionalt-dialogforum?page=2#past-meetings" rel="next"' in html

    html = page(client, "/forums/regionalt-dialogforum?page=2")
    coming, past = listed_meetings(html)
    assert coming == ["Dialogmöte i vår", "Senare dialogmöte"]  # what is coming stays on every page
    assert past == [f"Möte {n}" for n in range(20, 40)]
    assert "past meetings, page 2 of 4" in html[:html.index("</title>")]
    assert 'href="/forums/regionalt-dialogforum#past-meetings" rel="prev"' in html

    assert listed_meetings(page(client, "/forums/regionalt-dialogforum?page=4"))[1] == ["Möte 60"]


@pytest.mark.parametrize(("asked", "shown"), [("0", 1), ("-1", 1), ("x", 1), ("", 1), ("2.5", 1),
                                                (str(10**9), 4), ("9" * 5000, 1)])
def test_a_page_number_that_does_not_exist_shows_the_nearest_page(app, client, world, asked, shown):
    with app.app_context():
        add_past_meetings("regionalt-dialogforum", 60)
    html = page(client, f"/forums/regionalt-dialogforum?page={asked}")
    assert f"page {shown} of 4." in html
    assert f'aria-current="page" aria-label="Page {shown}"' in html


def test_the_forum_page_stays_small_however_long_the_history(app, client, world):
    with app.app_context():
        add_past_meetings("regionalt-dialogforum", 400)
        forum = db.session.scalar(select(Forum).where(Forum.slug == "regionalt-dialogforum"))
        starts = utcnow() + timedelta(days=1)
        for number in range(60):  # more planned than the page lists
            db.session.add(Meeting(forum=forum, title=f"Planerat {number}", starts_at=starts + timedelta(days=number),
                                   ends_at=starts + timedelta(days=number, hours=1), format=MeetingFormat.DIGITAL,
                                   status=MeetingStatus.PUBLISHED))
        db.session.commit()
    html = page(client, "/forums/regionalt-dialogforum")
    coming, past = listed_meetings(html)
    assert len(coming) == 50 and coming[:2] == ["Planerat 0", "Planerat 1"]
    assert "Only the next 50 coming meetings are shown here." in html
    assert len(past) == 20
    assert len(html.encode()) < 100_000
    # The rest are in the meetings directory, filtered to the forum.
    assert "/meetings?forum=regionalt-dialogforum" in html
    listed = "".join(page(client, f"/meetings?forum=regionalt-dialogforum&page={number}") for number in range(1, 5))
    assert all(f"Planerat {number}<" in listed for number in range(60))


def test_members_only_and_draft_meetings_are_listed_only_to_those_who_may_see_them(app, client, world):
    with app.app_context():
        forum = db.session.scalar(select(Forum).where(Forum.slug == "regionalt-dialogforum"))
        now = utcnow().replace(microsecond=0)
        for title, days in (("Medlemsmöte förr", -40), ("Medlemsmöte snart", 15)):
            db.session.add(Meeting(forum=forum, title=title, starts_at=now + timedelta(days=days),
                                   ends_at=now + timedelta(days=days, hours=2), status=MeetingStatus.PUBLISHED,
                                   format=MeetingFormat.DIGITAL, members_only=True))
        db.session.commit()

    def titles(who=None) -> set[str]:
        visitor = english(app.test_client())
        if who is not None:
            sign_in(visitor, world[who])
        coming, past = listed_meetings(page(visitor, "/forums/regionalt-dialogforum"))
        return set(coming + past)

    public = {"Dialogmöte i vår", "Senare dialogmöte", "Förra mötet"}
    members_only = {"Medlemsmöte förr", "Medlemsmöte snart"}
    assert titles() == public
    assert titles("reader") == public  # Läslust is not a member of this forum
    assert titles("colleague") == public | members_only  # Red Cross is
    assert titles("organiser") == public | members_only | {"Hemligt utkast"}


def test_many_member_organisations_are_named_a_page_at_a_time(app, client, world):
    with app.app_context():
        forum = db.session.scalar(select(Forum).where(Forum.slug == "regionalt-dialogforum"))
        for number in range(1, 75):
            db.session.add(ForumMember(forum=forum, organisation=Organisation(
                name=f"Förening {number:02d}", kind=OrganisationKind.CIVIL_SOCIETY)))
        db.session.commit()  # 75 members with Red Cross

    html = page(client, "/forums/regionalt-dialogforum")
    members = html[html.index('id="members-heading"'):]
    assert members.count('<a href="/organisations/') == 30
    assert "Förening 30" in members and "Förening 31" not in members  # by name
    assert '<a href="/forums/regionalt-dialogforum/organisations">See all 75 member organisations</a>' in members

    html = page(client, "/forums/regionalt-dialogforum/organisations")
    assert "75 member organisations." in html and "Showing 1–50, page 1 of 2." in html
    assert "Förening 50" in html and "Förening 51" not in html
    html = page(client, "/forums/regionalt-dialogforum/organisations?page=2")
    assert "Förening 51" in html and "Svenska Röda Korset" in html and "Förening 50" not in html
    assert "Kalle Kollega" in html and "Hedda Hemlig" not in html  # the same rule as on the forum page
    assert page(client, "/forums/regionalt-dialogforum/organisations?page=x").count("Förening 01") == 1
    assert client.get("/forums/no-such-forum/organisations").status_code == 404


# --- asking to join -----------------------------------------------------------------------

def test_asking_to_join_tells_the_organisers_and_their_decision_tells_the_organisation(
        app, client, world, send_mail):
    sign_in(client, world["reader"])
    html = page(client, "/forums/kulturradet")
    assert "Föreningen Läslust can ask to join this forum." in html
    response = post_with_token(client, "/forums/kulturradet/join", "/forums/kulturradet",
                               {"organisation": world["readers"]}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Your request was sent." in html
    assert "Föreningen Läslust has asked to join." in html and "Ask to join</button>" not in html
    assert member_status(app, "kulturradet", world["readers"]) == ForumMemberStatus.REQUESTED

    received = send_mail()
    assert [m["To"] for m in received] == ["officer@region.example"]
    assert received[0]["Subject"] == "Föreningen Läslust asks to join Kulturrådet"
    assert "http://localhost/forums/kulturradet/members" in text_part(received[0])

    # The organiser sees the request, with who asked, and accepts it.
    sign_in(client, world["organiser"])
    members = page(client, "/forums/kulturradet/members")
    assert "Requests to join" in members and "by Lisa Läsare" in members
    response = post_with_token(client, f"/forums/kulturradet/members/{world['readers']}/decision",
                               "/forums/kulturradet/members", {"decision": "accept"}, follow_redirects=True)
    assert "Föreningen Läslust is now a member of the forum." in response.get_data(as_text=True)
    assert member_status(app, "kulturradet", world["readers"]) == ForumMemberStatus.MEMBER

    received = send_mail()[1:]
    assert sorted(m["To"] for m in received) == ["bo@example.org", "lisa@laslust.example"]
    assert all(m["Subject"] == "Welcome to Kulturrådet" for m in received)
    assert "Region Norrbotten has accepted Föreningen Läslust" in text_part(received[0])
    # The person who asked speaks for the organisation.
    public = page(english(app.test_client()), "/forums/kulturradet")
    assert "Lisa Läsare" in public[public.index("Member organisations"):]


def test_a_declined_organisation_is_told_and_may_ask_again(app, client, world, send_mail):
    sign_in(client, world["reader"])
    post_with_token(client, "/forums/kulturradet/join", "/forums/kulturradet", {"organisation": world["readers"]})
    sign_in(client, world["organiser"])
    post_with_token(client, f"/forums/kulturradet/members/{world['readers']}/decision",
                    "/forums/kulturradet/members", {"decision": "decline"})
    assert member_status(app, "kulturradet", world["readers"]) == ForumMemberStatus.DECLINED
    declined = [m for m in send_mail() if m["Subject"] == "Your request to join Kulturrådet"]
    assert sorted(m["To"] for m in declined) == ["bo@example.org", "lisa@laslust.example"]
    assert "has not accepted the request of Föreningen Läslust" in text_part(declined[0])
    assert "Declined requests" in page(client, "/forums/kulturradet/members")

    # A second decision on the same request changes nothing.
    response = post_with_token(client, f"/forums/kulturradet/members/{world['readers']}/decision",
                               "/forums/kulturradet/members", {"decision": "accept"}, follow_redirects=True)
    assert "There is no request from Föreningen Läslust waiting" in response.get_data(as_text=True)
    assert member_status(app, "kulturradet", world["readers"]) == ForumMemberStatus.DECLINED

    sign_in(client, world["reader"])
    assert "Ask to join</button>" in page(client, "/forums/kulturradet")
    post_with_token(client, "/forums/kulturradet/join", "/forums/kulturradet", {"organisation": world["readers"]})
    assert member_status(app, "kulturradet", world["readers"]) == ForumMemberStatus.REQUESTED


def test_asking_twice_sends_one_request(app, client, world, send_mail):
    sign_in(client, world["reader"])
    for _ in range(2):
        post_with_token(client, "/forums/kulturradet/join", "/forums/kulturradet",
                        {"organisation": world["readers"]})
    assert len(send_mail()) == 1


def test_a_closed_forum_takes_no_requests(app, client, world):
    sign_in(client, world["representative"])
    html = page(client, "/forums/lanspartnerskapet")
    assert "This forum is closed" in html and "Ask to join</button>" not in html
    response = post_with_token(client, "/forums/lanspartnerskapet/join", "/forums/lanspartnerskapet",
                               {"organisation": world["association"]}, follow_redirects=True)
    assert "This forum is closed" in response.get_data(as_text=True)
    assert member_status(app, "lanspartnerskapet", world["association"]) is None


def test_a_representative_asks_only_for_their_own_organisation(app, client, world):
    sign_in(client, world["representative"])
    response = post_with_token(client, "/forums/kulturradet/join", "/forums/kulturradet",
                               {"organisation": world["readers"]})
    assert response.status_code == 403
    assert member_status(app, "kulturradet", world["readers"]) is None
    # Without a session nobody asks at all.
    anonymous = english(app.test_client())
    response = anonymous.post("/forums/kulturradet/join", data={"organisation": world["readers"]})
    assert response.status_code in (302, 400)
    assert member_status(app, "kulturradet", world["readers"]) is None


def test_someone_representing_several_organisations_chooses_which_asks(app, client, world):
    sign_in(client, world["both"])
    html = page(client, "/forums/kulturradet")
    select_html = html[html.index('<select id="organisation"'):]
    select_html = select_html[:select_html.index("</select>")]
    assert "Föreningen Läslust" in select_html and "Byaföreningen i Vittangi" in select_html
    post_with_token(client, "/forums/kulturradet/join", "/forums/kulturradet", {"organisation": world["village"]})
    assert member_status(app, "kulturradet", world["village"]) == ForumMemberStatus.REQUESTED
    assert member_status(app, "kulturradet", world["readers"]) is None


def test_organisations_not_yet_approved_cannot_ask(app, client, world):
    with app.app_context():
        person = Person(email="ny@example.org", name="Ny Person")
        db.session.add(person)
        db.session.flush()
        db.session.add(Membership(person=person, organisation_id=world["unapproved"],
                                  role=MembershipRole.REPRESENTATIVE))
        db.session.commit()
        person_id = person.id
    sign_in(client, person_id)
    assert "Ask to join" not in page(client, "/forums/kulturradet")
    response = post_with_token(client, "/forums/kulturradet/join", "/forums/kulturradet",
                               {"organisation": world["unapproved"]}, follow_redirects=True)
    assert "Only organisations approved in the register can join forums." in response.get_data(as_text=True)
    assert member_status(app, "kulturradet", world["unapproved"]) is None


# --- creating and editing -----------------------------------------------------------------

@pytest.mark.parametrize("name, slug", [
    ("Länspensionärsrådet", "lanspensionarsradet"),
    ("Årlig mötesplats – civilsamhälle & offentlig sektor", "arlig-motesplats-civilsamhalle-offentlig-sektor"),
    ("Samråd för nationella minoriteter (2027)", "samrad-for-nationella-minoriteter-2027"),
    ("Café Öst", "cafe-ost"),
    ("!!!", "forum"),
])
def test_web_addresses_are_made_from_names(name, slug):
    assert domain.slugify(name) == slug


def create_form(world, **overrides) -> dict:
    data = {"name": "Jämställdhetsrådet", "slug": "", "organiser": world["region"],
            "description": "Rådet samlar **föreningar**.", "participation_level": "consultation",
            "subject_areas": [], "municipalities": [], "membership": "open"}
    data.update(overrides)
    return data


def test_an_organiser_creates_a_forum_and_interested_organisations_hear_of_it(app, client, world):
    with app.app_context():
        village = db.session.get(Organisation, world["village"])
        village.interest_areas = [db.session.scalar(select(SubjectArea).where(SubjectArea.code == "friluftsliv"))]
        db.session.commit()
        outdoors = db.session.scalar(select(SubjectArea.id).where(SubjectArea.code == "friluftsliv"))
        kiruna = db.session.scalar(select(Municipality.id).where(Municipality.code == "2584"))
    sign_in(client, world["organiser"])
    response = post_with_token(client, "/forums/new", "/forums/new",
                               create_form(world, subject_areas=[outdoors], municipalities=[kiruna],
                                           membership="closed"))
    assert response.status_code == 302 and response.headers["Location"] == "/forums/jamstalldhetsradet"
    html = page(client, "/forums/jamstalldhetsradet")
    assert "The forum was created." in html
    assert "Consultation:" in html and "Outdoor life" in html and "Kiruna" in html
    assert "Closed: by invitation" in html and "<strong>föreningar</strong>" in html
    with app.app_context():
        forum = db.session.scalar(select(Forum).where(Forum.slug == "jamstalldhetsradet"))
        assert forum.organiser_id == world["region"] and not forum.membership_open
        news = db.session.scalars(select(PendingNotification)).all()
        assert [(n.organisation_id, n.subject_id) for n in news] == [(world["village"], forum.id)]


def test_equal_names_get_numbered_addresses_and_reserved_words_are_avoided(app, client, world):
    sign_in(client, world["organiser"])
    for _ in range(3):
        post_with_token(client, "/forums/new", "/forums/new", create_form(world, name="Kulturrådet"))
    post_with_token(client, "/forums/new", "/forums/new", create_form(world, name="New"))
    with app.app_context():
        slugs = set(db.session.scalars(select(Forum.slug)))
    assert {"kulturradet", "kulturradet-2", "kulturradet-3", "kulturradet-4", "new-2"} <= slugs
    assert "new" not in slugs


def test_a_chosen_address_must_be_free(app, client, world):
    sign_in(client, world["organiser"])
    response = post_with_token(client, "/forums/new", "/forums/new",
                               create_form(world, name="Ett nytt råd", slug="Kulturrådet"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Another forum already uses this web address." in html
    assert 'value="Ett nytt råd"' in html  # what was typed is kept
    response = post_with_token(client, "/forums/new", "/forums/new",
                               create_form(world, name="Ett nytt råd", slug="Råd i norr"))
    assert response.headers["Location"] == "/forums/rad-i-norr"


def test_the_form_explains_its_mistakes_and_keeps_what_was_typed(app, client, world):
    sign_in(client, world["organiser"])
    response = post_with_token(client, "/forums/new", "/forums/new",
                               create_form(world, name="  ", participation_level="",
                                           description="Min beskrivning"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "Enter the name of the forum." in html and "Choose the level of participation." in html
    assert "Min beskrivning</textarea>" in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Forum.id))) == 3


def test_organisers_arrange_forums_only_for_their_own_body_admins_for_any(app, client, world):
    sign_in(client, world["organiser"])
    html = page(client, "/forums/new")
    options = html[html.index('name="organiser"'):]
    options = options[:options.index("</select>")]
    assert "Region Norrbotten" in options and "Länsstyrelsen" not in options
    response = post_with_token(client, "/forums/new", "/forums/new", create_form(world, organiser=world["county"]))
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(Forum.id))) == 3

    sign_in(client, world["admin"])
    html = page(client, "/forums/new")
    options = html[html.index('name="organiser"'):]
    options = options[:options.index("</select>")]
    assert "Region Norrbotten" in options and "Länsstyrelsen Norrbotten" in options
    assert "Svenska Röda Korset" not in options  # a civil-society organisation arranges no forum here
    response = post_with_token(client, "/forums/new", "/forums/new", create_form(world, organiser=world["county"]))
    assert response.status_code == 302
    with app.app_context():
        forum = db.session.scalar(select(Forum).where(Forum.slug == "jamstalldhetsradet"))
        assert forum.organiser_id == world["county"]


def test_only_organisers_may_create_forums(app, client, world):
    assert client.get("/forums/new").status_code == 302  # to the sign-in page
    sign_in(client, world["representative"])
    assert client.get("/forums/new").status_code == 403
    response = client.post("/forums/new", data=create_form(world))
    assert response.status_code in (400, 403)
    with app.app_context():
        assert db.session.scalar(select(func.count(Forum.id))) == 3


def test_editing_a_forum_keeps_its_address_unless_asked(app, client, world):
    sign_in(client, world["organiser"])
    html = page(client, "/forums/regionalt-dialogforum/edit")
    assert 'value="Regionalt dialogforum"' in html and 'value="regionalt-dialogforum"' in html
    assert re.search(r'<input[^>]* checked [^>]*name="participation_level"[^>]*value="dialogue"', html)
    data = create_form(world, name="Regionalt dialogforum om hälsa", slug="regionalt-dialogforum",
                       participation_level="partnership", membership="closed")
    response = post_with_token(client, "/forums/regionalt-dialogforum/edit", "/forums/regionalt-dialogforum/edit",
                               data)
    assert response.headers["Location"] == "/forums/regionalt-dialogforum"
    with app.app_context():
        forum = db.session.scalar(select(Forum).where(Forum.slug == "regionalt-dialogforum"))
        assert forum.name == "Regionalt dialogforum om hälsa"
        assert forum.participation_level == ParticipationLevel.PARTNERSHIP and not forum.membership_open
        assert forum.subject_areas == [] and forum.municipalities == []

    response = post_with_token(client, "/forums/regionalt-dialogforum/edit", "/forums/regionalt-dialogforum/edit",
                               {**data, "slug": "kulturradet"})
    assert "Another forum already uses this web address." in response.get_data(as_text=True)
    response = post_with_token(client, "/forums/regionalt-dialogforum/edit", "/forums/regionalt-dialogforum/edit",
                               {**data, "slug": "Hälsodialog"})
    assert response.headers["Location"] == "/forums/halsodialog"
    assert client.get("/forums/regionalt-dialogforum").status_code == 404


# --- managing members ---------------------------------------------------------------------

def test_the_organiser_chooses_who_speaks_for_a_member_among_its_representatives(app, client, world):
    sign_in(client, world["organiser"])
    html = page(client, "/forums/regionalt-dialogforum/members")
    prefix = f"org{world['association']}-people"
    assert f'name="{prefix}"' in html and "kalle@redcross.example" in html
    url = f"/forums/regionalt-dialogforum/members/{world['association']}/representatives"
    post_with_token(client, url, "/forums/regionalt-dialogforum/members",
                    {prefix: [world["representative"], world["colleague"]]})
    with app.app_context():
        speakers = db.session.scalars(select(ForumRepresentative.person_id).where(
            ForumRepresentative.organisation_id == world["association"])).all()
    assert sorted(speakers) == sorted([world["representative"], world["colleague"]])

    # Someone from another organisation cannot be made to speak for the Red Cross.
    response = post_with_token(client, url, "/forums/regionalt-dialogforum/members",
                               {prefix: [world["reader"]]})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ForumRepresentative)) == 2


def test_removing_a_member(app, client, world):
    sign_in(client, world["organiser"])
    response = post_with_token(client, f"/forums/regionalt-dialogforum/members/{world['association']}/remove",
                               "/forums/regionalt-dialogforum/members", follow_redirects=True)
    assert "Svenska Röda Korset is no longer a member of the forum." in response.get_data(as_text=True)
    assert member_status(app, "regionalt-dialogforum", world["association"]) is None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ForumRepresentative)) == 0
    assert "Svenska Röda Korset" not in page(client, "/forums/regionalt-dialogforum")


@pytest.mark.parametrize("who", [None, "representative", "county_officer"])
def test_only_managers_run_a_forum(app, client, world, who):
    if who:
        sign_in(client, world[who])
    expected = 302 if who is None else 403
    for url in ("/forums/regionalt-dialogforum/edit", "/forums/regionalt-dialogforum/members",
                "/forums/regionalt-dialogforum/find-organisations",
                "/forums/regionalt-dialogforum/members.csv", "/forums/regionalt-dialogforum/members.xlsx"):
        assert client.get(url).status_code == expected, url
    # A valid token, so that what refuses is the permission check: a visitor's forum page has no
    # form, so a visitor takes theirs from the sign-in page.
    token = csrf_token(page(client, "/forums/regionalt-dialogforum" if who else "/sign-in"))
    posts = {
        "/forums/regionalt-dialogforum/edit": create_form(world, name="Kapat"),
        f"/forums/regionalt-dialogforum/members/{world['association']}/remove": {},
        f"/forums/regionalt-dialogforum/members/{world['association']}/representatives":
            {f"org{world['association']}-people": []},
        "/forums/regionalt-dialogforum/find-organisations": {"organisation": [world["village"]]},
    }
    for url, data in posts.items():
        assert client.post(url, data={"csrf_token": token, **data}).status_code == expected, url
    with app.app_context():
        forum = db.session.scalar(select(Forum).where(Forum.slug == "regionalt-dialogforum"))
        assert forum.name == "Regionalt dialogforum"
        assert [(m.organisation_id, len(m.representatives)) for m in forum.members] == [(world["association"], 2)]


def test_another_bodys_organiser_cannot_decide_requests(app, client, world):
    sign_in(client, world["reader"])
    post_with_token(client, "/forums/kulturradet/join", "/forums/kulturradet", {"organisation": world["readers"]})
    sign_in(client, world["county_officer"])
    response = post_with_token(client, f"/forums/kulturradet/members/{world['readers']}/decision",
                               "/forums/lanspartnerskapet", {"decision": "accept"})
    assert response.status_code == 403
    assert member_status(app, "kulturradet", world["readers"]) == ForumMemberStatus.REQUESTED


# --- finding whom to invite ---------------------------------------------------------------

def candidates(html: str) -> list[str]:
    body = html[html.index("<tbody>"):html.index("</tbody>")] if "<tbody>" in html else ""
    return re.findall(r'<label for="add-\d+">([^<]+)</label>|<a href="/organisations/\d+">([^<]+)</a>', body)


def names_found(html: str) -> list[str]:
    return [checkbox or link for checkbox, link in candidates(html)]


def test_finding_organisations_by_area_and_municipality(client, world):
    sign_in(client, world["organiser"])
    url = "/forums/kulturradet/find-organisations"
    # Approved organisations only; the forum's own organiser is not offered.
    assert names_found(page(client, url)) == [
        "Byaföreningen i Vittangi", "Föreningen Läslust", "Länsstyrelsen Norrbotten", "Svenska Röda Korset"]
    assert names_found(page(client, url + "?area=folkhalsa")) == ["Byaföreningen i Vittangi", "Svenska Röda Korset"]
    assert names_found(page(client, url + "?area=folkhalsa&area=kultur")) == [
        "Byaföreningen i Vittangi", "Föreningen Läslust", "Svenska Röda Korset"]
    assert names_found(page(client, url + "?municipality=2580")) == ["Föreningen Läslust", "Svenska Röda Korset"]
    assert names_found(page(client, url + "?municipality=2581&municipality=2584")) == [
        "Byaföreningen i Vittangi", "Föreningen Läslust", "Svenska Röda Korset"]
    assert names_found(page(client, url + "?area=folkhalsa&municipality=2580")) == ["Svenska Röda Korset"]
    html = page(client, url + "?area=folkhalsa&municipality=2580")
    assert re.search(r'<input[^>]*checked[^>]*value="folkhalsa"|<input[^>]*value="folkhalsa"[^>]*checked', html)


def test_organisations_that_never_took_part_are_flagged_and_can_be_shown_alone(client, world):
    sign_in(client, world["organiser"])
    url = "/forums/kulturradet/find-organisations?area=folkhalsa"
    html = page(client, url)
    rows = html[html.index("<tbody>"):].split("<tr>")[1:]
    flags = {re.search(r'<label for="add-\d+">([^<]+)', row).group(1): "Never taken part" in row for row in rows}
    # The Red Cross is in a public-health forum already; the village association never was.
    assert flags == {"Byaföreningen i Vittangi": True, "Svenska Röda Korset": False}
    assert names_found(page(client, url + "&never=y")) == ["Byaföreningen i Vittangi"]
    # Taking part in a forum on another area does not count: Läslust is only in a culture forum.
    html = page(client, "/forums/kulturradet/find-organisations?area=folkhalsa&area=kultur&never=y")
    assert names_found(html) == ["Byaföreningen i Vittangi"]
    assert names_found(page(client, "/forums/kulturradet/find-organisations?area=friluftsliv&never=y")) == [
        "Byaföreningen i Vittangi"]


def test_adding_chosen_organisations_is_idempotent_and_tells_them(app, client, world, send_mail):
    sign_in(client, world["organiser"])
    url = "/forums/regionalt-dialogforum/find-organisations?area=folkhalsa"
    html = page(client, url)
    assert "Already a member" in html  # the Red Cross
    assert f'id="add-{world["association"]}"' not in html
    response = post_with_token(client, url, url, {"organisation": [world["village"], world["association"]]})
    assert response.status_code == 302 and response.headers["Location"] == url
    html = page(client, url)
    assert "1 organisation was added to the forum: Byaföreningen i Vittangi." in html
    assert member_status(app, "regionalt-dialogforum", world["village"]) == ForumMemberStatus.MEMBER

    received = send_mail()
    assert sorted(m["To"] for m in received) == ["bo@example.org"]
    assert received[0]["Subject"] == "Byaföreningen i Vittangi is now a member of Regionalt dialogforum"
    assert "http://localhost/forums/regionalt-dialogforum" in text_part(received[0])

    post_with_token(client, url, url, {"organisation": [world["village"]]})
    assert "already members" in page(client, url)
    assert len(send_mail()) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ForumMember).where(
            ForumMember.organisation_id == world["village"])) == 1


def test_adding_needs_a_choice_and_only_approved_organisations_are_added(app, client, world):
    sign_in(client, world["organiser"])
    url = "/forums/regionalt-dialogforum/find-organisations"
    response = post_with_token(client, url, url, {})
    assert "Choose at least one organisation." in response.get_data(as_text=True)
    post_with_token(client, url, url, {"organisation": [world["unapproved"]]})
    assert member_status(app, "regionalt-dialogforum", world["unapproved"]) is None


def test_adding_an_organisation_that_asked_accepts_its_request(app, client, world):
    sign_in(client, world["reader"])
    post_with_token(client, "/forums/kulturradet/join", "/forums/kulturradet", {"organisation": world["readers"]})
    sign_in(client, world["organiser"])
    url = "/forums/kulturradet/find-organisations?area=kultur"
    assert "Has asked to join" in page(client, url)
    post_with_token(client, url, url, {"organisation": [world["readers"]]})
    assert member_status(app, "kulturradet", world["readers"]) == ForumMemberStatus.MEMBER


# --- the members export -------------------------------------------------------------------

def test_members_export_reads_back_as_csv_and_xlsx(app, client, world):
    sign_in(client, world["organiser"])
    response = client.get("/forums/regionalt-dialogforum/members.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="regionalt-dialogforum-members.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8").lstrip("\ufeff")), delimiter=";"))
    headers = ["Organisation", "Kind", "Level", "Municipalities", "Representatives in the forum",
               "E-mail addresses", "Member since"]
    with app.app_context():
        joined = db.session.get(ForumMember, (
            db.session.scalar(select(Forum.id).where(Forum.slug == "regionalt-dialogforum")),
            world["association"])).joined_at
    with app.test_request_context():
        from flask_babel import to_user_timezone
        since = to_user_timezone(joined).date()
    assert rows == [headers, ["Svenska Röda Korset", "Civil-society organisation", "National", "Kiruna, Luleå",
                              "Hedda Hemlig, Kalle Kollega", "hemlig@redcross.example, kalle@redcross.example",
                              since.isoformat()]]

    response = client.get("/forums/regionalt-dialogforum/members.xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == headers
    assert values[1][:6] == rows[1][:6]
    assert values[1][6].date() == since and isinstance(since, date)
    assert client.get("/forums/regionalt-dialogforum/members.pdf").status_code == 404


def test_members_export_is_for_managers_only(client, world):
    sign_in(client, world["colleague"])  # a member's own representative
    assert client.get("/forums/regionalt-dialogforum/members.csv").status_code == 403
    sign_in(client, world["admin"])
    assert client.get("/forums/regionalt-dialogforum/members.csv").status_code == 200
