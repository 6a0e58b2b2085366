"""The meetings directory (/meetings): coming and past public meetings, its filters and pages, what it
says when nothing matches or a value is wrong, and the calendar feed with the same filters.

County-wide forums (those that name no municipality) count for every municipality, in the directory
and in the forum catalogue alike."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

import plugins.ical as ical_plugin
from meetings.domain.queries import meeting_visible_to, publicly_listed
from meetings.domain.registration import registration_open_clause, registration_window_problem
from meetings.extensions import db
from meetings.models import Forum, Meeting, Municipality, Organisation, SubjectArea, utcnow
from meetings.testing import (
    make_forum,
    make_meeting,
    make_organisation,
    make_person,
    sign_in,
    sql_statements,
    submit_form,
)

BASE = "http://moten.example.se"


@pytest.fixture
def app(make_app):
    """The directory with the calendar plugin, whose feed takes the directory's filters."""
    return make_app(MEETINGS_PLUGINS=(), plugins=[ical_plugin], BASE_URL=BASE)


@pytest.fixture(autouse=True)
def fresh_feed_cache():
    from plugins.ical.feeds import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client(app):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def soon(days: float):
    return (utcnow() + timedelta(days=days)).replace(second=0, microsecond=0)


@pytest.fixture
def world(app):
    """Three forums: one for the whole county, one for Kiruna, one for Piteå; coming, past, cancelled,
    draft and members-only meetings, some open for registration and some not."""
    with app.app_context():
        lulea = Municipality(code="2580", name="Luleå", county="Norrbottens län")
        kiruna = Municipality(code="2584", name="Kiruna", county="Norrbottens län")
        pitea = Municipality(code="2581", name="Piteå", county="Norrbottens län")
        health = SubjectArea(code="folkhalsa", name_sv="Folkhälsa", name_en="Public health")
        culture = SubjectArea(code="kultur", name_sv="Kultur", name_en="Culture")
        db.session.add_all([lulea, kiruna, pitea, health, culture])
        db.session.commit()
        region = make_organisation("Region Norrbotten", "public_body")
        county = make_organisation("Länsstyrelsen Norrbotten", "public_body")
        association = make_organisation("Byaföreningen i Vittangi")
        whole = make_forum(region, "Länsforum", slug="lansforum", subject_areas=[health])
        kiruna_forum = make_forum(county, "Kirunarådet", slug="kirunaradet", subject_areas=[culture],
                                  municipalities=[kiruna], members=[association])
        pitea_forum = make_forum(region, "Piteårådet", slug="pitearadet", subject_areas=[culture],
                                 municipalities=[pitea])
        meetings = {
            "A": make_meeting(whole, "A Länsmöte i Luleå", starts_at=soon(3), format="on_site", municipality=lulea),
            "B": make_meeting(kiruna_forum, "B Kirunamöte", starts_at=soon(10), municipality=kiruna),
            "C": make_meeting(pitea_forum, "C Digitalt Piteåmöte", starts_at=soon(20), format="digital",
                              registration_closes_at=soon(-1)),
            "D": make_meeting(pitea_forum, "D Piteåmöte", starts_at=soon(30), format="on_site", municipality=pitea,
                              registration_opens_at=soon(5)),
            "E": make_meeting(whole, "E Inställt länsmöte", starts_at=soon(15), format="on_site", municipality=lulea,
                              status="cancelled"),
            "F": make_meeting(whole, "F Utkast", starts_at=soon(5), status="draft"),
            "G": make_meeting(kiruna_forum, "G Internt möte", starts_at=soon(6), members_only=True,
                              municipality=kiruna),
            "H": make_meeting(whole, "H Förra länsmötet", starts_at=soon(-10), format="on_site", municipality=lulea),
            "I": make_meeting(pitea_forum, "I Förra Piteåmötet", starts_at=soon(-40), format="digital"),
            "J": make_meeting(pitea_forum, "J Gammalt Piteåmöte", starts_at=soon(-300), format="digital"),
        }
        member = make_person("rep@vittangi.example", "Rut Representant", represents=association)
        organiser = make_person("olle@region.example", "Olle Organisatör", organises_for=region)
        return {"ids": {key: m.id for key, m in meetings.items()}, "county": county.id, "region": region.id,
                "member": member.id, "organiser": organiser.id}


def listed(html: str) -> list[str]:
    """The meetings on a directory page, by the letter their titles start with, in page order."""
    return re.findall(r'<h3 class="result-title"><a href="/meetings/\d+">(\w) ', html)


def titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="result-title"><a href="/meetings/\d+">([^<]+)</a>', html)


def listed_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'<h3 class="result-title"><a href="/meetings/(\d+)">', html)]


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response.get_data(as_text=True)


def local_day(app, days: float) -> str:
    with app.app_context():
        return soon(days).astimezone(ZoneInfo(app.config["TIME_ZONE"])).date().isoformat()


# --- what is listed -------------------------------------------------------------------------------------


def test_the_directory_lists_coming_public_meetings_soonest_first_and_marks_cancelled_ones(client, world):
    html = page(client, "/meetings")
    assert listed(html) == ["A", "B", "E", "C", "D"]
    cancelled = html[html.index("E Inställt länsmöte"):]
    assert "Cancelled" in cancelled[:cancelled.index("</li>")]
    first = html[html.index("A Länsmöte i Luleå"):]
    first = first[:first.index("</li>")]
    assert "Open for registration" in first and "Länsforum" in first and "Region Norrbotten" in first
    assert "Luleå" in first
    assert 'href="/meetings" aria-current="page"' in html  # in the main navigation


def test_past_meetings_are_listed_newest_first(client, world):
    assert listed(page(client, "/meetings?when=past")) == ["H", "I", "J"]


@pytest.mark.parametrize("who", [None, "member", "organiser"])
def test_drafts_and_members_only_meetings_are_never_listed(client, world, who):
    if who:
        sign_in(client, world[who])
    html = page(client, "/meetings") + page(client, "/meetings?when=past")
    assert "F Utkast" not in html and "G Internt möte" not in html


def test_the_list_of_public_meetings_agrees_with_who_may_see_a_meeting(app, world):
    with app.app_context():
        listed_ids_ = set(db.session.scalars(select(Meeting.id).where(publicly_listed())))
        visible = {m.id for m in db.session.scalars(select(Meeting)) if meeting_visible_to(m, None)}
    assert listed_ids_ == visible


# --- each filter ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("query, expected", [
    # Kiruna: held there, and the county-wide forum's meetings; not the Piteå forum's online meeting.
    ("municipality=2584", ["A", "B", "E"]),
    ("municipality=2581", ["A", "E", "C", "D"]),
    ("municipality=2580", ["A", "E"]),
    ("municipality=2580&municipality=2584", ["A", "B", "E"]),
    ("area=kultur", ["B", "C", "D"]),
    ("area=folkhalsa&area=kultur", ["A", "B", "E", "C", "D"]),
    ("forum=pitearadet", ["C", "D"]),
    ("organiser={county}", ["B"]),
    ("mode=online", ["B", "C"]),
    ("mode=on_site", ["A", "B", "E", "D"]),
    ("mode=hybrid", ["B"]),
    ("open=1", ["A", "B"]),
    ("from={day9}&to={day21}", ["B", "E", "C"]),
    ("from={day22}", ["D"]),
    ("to={day4}", ["A"]),
    ("municipality=2581&open=1", ["A"]),
    ("when=past&municipality=2581", ["H", "I", "J"]),
    ("when=past&mode=on_site", ["H"]),
    ("area=folkhalsa&mode=online", []),
])
def test_each_filter_and_combinations(app, client, world, query, expected):
    days = {f"day{n}": local_day(app, n) for n in (4, 9, 21, 22)}
    html = page(client, "/meetings?" + query.format(county=world["county"], **days))
    assert listed(html) == expected
    if expected:
        assert f"{len(expected)} meeting" in html
    else:
        assert "No meeting matches this search." in html


def test_the_filter_form_sends_what_the_page_offers_and_keeps_the_choices(client, world):
    response = submit_form(client, "/meetings", {"municipality": "2584", "mode": "online", "open": True})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert listed(html) == ["B"]
    assert re.search(r'<input type="checkbox" id="municipality-2584" name="municipality" value="2584" checked>', html)
    assert '<option value="online" selected>' in html
    assert 'id="open" name="open" value="1" checked' in html


def test_the_catalogue_finds_the_county_wide_forum_for_every_municipality(client, world):
    for code in ("2580", "2584", "2581"):
        html = page(client, f"/forums?municipality={code}")
        assert "Länsforum" in html, f"the county-wide forum is missing for {code}"
    kiruna = page(client, "/forums?municipality=2584")
    assert "Kirunarådet" in kiruna and "Piteårådet" not in kiruna
    assert "For the whole county" in kiruna
    assert "The whole county" in page(client, "/forums/lansforum")


def test_registration_open_in_sql_is_the_same_rule_as_on_the_meeting_page(app, world):
    """The directory's "open for registration" and the registration rule agree on every kind of window."""
    with app.app_context():
        forum = db.session.scalar(select(Forum).where(Forum.slug == "lansforum"))
        for opens in (None, -2, 2):
            for closes in (None, -1, 1):
                for starts in (-0.5, 0.5, 3):
                    for status in ("published", "cancelled", "draft"):
                        make_meeting(forum, f"Fönster {opens} {closes} {starts} {status}", starts_at=soon(starts),
                                     status=status, registration_opens_at=soon(opens) if opens is not None else None,
                                     registration_closes_at=soon(closes) if closes is not None else None)
        now = utcnow()
        in_sql = set(db.session.scalars(select(Meeting.id).where(registration_open_clause(now))))
        in_python = {m.id for m in db.session.scalars(select(Meeting))
                     if registration_window_problem(m, now) is None}
    assert in_sql == in_python
    assert len(in_sql) >= 3


# --- pages ------------------------------------------------------------------------------------------------


@pytest.fixture
def many(app, world):
    """45 more coming meetings of the Kiruna forum, one a day from day 40 on."""
    with app.app_context():
        forum = db.session.scalar(select(Forum).where(Forum.slug == "kirunaradet"))
        for number in range(45):
            make_meeting(forum, f"M{number:02d} Kirunaträff", starts_at=soon(40 + number), format="digital")
    return world


def page_link(html: str, name: str) -> str:
    found = re.search(rf'<a href="([^"]+)"[^>]*>{name}</a>', html)
    assert found, f"no link {name!r}"
    return found.group(1).replace("&amp;", "&")


def test_page_two_shows_the_next_meetings_and_page_links_keep_the_filters(client, many):
    first = page(client, "/meetings?municipality=2584&mode=online")
    shown = titles(first)
    assert len(shown) == 20 and shown[0] == "B Kirunamöte" and shown[1] == "M00 Kirunaträff"
    assert "page 1 of 3" in first
    following = page_link(first, "Next page")
    assert parse_qs(urlsplit(following).query) == {"municipality": ["2584"], "mode": ["online"], "page": ["2"]}
    second = page(client, following)
    assert titles(second)[0] == "M19 Kirunaträff" and len(titles(second)) == 20
    assert parse_qs(urlsplit(page_link(second, "Previous page")).query) == {
        "municipality": ["2584"], "mode": ["online"]}
    last = page(client, page_link(second, "Next page"))
    assert len(titles(last)) == 6 and "Next page" not in last


def test_the_directory_costs_the_same_number_of_queries_however_many_meetings_it_shows(app, client, world):
    def queries(url: str) -> int:
        with sql_statements(app) as statements:
            page(client, url)
        return len(statements)

    few = queries("/meetings")
    with app.app_context():
        forums = list(db.session.scalars(select(Forum)))
        for number in range(15):
            make_meeting(forums[number % 3], f"Extra {number}", starts_at=soon(50 + number))
    assert len(titles(page(client, "/meetings"))) == 20
    assert queries("/meetings") == few


# --- wrong values and empty results ---------------------------------------------------------------------


@pytest.mark.parametrize("query, explained", [
    ("municipality=9999", "There is no municipality with the code “9999”."),
    ("municipality=2584&municipality=0000", "There is no municipality with the code “0000”."),
    ("area=astrologi", "There is no subject area with the code “astrologi”."),
    ("forum=finns-inte", "There is no forum with the address “finns-inte”."),
    ("organiser=abc", "We do not know the organiser “abc”."),
    ("organiser=999999999999", "We do not know the organiser “999999999999”."),
    ("from=igår", "“igår” is not a date we can use."),
    ("to=2027-13-45", "“2027-13-45” is not a date we can use."),
    ("from=0001-01-01", "“0001-01-01” is not a date we can use."),
    ("from=2027-05-01&to=2027-04-01", "The first day comes after the last day."),
    ("when=yesterday", "“yesterday” is not a choice here."),
    ("mode=teleport", "“teleport” is not a way of taking part."),
    ("open=maybe", "“maybe” is not a choice for “open for registration”."),
    ("page=-5", "“-5” is not a page number."),
    ("page=abc", "“abc” is not a page number."),
    ("page=1000000000", "There is no page 1000000000: the list has only one page."),
    ("page=" + "9" * 400, "is not a page number."),
])
def test_wrong_values_give_an_empty_explained_list_never_an_error(client, world, query, explained):
    response = client.get("/meetings?" + query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert listed(html) == []
    assert "We could not use all of this search, so no meetings are shown." in html
    assert explained in html


def test_a_wrong_value_is_explained_in_swedish_with_a_way_back(app, client, world):
    html = page(app.test_client(), "/meetings?municipality=9999&mode=online")
    assert "Det finns ingen kommun med koden ”9999”." in html
    back = page_link(html, "Sök utan den")
    assert parse_qs(urlsplit(back).query) == {"mode": ["online"]}
    assert listed(page(client, back)) == ["B", "C"]


def test_an_empty_list_says_what_to_try_next(client, world):
    html = page(client, "/meetings?area=folkhalsa&mode=online")
    assert "No meeting matches this search." in html
    remove_mode = page_link(html, "Remove the filter “How to take part”")
    assert listed(page(client, remove_mode)) == ["A", "E"]
    remove_area = page_link(html, "Remove the filter “Subject area”")
    assert listed(page(client, remove_area)) == ["B", "C"]
    past = page_link(html, "Look at past meetings with the same filters")
    assert parse_qs(urlsplit(past).query) == {"area": ["folkhalsa"], "mode": ["online"], "when": ["past"]}
    assert "Show all coming meetings" in html


def test_an_empty_directory_points_to_past_meetings(app, client):
    html = page(client, "/meetings")
    assert "No meetings are planned right now." in html
    assert "Look at past meetings with the same filters" in html


# --- the calendar feed with the same filters -----------------------------------------------------------


def feed_ids(client, query: str) -> set[int]:
    response = client.get("/calendar/meetings.ics?" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    uids = [str(e["uid"]) for e in Calendar.from_ical(response.data).walk("VEVENT")]
    return {int(re.fullmatch(r"meeting-(\d+)@moten\.example\.se", uid).group(1)) for uid in uids}


def directory_ids(client, query: str) -> list[int]:
    """Every meeting the directory lists for ``query``, coming and past, following its page links."""
    found = []
    for when in ("", "&when=past"):
        url = "/meetings?" + query + when
        while url:
            html = page(client, url)
            found += listed_ids(html)
            url = page_link(html, "Next page") if "Next page</a>" in html else None
    return found


@pytest.mark.parametrize("query", [
    "", "municipality=2584", "municipality=2581&area=kultur", "mode=online", "open=1", "forum=pitearadet",
    "organiser={region}", "from={day9}&to={day21}", "to={day4}&mode=on_site",
])
def test_the_feed_with_the_directorys_filters_holds_the_directorys_meetings_within_its_window(
        app, client, many, query):
    from plugins.ical.feeds import FEED_HISTORY

    days = {f"day{n}": local_day(app, n) for n in (4, 9, 21)}
    query = query.format(region=many["region"], **days)
    listed_in_directory = directory_ids(client, query)
    assert len(listed_in_directory) == len(set(listed_in_directory)), "a meeting on two pages"
    with app.app_context():
        window_start = utcnow() - FEED_HISTORY
        in_window = {m.id for m in db.session.scalars(select(Meeting).where(Meeting.id.in_(listed_in_directory)))
                     if m.ends_at >= window_start}
    assert feed_ids(client, query) == in_window
    if not query:
        assert many["ids"]["J"] in listed_in_directory and many["ids"]["J"] not in in_window


def test_the_directory_offers_its_filters_as_a_feed_and_says_what_the_feed_holds(client, world):
    html = page(client, "/meetings?when=past&municipality=2584&mode=online&page=1")
    https = re.search(r'id="directory-feed-url" type="url" readonly value="([^"]+)"', html).group(1)
    https = https.replace("&amp;", "&")
    assert https.startswith(BASE + "/calendar/meetings.ics?")
    assert parse_qs(urlsplit(https).query) == {"lang": ["en"], "municipality": ["2584"], "mode": ["online"]}
    assert f'href="webcal://moten.example.se/calendar/meetings.ics?{urlsplit(https).query}"' in \
        html.replace("&amp;", "&")
    assert "the past 6 months" in html
    assert feed_ids(client, urlsplit(https).query) == {world["ids"]["B"]}


def test_the_feed_refuses_a_wrong_filter_with_a_plain_message_and_the_directory_offers_no_feed_then(
        client, world):
    response = client.get("/calendar/meetings.ics?forum=finns-inte")
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert "finns-inte" in response.get_data(as_text=True)
    assert client.get("/calendar/meetings.ics?when=past&from=2027-01-01").status_code == 200  # when is the page's
    assert "directory-feed-url" not in page(client, "/meetings?forum=finns-inte")


def test_the_feed_is_cached_per_filter(client, world):
    assert feed_ids(client, "mode=online") == {world["ids"]["B"], world["ids"]["C"], world["ids"]["I"]}
    assert feed_ids(client, "mode=on_site") == {world["ids"][k] for k in "ABEDH"}
    assert feed_ids(client, "mode=online") == {world["ids"]["B"], world["ids"]["C"], world["ids"]["I"]}


def test_an_organisation_is_only_an_organiser_if_it_runs_a_forum(app, client, world):
    with app.app_context():
        association = db.session.scalar(select(Organisation).where(Organisation.name == "Byaföreningen i Vittangi"))
        association_id = association.id
    html = page(client, f"/meetings?organiser={association_id}")
    assert "We do not know the organiser" in html


def test_a_flood_of_unknown_values_names_a_few_and_still_lists_nothing(client, world):
    query = "&".join(f"municipality={number:04d}" for number in range(3000, 3400)) + "&municipality=2584"
    html = page(client, "/meetings?" + query)
    assert listed(html) == []
    assert html.count("There is no municipality with the code") == 3
