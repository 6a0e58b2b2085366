"""Hearing about what matters to you: organisations choose subject areas and municipalities, and
their people get one e-mail per batch about matching new forums and public meetings.

Mail goes through a real SMTP server on loopback (``send_mail``).
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from meetings.domain.interests import queue_forum_news, queue_meeting_news, send_interest_digests
from meetings.extensions import db
from meetings.models import (
    Forum,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    OutboxMessage,
    PendingNotification,
    Person,
    SubjectArea,
)
from meetings.scheduler import build_scheduler
from meetings.testing import csrf_token, html_part, sign_in, text_part

# 12 March 2030, 12:00–14:00 UTC is 13:00–15:00 in Stockholm (winter time).
MEETING_START = datetime(2030, 3, 12, 12, 0, tzinfo=UTC)


def add_organisation(name: str, *, areas=(), municipalities=(), people=(),
                     status=OrganisationStatus.APPROVED, kind=OrganisationKind.CIVIL_SOCIETY) -> Organisation:
    """An organisation with interests and the people (address, language) who act for it."""
    organisation = Organisation(name=name, kind=kind, status=status, interest_areas=list(areas),
                                interest_municipalities=list(municipalities))
    db.session.add(organisation)
    for email, locale in people:
        person = Person(email=email, name=email.split("@")[0], locale=locale)
        db.session.add(Membership(person=person, organisation=organisation, role=MembershipRole.REPRESENTATIVE))
    return organisation


def add_meeting(forum: Forum, title: str, municipality: Municipality | None, *,
                status=MeetingStatus.PUBLISHED, starts_at: datetime = MEETING_START) -> Meeting:
    meeting = Meeting(forum=forum, title=title, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2),
                      format=MeetingFormat.ON_SITE, venue_name="Folkets hus", municipality=municipality,
                      status=status)
    db.session.add(meeting)
    return meeting


@pytest.fixture
def region(app):
    """Reference data, the organising public body and its forums (which match nothing by themselves)."""
    with app.app_context():
        areas = {code: SubjectArea(code=code, name_sv=sv, name_en=en) for code, sv, en in [
            ("friluftsliv", "Friluftsliv", "Outdoor life"), ("kultur", "Kultur", "Culture"),
            ("landsbygd", "Landsbygd", "Rural areas")]}
        places = {name: Municipality(code=code, name=name, county="Norrbottens län") for code, name in [
            ("2584", "Kiruna"), ("2580", "Luleå"), ("2521", "Pajala")]}
        body = add_organisation("Region Norrbotten", kind=OrganisationKind.PUBLIC_BODY,
                                areas=[areas["friluftsliv"]], municipalities=[places["Kiruna"]],
                                people=[("kansli@region.example", "sv")])
        partnership = Forum(slug="lanspartnerskapet", name="Länspartnerskapet", organiser=body,
                            subject_areas=[areas["landsbygd"]])
        db.session.add_all([*areas.values(), *places.values(), partnership])
        db.session.commit()
        return {"areas": {code: area.id for code, area in areas.items()},
                "places": {name: place.id for name, place in places.items()},
                "organiser": body.id, "partnership": partnership.id}


def area(region, code: str) -> SubjectArea:
    return db.session.get(SubjectArea, region["areas"][code])


def place(region, name: str) -> Municipality:
    return db.session.get(Municipality, region["places"][name])


def new_outdoor_forum(region) -> Forum:
    """A new forum in friluftsliv, held in Luleå: announced as the forum's creator will do it."""
    forum = Forum(slug="friluftsting", name="Regionala friluftstinget",
                  organiser=db.session.get(Organisation, region["organiser"]),
                  subject_areas=[area(region, "friluftsliv")], municipalities=[place(region, "Luleå")])
    db.session.add(forum)
    queue_forum_news(forum)
    db.session.commit()
    return forum


def new_meeting_in(region, municipality: str, title: str, **kwargs) -> Meeting:
    """A meeting of Länspartnerskapet (landsbygd, no municipality of its own), published now."""
    meeting = add_meeting(db.session.get(Forum, region["partnership"]), title, place(region, municipality),
                          **kwargs)
    db.session.flush()
    queue_meeting_news(meeting)
    db.session.commit()
    return meeting


def run_digests(app, now: datetime | None = None) -> int:
    with app.app_context():
        return send_interest_digests(now=now or MEETING_START - timedelta(days=30))


def test_one_email_lists_both_a_new_forum_and_a_new_meeting(app, region, send_mail):
    with app.app_context():
        add_organisation("Friluftsfrämjandet Norrbotten", areas=[area(region, "friluftsliv")],
                         municipalities=[place(region, "Kiruna")], people=[("anna@friluft.example", "en")])
        db.session.commit()
        forum = new_outdoor_forum(region)
        meeting = new_meeting_in(region, "Kiruna", "Partnerskapet i Kiruna")
        forum_slug, meeting_id = forum.slug, meeting.id

    assert run_digests(app) == 1
    mail, = send_mail()
    assert mail["To"] == "anna@friluft.example"
    assert "Friluftsfrämjandet Norrbotten" in mail["Subject"]
    body = text_part(mail)
    assert "Regionala friluftstinget" in body and "Partnerskapet i Kiruna" in body
    assert f"http://localhost/forums/{forum_slug}" in body
    assert f"http://localhost/meetings/{meeting_id}" in body
    assert "13:00" in body and "15:00" in body  # Stockholm time, not UTC
    html = html_part(mail)
    assert f'href="http://localhost/forums/{forum_slug}"' in html
    assert f'href="http://localhost/meetings/{meeting_id}"' in html


def test_organisations_without_a_matching_interest_get_nothing(app, region, send_mail):
    with app.app_context():
        add_organisation("Kulturföreningen i Pajala", areas=[area(region, "kultur")],
                         municipalities=[place(region, "Pajala")], people=[("kultur@pajala.example", "sv")])
        add_organisation("Föreningen utan önskemål", people=[("ingen@example.org", "sv")])
        db.session.commit()
        new_outdoor_forum(region)
        new_meeting_in(region, "Kiruna", "Partnerskapet i Kiruna")

    assert run_digests(app) == 0
    assert send_mail() == []


def test_the_forum_municipality_matches_too(app, region, send_mail):
    with app.app_context():
        add_organisation("Luleå hembygdsförening", municipalities=[place(region, "Luleå")],
                         people=[("hembygd@lulea.example", "sv")])
        db.session.commit()
        new_outdoor_forum(region)

    assert run_digests(app) == 1
    mail, = send_mail()
    assert "Regionala friluftstinget" in text_part(mail)


def test_unapproved_organisations_and_the_organiser_itself_get_nothing(app, region, send_mail):
    with app.app_context():
        for status in (OrganisationStatus.UNCONFIRMED, OrganisationStatus.PENDING):
            add_organisation(f"Ny förening ({status})", status=status, areas=[area(region, "friluftsliv")],
                             people=[(f"{status}@example.org", "sv")])
        db.session.commit()
        # Region Norrbotten wants news about friluftsliv and Kiruna, but it arranges both itself.
        new_outdoor_forum(region)
        new_meeting_in(region, "Kiruna", "Partnerskapet i Kiruna")

    assert run_digests(app) == 0
    assert send_mail() == []


def test_each_person_gets_the_digest_in_their_own_language(app, region, send_mail):
    with app.app_context():
        add_organisation("Friluftsfrämjandet Norrbotten", areas=[area(region, "friluftsliv")],
                         people=[("svensk@friluft.example", "sv"), ("english@friluft.example", "en")])
        db.session.commit()
        new_outdoor_forum(region)

    assert run_digests(app) == 2
    messages = {m["To"]: m for m in send_mail()}
    assert set(messages) == {"svensk@friluft.example", "english@friluft.example"}
    assert '<html lang="sv">' in html_part(messages["svensk@friluft.example"])
    assert '<html lang="en">' in html_part(messages["english@friluft.example"])
    # Subject areas are data with a name in each language.
    assert "Outdoor life" in text_part(messages["english@friluft.example"])
    assert "Friluftsliv" in text_part(messages["svensk@friluft.example"])


def test_a_second_run_sends_nothing_more(app, region, send_mail):
    with app.app_context():
        add_organisation("Friluftsfrämjandet Norrbotten", areas=[area(region, "friluftsliv")],
                         people=[("anna@friluft.example", "sv")])
        db.session.commit()
        forum = new_outdoor_forum(region)
        queue_forum_news(forum)  # announced twice: still one piece of news
        db.session.commit()

    assert run_digests(app) == 1
    assert run_digests(app) == 0
    assert len(send_mail()) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PendingNotification)) == 1


def test_news_arriving_after_a_digest_goes_in_the_next_one(app, region, send_mail):
    with app.app_context():
        add_organisation("Friluftsfrämjandet Norrbotten", areas=[area(region, "friluftsliv")],
                         municipalities=[place(region, "Kiruna")], people=[("anna@friluft.example", "sv")])
        db.session.commit()
        new_outdoor_forum(region)
    assert run_digests(app) == 1
    with app.app_context():
        new_meeting_in(region, "Kiruna", "Partnerskapet i Kiruna")
    assert run_digests(app) == 1

    first, second = send_mail()
    assert "Regionala friluftstinget" in text_part(first) and "Partnerskapet" not in text_part(first)
    assert "Partnerskapet i Kiruna" in text_part(second) and "Regionala friluftstinget" not in text_part(second)


def test_two_runs_at_once_send_each_digest_once(app, region, send_mail):
    with app.app_context():
        for number in range(12):
            add_organisation(f"Förening {number}", areas=[area(region, "friluftsliv")],
                             people=[(f"member{number}@example.org", "sv")])
        db.session.commit()
        new_outdoor_forum(region)
    together = threading.Barrier(2)
    queued: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with app.app_context():
                together.wait(timeout=30)
                queued.append(send_interest_digests())
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sum(queued) == 12
    received = sorted(m["To"] for m in send_mail())
    assert received == sorted(f"member{number}@example.org" for number in range(12))


def test_a_meeting_cancelled_before_the_digest_is_left_out(app, region, send_mail):
    with app.app_context():
        add_organisation("Kiruna byaförening", municipalities=[place(region, "Kiruna")],
                         people=[("by@kiruna.example", "sv")])
        db.session.commit()
        new_meeting_in(region, "Kiruna", "Partnerskapet i Kiruna")
        cancelled = new_meeting_in(region, "Kiruna", "Inställt möte i Kiruna",
                                   starts_at=MEETING_START + timedelta(days=7))
        cancelled.status = MeetingStatus.CANCELLED
        db.session.commit()

    assert run_digests(app) == 1
    mail, = send_mail()
    assert "Partnerskapet i Kiruna" in text_part(mail)
    assert "Inställt möte" not in text_part(mail)


def test_news_that_is_no_longer_news_sends_no_mail_and_is_not_kept(app, region, send_mail):
    with app.app_context():
        add_organisation("Kiruna byaförening", municipalities=[place(region, "Kiruna")],
                         people=[("by@kiruna.example", "sv")])
        db.session.commit()
        meeting = new_meeting_in(region, "Kiruna", "Inställt möte i Kiruna")
        meeting.status = MeetingStatus.CANCELLED
        db.session.commit()

    assert run_digests(app) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PendingNotification)
                                 .where(PendingNotification.sent_at.is_(None))) == 0
    assert send_mail() == []


def test_meetings_already_over_are_left_out(app, region, send_mail):
    with app.app_context():
        add_organisation("Kiruna byaförening", municipalities=[place(region, "Kiruna")],
                         people=[("by@kiruna.example", "sv")])
        db.session.commit()
        new_meeting_in(region, "Kiruna", "Partnerskapet i Kiruna")

    assert run_digests(app, now=MEETING_START + timedelta(days=1)) == 0
    assert send_mail() == []


def test_drafts_are_not_news(app, region):
    with app.app_context():
        add_organisation("Kiruna byaförening", municipalities=[place(region, "Kiruna")],
                         people=[("by@kiruna.example", "sv")])
        db.session.commit()
        new_meeting_in(region, "Kiruna", "Utkast", status=MeetingStatus.DRAFT)
        assert db.session.scalar(select(func.count()).select_from(PendingNotification)) == 0


def test_news_disappears_with_the_transaction_that_brought_it(app, region):
    with app.app_context():
        add_organisation("Friluftsfrämjandet Norrbotten", areas=[area(region, "friluftsliv")],
                         people=[("anna@friluft.example", "sv")])
        db.session.commit()
        forum = Forum(slug="aldrig", name="Aldrig skapat", organiser=db.session.get(Organisation, region["organiser"]),
                      subject_areas=[area(region, "friluftsliv")])
        db.session.add(forum)
        queue_forum_news(forum)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(PendingNotification)) == 0
    assert run_digests(app) == 0


def test_the_digest_job_is_scheduled(app):
    with app.app_context():
        jobs = {job.id for job in build_scheduler(app, blocking=False).get_jobs()}
    assert "core.send_interest_digests" in jobs


# The interests page


def interests_url(organisation_id: int) -> str:
    return f"/organisations/{organisation_id}/interests"


def chosen(app, organisation_id: int) -> tuple[set[str], set[str]]:
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        return ({a.code for a in organisation.interest_areas},
                {m.name for m in organisation.interest_municipalities})


def checked_values(html: str, name: str) -> set[str]:
    return {match.group(1) for tag in re.findall(r"<input[^>]*>", html)
            if f'name="{name}"' in tag and "checked" in tag
            for match in [re.search(r'value="([^"]+)"', tag)]}


def test_a_representative_chooses_and_the_choices_are_kept(client, app, region, people):
    sign_in(client, people["representative"])
    page = client.get(interests_url(people["association"]))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<legend>" in html and "Kiruna" in html and "Friluftsliv" in html
    assert checked_values(html, "subject_areas") == set()

    response = client.post(interests_url(people["association"]), data={
        "csrf_token": csrf_token(html),
        "subject_areas": [str(region["areas"]["friluftsliv"]), str(region["areas"]["kultur"])],
        "municipalities": [str(region["places"]["Kiruna"])],
    })
    assert response.status_code == 302
    assert chosen(app, people["association"]) == ({"friluftsliv", "kultur"}, {"Kiruna"})

    again = client.get(interests_url(people["association"])).get_data(as_text=True)
    assert checked_values(again, "subject_areas") == {str(region["areas"]["friluftsliv"]),
                                                      str(region["areas"]["kultur"])}
    assert checked_values(again, "municipalities") == {str(region["places"]["Kiruna"])}

    # Unticking everything means no news at all.
    client.post(interests_url(people["association"]), data={"csrf_token": csrf_token(again)})
    assert chosen(app, people["association"]) == (set(), set())


def test_the_page_says_who_gets_the_email(client, region, people):
    sign_in(client, people["representative"])
    html = client.get(interests_url(people["association"])).get_data(as_text=True)
    assert "Rut Representant" in html


def test_an_unknown_choice_is_refused_and_nothing_is_saved(client, app, region, people):
    sign_in(client, people["representative"])
    html = client.get(interests_url(people["association"])).get_data(as_text=True)
    response = client.post(interests_url(people["association"]), data={
        "csrf_token": csrf_token(html),
        "subject_areas": [str(region["areas"]["kultur"]), "999999"],
    }, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html and "Choose among the subject areas listed." in html
    # What was ticked is shown again.
    assert str(region["areas"]["kultur"]) in checked_values(html, "subject_areas")
    assert chosen(app, people["association"]) == (set(), set())


def test_another_organisations_representative_is_refused(client, app, region, people):
    sign_in(client, people["representative"])
    token = csrf_token(client.get("/").get_data(as_text=True))
    # Region Norrbotten (from the `people` fixture) is not the representative's organisation.
    assert client.get(interests_url(people["region"])).status_code == 403
    response = client.post(interests_url(people["region"]), data={
        "csrf_token": token, "subject_areas": [str(region["areas"]["kultur"])]})
    assert response.status_code == 403
    assert chosen(app, people["region"]) == (set(), set())


def test_curators_may_choose_for_any_organisation(client, app, region, people):
    sign_in(client, people["admin"])
    html = client.get(interests_url(people["association"])).get_data(as_text=True)
    client.post(interests_url(people["association"]), data={
        "csrf_token": csrf_token(html), "municipalities": [str(region["places"]["Pajala"])]})
    assert chosen(app, people["association"]) == (set(), {"Pajala"})


def test_anonymous_visitors_are_sent_to_sign_in(client, app, region, people):
    response = client.get(interests_url(people["association"]))
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    response = client.post(interests_url(people["association"]),
                           data={"csrf_token": token, "subject_areas": [str(region["areas"]["kultur"])]})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert chosen(app, people["association"]) == (set(), set())


def test_saving_needs_the_csrf_token(client, app, region, people):
    sign_in(client, people["representative"])
    response = client.post(interests_url(people["association"]),
                           data={"subject_areas": [str(region["areas"]["kultur"])]})
    assert response.status_code == 400
    assert chosen(app, people["association"]) == (set(), set())


def test_unknown_and_hidden_organisations_are_not_found(client, app, people):
    with app.app_context():
        pending = add_organisation("Ny förening", status=OrganisationStatus.PENDING)
        db.session.commit()
        pending_id = pending.id
    sign_in(client, people["representative"])
    assert client.get(interests_url(999999)).status_code == 404
    assert client.get(interests_url(pending_id)).status_code == 404


def test_the_outbox_holds_no_digest_for_an_organisation_without_people(app, region, send_mail):
    with app.app_context():
        add_organisation("Föreningen utan företrädare", areas=[area(region, "friluftsliv")])
        db.session.commit()
        new_outdoor_forum(region)
    assert run_digests(app) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert db.session.scalar(select(func.count()).select_from(PendingNotification)
                                 .where(PendingNotification.sent_at.is_(None))) == 0
