"""What browsers and shared caches may keep (meetings.caching): public pages that set no cookie and
answer 304 while unchanged, private pages for the signed in, and calendar feeds compressed once."""

from __future__ import annotations

import gzip
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from meetings.extensions import db
from meetings.models import Meeting, Registration
from meetings.testing import (
    make_forum,
    make_meeting,
    make_organisation,
    make_person,
    make_registration,
    sign_in,
    sql_statements,
    submit_form,
)
from plugins.ical import feeds

SWEDISH = {"Accept-Language": "sv"}


@dataclass(frozen=True)
class Site:
    forum: str
    meeting: int
    organisation: int
    person: int


@pytest.fixture(autouse=True)
def fresh_feed_cache():
    feeds.cache.clear()
    yield
    feeds.cache.clear()


@pytest.fixture
def site(app) -> Site:
    with app.app_context():
        region = make_organisation("Region Norrbotten", "public_body")
        association = make_organisation("Byaföreningen i Vittjärv", "civil_society")
        forum = make_forum(region, "Dialogforum om beredskap", members=[association],
                           description="Vi möts **fyra gånger** om året.")
        meeting = make_meeting(forum, "Höstmöte", description="Om *beredskap*.")
        make_meeting(forum, "Vintermöte")
        person = make_person("saga@example.org", "Saga Sund")
        make_registration(meeting, person, "online")
        return Site(forum.slug, meeting.id, association.id, person.id)


def public_pages(site: Site) -> dict[str, str]:
    return {
        "home": "/",
        "forum catalogue": "/forums",
        "forum page": f"/forums/{site.forum}",
        "meeting page": f"/meetings/{site.meeting}",
        "register": "/organisations",
        "organisation": f"/organisations/{site.organisation}",
        "one meeting's .ics": f"/calendar/meetings/{site.meeting}.ics",
        "forum feed": f"/calendar/forums/{site.forum}.ics",
        "all meetings feed": "/calendar/meetings.ics",
    }


def test_a_visitors_public_pages_set_no_cookie_and_do_not_vary_on_one(app, site):
    for name, path in public_pages(site).items():
        visitor = app.test_client()
        response = visitor.get(path, headers=SWEDISH)
        assert response.status_code == 200, name
        assert "Set-Cookie" not in response.headers, name
        assert "cookie" not in response.headers.get("Vary", "").lower(), name
        assert response.cache_control.public and not response.cache_control.private, name
        assert response.headers.get("ETag"), name
        assert visitor.get_cookie("meetings_session") is None, name


def test_a_shared_cache_keeps_a_visitors_page_a_short_while_and_a_browser_asks_again(client, site):
    response = client.get(f"/meetings/{site.meeting}", headers=SWEDISH)
    assert response.cache_control.max_age == 0  # so a browser does not show a visitor's copy after signing in
    assert 0 < response.cache_control.s_maxage <= 300
    assert "Accept-Language" in response.headers["Vary"]  # the browser's language chose the page's


def test_a_page_with_a_form_still_works(app, client, site):
    # The registration form needs a CSRF token, so it starts a session, and says so.
    form_page = client.get(f"/meetings/{site.meeting}/register", headers=SWEDISH)
    assert "meetings_session=" in form_page.headers.get("Set-Cookie", "")
    assert "Cookie" in form_page.headers["Vary"] and form_page.cache_control.private
    response = submit_form(client, f"/meetings/{site.meeting}/register",
                           {"name": "Nils Nord", "email": "nils@example.org", "mode": "on_site"},
                           headers=SWEDISH)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Registration).join(Registration.person)
                                 .where(Registration.meeting_id == site.meeting).order_by(Registration.id.desc())
                                 .limit(1)).person.email == "nils@example.org"
    # The visitor now holds a session: their pages say they depend on it, and are not public.
    after = client.get("/", headers=SWEDISH)
    assert "Cookie" in after.headers["Vary"] and not after.cache_control.public


def test_signed_in_pages_are_never_public(app, site):
    person = app.test_client()
    sign_in(person, site.person)
    feeds_for_all = ("forum feed", "all meetings feed")
    for name, path in public_pages(site).items():
        response = person.get(path, headers=SWEDISH)
        assert response.status_code == 200, name
        if name in feeds_for_all:
            # The same bytes for everyone, whoever asks: no page of hers.
            assert response.get_data() == app.test_client().get(path, headers=SWEDISH).get_data(), name
            continue
        assert response.cache_control.private and not response.cache_control.public, name
        if not path.endswith(".ics"):
            assert response.cache_control.no_store, name
    # Her own meeting file holds her online link; a visitor's does not, and each is its own copy.
    mine = person.get(f"/calendar/meetings/{site.meeting}.ics").get_data(as_text=True)
    visitors = app.test_client().get(f"/calendar/meetings/{site.meeting}.ics").get_data(as_text=True)
    assert "meet.example.org" in mine and "meet.example.org" not in visitors


def test_a_visitor_who_chose_a_language_gets_pages_that_depend_on_the_cookie(client, site):
    switcher = submit_form(client, "/forums", action="/language", headers=SWEDISH)
    assert switcher.status_code == 302
    response = client.get("/forums", headers=SWEDISH)
    assert '<html lang="en">' in response.get_data(as_text=True)
    assert "Cookie" in response.headers["Vary"] and response.cache_control.private


def test_an_unchanged_page_answers_304_and_a_changed_one_the_new_page(app, client, site):
    path = f"/meetings/{site.meeting}"
    first = client.get(path, headers=SWEDISH)
    etag = first.headers["ETag"]
    again = client.get(path, headers={**SWEDISH, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    with app.app_context():
        db.session.get(Meeting, site.meeting).title = "Höstmöte (ny sal)"
        db.session.commit()
    changed = client.get(path, headers={**SWEDISH, "If-None-Match": etag})
    assert changed.status_code == 200 and "ny sal" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != etag


def test_a_feed_answers_304_to_either_validator(client, site):
    first = client.get("/calendar/meetings.ics")
    assert client.get("/calendar/meetings.ics", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    since = client.get("/calendar/meetings.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_feeds_are_gzipped_for_clients_that_accept_it(client, site):
    paths = ("/calendar/meetings.ics", f"/calendar/forums/{site.forum}.ics", f"/calendar/meetings/{site.meeting}.ics")
    for path in paths:
        plain = client.get(path)
        packed = client.get(path, headers={"Accept-Encoding": "gzip, deflate"})
        assert "Content-Encoding" not in plain.headers
        assert packed.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.get_data()) == plain.get_data()
        assert len(packed.get_data()) < len(plain.get_data())
        for response in (plain, packed):
            assert "Accept-Encoding" in response.headers["Vary"]
        # Each encoding has its own validator, and answers 304 to it.
        assert packed.headers["ETag"] != plain.headers["ETag"]
        conditional = client.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
        assert conditional.status_code == 304
    refused = client.get("/calendar/meetings.ics", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers


def test_a_feed_is_compressed_once_per_change(app, client, site, monkeypatch):
    calls = []
    compress = feeds.compress

    def counted(body):
        calls.append(body)
        return compress(body)

    monkeypatch.setattr(feeds, "compress", counted)
    gzip_please = {"Accept-Encoding": "gzip"}
    bodies = [client.get("/calendar/meetings.ics", headers=gzip_please).get_data() for _ in range(3)]
    client.get("/calendar/meetings.ics")  # the same feed, plain
    assert len(calls) == 1 and bodies[0] == bodies[1] == bodies[2]

    with app.app_context():
        db.session.get(Meeting, site.meeting).title = "Höstmöte, flyttat"
        db.session.commit()
    changed = client.get("/calendar/meetings.ics", headers=gzip_please).get_data()
    assert len(calls) == 2 and "flyttat" in gzip.decompress(changed).decode()


def test_one_meetings_file_is_made_once_per_version_of_the_meeting(app, client, site, monkeypatch):
    calls = []
    compress = feeds.compress
    monkeypatch.setattr(feeds, "compress", lambda body: calls.append(body) or compress(body))
    path = f"/calendar/meetings/{site.meeting}.ics"
    first, second = client.get(path).get_data(), app.test_client().get(path).get_data()
    assert first == second and len(calls) == 1
    with app.app_context():
        db.session.get(Meeting, site.meeting).title = "Höstmöte, flyttat"
        db.session.commit()
    assert b"flyttat" in client.get(path).get_data() and len(calls) == 2


# --- the page cache: each web process keeps a visitor's public page a short while -------------

KEPT_PAGES = ("home", "forum catalogue", "forum page", "meeting page", "register", "one meeting's .ics")


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def cached_app(make_app):
    app = make_app(PUBLIC_PAGE_CACHE_SECONDS=30)
    app.extensions["meetings.page_cache"].clock = Clock()
    return app


@pytest.fixture
def cached_site(cached_app) -> Site:
    with cached_app.app_context():
        region = make_organisation("Region Norrbotten", "public_body")
        forum = make_forum(region, "Dialogforum om beredskap")
        meeting = make_meeting(forum, "Höstmöte")
        organiser = make_person("olle@region.example", "Olle Organisatör", organises_for=region)
        return Site(forum.slug, meeting.id, region.id, organiser.id)


def test_a_visitors_second_request_is_answered_from_the_cache_with_the_same_headers(cached_app, cached_site):
    pages = {name: path for name, path in public_pages(cached_site).items() if name in KEPT_PAGES}
    pages["meeting directory"] = "/meetings?when=coming"
    for name, path in pages.items():
        first = cached_app.test_client().get(path, headers=SWEDISH)
        with sql_statements(cached_app) as statements:
            second = cached_app.test_client().get(path, headers=SWEDISH)
        assert statements == [], name
        assert second.status_code == 200 and second.get_data() == first.get_data(), name
        for header in ("ETag", "Cache-Control", "Vary", "Content-Type"):
            assert second.headers[header] == first.headers[header], (name, header)
        assert "Set-Cookie" not in second.headers, name
        unchanged = cached_app.test_client().get(path, headers={**SWEDISH, "If-None-Match": first.headers["ETag"]})
        assert unchanged.status_code == 304 and unchanged.get_data() == b"", name


def test_a_change_saved_in_the_process_shows_on_the_next_visitors_request(cached_app, cached_site):
    path = f"/meetings/{cached_site.meeting}"
    assert "Höstmöte" in cached_app.test_client().get(path, headers=SWEDISH).get_data(as_text=True)
    organiser = cached_app.test_client()
    sign_in(organiser, cached_site.person)
    assert submit_form(organiser, f"{path}/edit", {"title": "Höstmöte i ny sal"}).status_code == 302
    assert "Höstmöte i ny sal" in cached_app.test_client().get(path, headers=SWEDISH).get_data(as_text=True)
    # A visitor's registration changes the count of places on the same page.
    visitor = cached_app.test_client()
    before = cached_app.test_client().get(path, headers=SWEDISH).get_data(as_text=True)
    submit_form(visitor, f"{path}/register", {"name": "Nils Nord", "email": "nils@example.org", "mode": "on_site"},
                headers=SWEDISH)
    after = cached_app.test_client().get(path, headers=SWEDISH).get_data(as_text=True)
    assert after != before


def test_signed_in_people_and_visitors_with_a_cookie_are_never_served_from_the_cache(cached_app, cached_site):
    path = f"/meetings/{cached_site.meeting}"
    cached_app.test_client().get(path, headers=SWEDISH)  # kept for visitors
    organiser = cached_app.test_client()
    sign_in(organiser, cached_site.person)
    chose_english = cached_app.test_client()
    submit_form(chose_english, "/forums", action="/language", headers=SWEDISH)
    for client in (organiser, chose_english):
        with sql_statements(cached_app) as statements:
            response = client.get(path, headers=SWEDISH)
        assert statements and response.cache_control.private
    assert "/edit" in organiser.get(path).get_data(as_text=True)
    assert '<html lang="en">' in chose_english.get(path, headers=SWEDISH).get_data(as_text=True)
    # Nor is their page kept for visitors.
    visitors = cached_app.test_client().get(path, headers=SWEDISH).get_data(as_text=True)
    assert "/edit" not in visitors and '<html lang="sv">' in visitors


def test_each_language_has_its_own_kept_page(cached_app, cached_site):
    swedish = cached_app.test_client().get("/forums", headers=SWEDISH).get_data(as_text=True)
    english = cached_app.test_client().get("/forums", headers={"Accept-Language": "en"}).get_data(as_text=True)
    again = cached_app.test_client().get("/forums", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="sv">' in swedish and '<html lang="en">' in english
    assert again.get_data(as_text=True) == english


def test_a_kept_page_is_made_again_after_its_time(cached_app, cached_site):
    clock = cached_app.extensions["meetings.page_cache"].clock
    cached_app.test_client().get("/", headers=SWEDISH)
    clock.now += 29
    with sql_statements(cached_app) as statements:
        kept = cached_app.test_client().get("/", headers=SWEDISH)
    assert statements == [] and kept.headers["Age"] == "29"
    clock.now += 2
    with sql_statements(cached_app) as statements:
        cached_app.test_client().get("/", headers=SWEDISH)
    assert statements


def test_the_page_cache_is_off_unless_set_outside_production(app, site):
    assert "meetings.page_cache" not in app.extensions
