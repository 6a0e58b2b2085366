"""The law's pages: the accessibility statement and the privacy notice, linked from every page; food
and access needs seen only by the meeting's organisers (and the person), and deleted after the meeting."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from meetings.demo_data import load_demo_data
from meetings.domain.invitations import Attendee, answer_invitation, invitation_token, invite_organisations
from meetings.domain.personal_data import delete_old_needs
from meetings.extensions import db
from meetings.models import Meeting, MeetingStatus, ParticipationMode, Person, Registration, utcnow
from meetings.scheduler import build_scheduler
from meetings.testing import (
    make_forum,
    make_meeting,
    make_organisation,
    make_person,
    make_registration,
    sign_in,
)

ENGLISH = {"Accept-Language": "en"}
FOOTER_LINKS = ('href="/accessibility"', 'href="/privacy"')


def footer(page: str) -> str:
    return page.split('<footer class="site-footer">', 1)[1]


# --- linked from every page ---------------------------------------------------------------------------

@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo_data()
        admin = Person(email="admin@example.org", name="Ada Admin", is_admin=True)
        db.session.add(admin)
        db.session.commit()
        meeting = db.session.scalars(select(Meeting).where(Meeting.status == MeetingStatus.PUBLISHED)
                                     .order_by(Meeting.starts_at.desc())).first()
        registration = make_registration(meeting, admin)
        return {"admin": admin.id, "meeting_id": meeting.id, "slug": meeting.forum.slug,
                "forum_id": meeting.forum_id, "organisation_id": meeting.forum.organiser_id,
                "code": registration.code, "fmt": "csv"}


def pages(app, values: dict) -> list[str]:
    """Every page the site has (each GET route that the demo's data can fill in), and one that is not there."""
    paths = ["/no-such-page"]
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "about.favicon"):
            continue
        path = rule.rule
        for name in rule.arguments:
            if name not in values:
                break
            path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(values[name]), path)
        else:
            paths.append(path)
    return paths


def test_every_page_links_to_the_accessibility_statement_and_the_privacy_notice(app, client, demo):
    checked = []
    for signed_in in (False, True):
        if signed_in:
            sign_in(client, demo["admin"])
        for path in pages(app, demo):
            response = client.get(path)
            if response.mimetype != "text/html" or response.status_code in (301, 302, 303):
                continue
            page = response.get_data(as_text=True)
            assert all(link in footer(page) for link in FOOTER_LINKS), f"{path} lacks the footer's links"
            checked.append(path)
    assert len(checked) > 60
    for expected in ("/", "/forums", "/organisations", "/accessibility", "/privacy", "/no-such-page", "/account",
                     f"/meetings/{demo['meeting_id']}", f"/meetings/{demo['meeting_id']}/participants",
                     f"/meetings/{demo['meeting_id']}/edit", "/sign-in"):
        assert expected in checked


# --- the accessibility statement ------------------------------------------------------------------------

DIGG_HEADINGS_SV = ["Tillgänglighet för Dialogmöten", "Hur tillgänglig är webbplatsen?",
                    "Vad kan du göra om du inte kan använda delar av webbplatsen?",
                    "Rapportera brister i webbplatsens tillgänglighet", "Tillsyn",
                    "Teknisk information om webbplatsens tillgänglighet", "Innehåll som inte är tillgängligt",
                    "Hur vi testat webbplatsen"]


def headings(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", page, re.S)]


def test_the_accessibility_statement_follows_diggs_structure_and_names_the_operator(make_app):
    app = make_app(SITE_OPERATOR="Region Norrbotten", SITE_OPERATOR_EMAIL="dialog@norrbotten.example.se",
                   ACCESSIBILITY_STATEMENT_DATE=date(2026, 11, 30), ACCESSIBILITY_RESPONSE_DAYS=3)
    client = app.test_client()
    swedish = client.get("/accessibility", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert headings(swedish) == DIGG_HEADINGS_SV
    assert "Region Norrbotten står bakom den här webbplatsen." in swedish
    assert "lagen (2018:1937) om tillgänglighet till digital offentlig service" in swedish
    assert "Webbplatsen är helt förenlig med lagen" in swedish
    assert 'href="mailto:dialog@norrbotten.example.se"' in swedish and "Vi svarar inom 3 arbetsdagar." in swedish
    assert 'href="https://www.digg.se/tdosanmalan"' in swedish and "Anmäl bristande tillgänglighet" in swedish
    assert "axe-core" in swedish and "Chromium" in swedish and "30 november 2026" in swedish

    english = client.get("/accessibility", headers=ENGLISH).get_data(as_text=True)
    assert headings(english) == [
        "Accessibility of Dialogue meetings", "How accessible is the website?",
        "What can you do if you cannot use parts of the website?", "Report problems with the website's accessibility",
        "Supervision", "Technical information about the website's accessibility", "Content that is not accessible",
        "How we tested the website"]
    assert "The website fully complies with the law" in english and "30 November 2026" in english
    assert "We know of no content that is not accessible." in english


def test_known_gaps_make_the_site_partly_compliant_and_are_listed(make_app):
    app = make_app(ACCESSIBILITY_KNOWN_GAPS="PDF-protokoll från före 2025 saknar taggar.")
    page = app.test_client().get("/accessibility", headers=ENGLISH).get_data(as_text=True)
    assert "The website partly complies with the law" in page
    assert "PDF-protokoll från före 2025 saknar taggar." in page
    assert "We know of no content" not in page


# --- the privacy notice ---------------------------------------------------------------------------------

def test_the_privacy_notice_says_what_is_kept_why_how_long_and_the_rights(make_app):
    app = make_app(SITE_OPERATOR="Region Norrbotten", SITE_OPERATOR_EMAIL="dialog@norrbotten.example.se",
                   NEEDS_RETENTION_DAYS=12)
    page = app.test_client().get("/privacy", headers=ENGLISH).get_data(as_text=True)
    assert "Region Norrbotten is responsible for the personal data" in page
    for heading in ("What we keep, and why", "Why we may handle your data", "How long we keep your data",
                    "Who sees your data", "Your rights"):
        assert f">{heading}</h2>" in page
    assert "It is deleted 12 days after the meeting." in page
    assert "Food, allergies and access needs: 12 days after the meeting has ended." in page
    assert page.count('href="/account#data-heading"') == 2  # download, and remove the account
    assert 'href="https://www.imy.se/"' in page
    # The plugins' own parts, through the privacy_notice hook.
    assert ">Compensation for taking part</h2>" in page and "bokföringslagen" in page
    assert ">Minutes</h2>" in page and "Names in approved minutes are kept" in page


def test_the_privacy_notice_is_in_swedish_too(client):
    page = client.get("/privacy", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert ">Integritet och personuppgifter</h1>" in page
    assert "Det raderas 30 dagar efter mötet." in page
    assert ">Ersättning för deltagande</h2>" in page and ">Protokoll</h2>" in page


def test_the_account_page_has_what_the_privacy_notice_links_to(app, client):
    with app.app_context():
        person = make_person()
    sign_in(client, person)
    page = client.get("/account").get_data(as_text=True)
    assert 'id="data-heading"' in page and 'action="/account/delete"' in page and 'href="/account/data.json"' in page


# --- who sees food and access needs ---------------------------------------------------------------------

@pytest.fixture
def needs(app):
    """A meeting where Rut (of the Red Cross, through its invitation) and Bo have said what they need."""
    with app.app_context():
        region = make_organisation("Region Norrbotten", "public_body")
        red_cross = make_organisation("Svenska Röda Korset", contact_email="info@redcross.example")
        organiser = make_person("olle@region.example", "Olle Organisatör", organises_for=region)
        colleague = make_person("kim@redcross.example", "Kim Kollega", represents=red_cross)
        bo = make_person("bo@example.org", "Bo Öberg")
        meeting = make_meeting(make_forum(region, members=[red_cross]))
        invite_organisations(meeting, [red_cross], seats=None, by=organiser)
        invitation = meeting_invitation(meeting)
        token = invitation_token(invitation)
        answer_invitation(token, True, [Attendee(name="Rut Åström", email="rut@redcross.example",
                                                 mode=ParticipationMode.ON_SITE, dietary_needs="Glutenfri kost",
                                                 access_needs="Hörslinga")])
        make_registration(meeting, bo, dietary_needs="Vegansk", access_needs="Rullstolsplats")
        rut = db.session.scalar(select(Person).where(Person.email == "rut@redcross.example"))
        return {"meeting": meeting.id, "organiser": organiser.id, "colleague": colleague.id, "bo": bo.id,
                "rut": rut.id, "token": token,
                "rut_code": db.session.scalar(select(Registration.code).where(Registration.person_id == rut.id))}


def meeting_invitation(meeting):
    from meetings.models import Invitation

    return db.session.scalar(select(Invitation).where(Invitation.meeting_id == meeting.id))


NEEDS = ("Glutenfri kost", "Hörslinga", "Vegansk", "Rullstolsplats")


def test_the_organisers_see_everyones_needs(client, needs):
    sign_in(client, needs["organiser"])
    meeting = needs["meeting"]
    for page in (f"/meetings/{meeting}/participants", f"/meetings/{meeting}/participants.csv"):
        body = client.get(page).get_data(as_text=True)
        assert all(need in body for need in NEEDS), page
    checking_in = client.get(f"/meetings/{meeting}/check-in/{needs['rut_code']}").get_data(as_text=True)
    assert "Glutenfri kost" in checking_in and "Hörslinga" in checking_in


@pytest.mark.parametrize("who", [None, "bo", "colleague"])
def test_nobody_else_sees_anyones_needs_but_their_own(client, needs, who):
    if who:
        sign_in(client, needs[who])
    meeting = needs["meeting"]
    seen = ""
    for page in (f"/meetings/{meeting}", f"/meetings/{meeting}/participants",
                 f"/meetings/{meeting}/participants.csv", f"/meetings/{meeting}/check-in/{needs['rut_code']}",
                 f"/invitation/{needs['token']}"):
        seen += client.get(page).get_data(as_text=True)
    assert not any(need in seen for need in ("Glutenfri kost", "Hörslinga")), who  # Rut's
    if who != "bo":
        assert not any(need in seen for need in ("Vegansk", "Rullstolsplats")), who  # Bo's


def test_the_registrant_sees_their_own_needs_in_their_data(client, needs):
    sign_in(client, needs["bo"])
    registration, = client.get("/account/data.json").get_json()["registrations"]
    assert (registration["dietary_needs"], registration["access_needs"]) == ("Vegansk", "Rullstolsplats")


# --- and deleted after the meeting ------------------------------------------------------------------------

def registered_with_needs(ended_days_ago: float) -> int:
    region = make_organisation(f"Region {ended_days_ago}", "public_body")
    start = utcnow() - timedelta(days=ended_days_ago, hours=3)
    meeting = make_meeting(make_forum(region, f"Forum {ended_days_ago}"), starts_at=start, hours=3)
    person = make_person(f"person{ended_days_ago}@example.org".replace("-", "m"), "Person")
    return make_registration(meeting, person, dietary_needs="Laktosfri", access_needs="Teckentolk").id


def needs_of(registration_id: int) -> tuple[str, str]:
    registration = db.session.get(Registration, registration_id, populate_existing=True)
    return registration.dietary_needs, registration.access_needs


def test_the_job_deletes_needs_of_meetings_that_ended_more_than_the_set_days_ago(app):
    with app.app_context():
        long_ago, just_over, just_under, coming = (registered_with_needs(days) for days in (400, 30.1, 29.9, -7))
        scheduler = build_scheduler(app, blocking=False)
        job = scheduler.get_job("core.delete_old_needs")
        assert job is not None
    job.func()  # as the worker runs it, in its own application context
    with app.app_context():
        assert needs_of(long_ago) == needs_of(just_over) == ("", "")
        assert needs_of(just_under) == needs_of(coming) == ("Laktosfri", "Teckentolk")
        assert delete_old_needs() == 0  # nothing left to do: running again changes nothing


def test_the_number_of_days_is_a_setting(make_app):
    app = make_app(NEEDS_RETENTION_DAYS=3)
    with app.app_context():
        four_days, two_days = registered_with_needs(4), registered_with_needs(2)
        assert delete_old_needs() == 1
        assert needs_of(four_days) == ("", "") and needs_of(two_days) == ("Laktosfri", "Teckentolk")
    assert "It is deleted 3 days after the meeting." in app.test_client().get("/privacy", headers=ENGLISH).get_data(
        as_text=True)
