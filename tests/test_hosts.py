"""No request can put its own host into a link: every absolute link in an e-mail, feed or export is
built from BASE_URL, and a request for a host the site does not answer to is refused before any view.

The requests below are the site's e-mailing requests, each made through its page with the fields the
page's form posts; the mails go through a real SMTP server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from meetings.extensions import db
from meetings.models import (
    Forum,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    OutboxMessage,
    Person,
    SubjectArea,
)
from meetings.testing import html_part, submit_form, text_part
from tests.test_registration import make_meeting

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = "http://moten.example.se"
URL = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""")


@pytest.fixture
def app(make_app):
    """The public address is moten.example.se; a proxy also passes the internal name internal.lan."""
    return make_app(BASE_URL=PUBLIC, EXTRA_HOSTS=("internal.lan",))


@pytest.fixture
def world(app):
    with app.app_context():
        region = Organisation(name="Region Norrbotten", kind=OrganisationKind.PUBLIC_BODY)
        association = Organisation(name="Svenska Röda Korset", kind=OrganisationKind.CIVIL_SOCIETY)
        pending = Organisation(name="Byalaget", kind=OrganisationKind.CIVIL_SOCIETY,
                               status=OrganisationStatus.PENDING)
        admin = Person(email="admin@example.org", name="Ada Admin", is_admin=True)
        organiser = Person(email="officer@region.example", name="Olle Organisatör")
        representative = Person(email="rep@redcross.example", name="Rut Representant")
        applicant = Person(email="by@byalaget.example", name="Bo By")
        forum = Forum(slug="rad", name="Rådet", organiser=region, membership_open=True)
        place = Municipality(code="2580", name="Luleå", county="Norrbottens län")
        area = SubjectArea(code="folkhalsa", name_sv="Folkhälsa", name_en="Public health")
        db.session.add_all([region, association, pending, admin, organiser, representative, applicant, forum,
                            place, area])
        db.session.flush()
        db.session.add_all([
            Membership(person=organiser, organisation=region, role=MembershipRole.ORGANISER),
            Membership(person=representative, organisation=association, role=MembershipRole.REPRESENTATIVE),
            Membership(person=applicant, organisation=pending, role=MembershipRole.REPRESENTATIVE),
        ])
        db.session.commit()
        return {"admin": admin.id, "organiser": organiser.id, "representative": representative.id,
                "association": association.id, "pending": pending.id, "place": place.id, "area": area.id}


def submit(client, host: str, page: str, action: str | None = None, **typed):
    """Open ``page`` and submit its form (the one posting to ``action``) as a browser on ``host`` would."""
    return submit_form(client, page, typed, action=action or page, headers={"Host": host})


def e_mailing_requests(app, client, world, host: str) -> list[tuple[str, int]]:
    """Every kind of request that sends mail, made on ``host``; returns (what, status) of each."""
    done = []

    def as_person(key):
        with client.session_transaction(base_url=f"http://{host}") as session:
            session["person_id"] = world[key]

    done.append(("sign-in link", submit(client, host, "/sign-in", email="admin@example.org").status_code))
    done.append(("organisation registration", submit(
        client, host, "/organisations/new", name="Norrskensföreningen", contact_email="admin@example.org",
        registrant_name="Angripare", description="", level="local", subject_areas=[world["area"]],
        municipalities=[world["place"]]).status_code))
    as_person("representative")
    done.append(("representative added", submit(
        client, host, f"/organisations/{world['association']}/representatives",
        f"/organisations/{world['association']}/representatives",
        email="colleague@redcross.example", name="Kim Kollega").status_code))
    done.append(("forum join request", submit(client, host, "/forums/rad", "/forums/rad/join").status_code))
    meeting_id = make_meeting(app)
    done.append(("registration", submit(client, host, f"/meetings/{meeting_id}/register").status_code))
    as_person("admin")
    done.append(("organisation approved", submit(
        client, host, "/admin/organisations", f"/admin/organisations/{world['pending']}/approve").status_code))
    return done


def test_a_host_the_site_does_not_answer_to_is_refused_and_sends_nothing(app, world, mail_server, send_mail):
    client = app.test_client()
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.post("/sign-in", data={"email": "admin@example.org"},
                       headers={"Host": "evil.example"}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert send_mail() == []
    for host in ("moten.example.se", "internal.lan", "MOTEN.example.se:443"):
        assert client.get("/", headers={"Host": host}).status_code == 200


def test_in_production_only_the_public_host_is_answered(make_app):
    app = make_app(MEETINGS_ENV="production", SECRET_KEY="a-long-production-secret-key",
                   BASE_URL="https://moten.example.se")
    client = app.test_client()
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400
    assert client.get("/", base_url="https://moten.example.se").status_code == 200


def test_every_link_in_every_mail_points_at_base_url_whatever_host_the_request_named(
        app, world, send_mail):
    client = app.test_client()
    for what, status in e_mailing_requests(app, client, world, "internal.lan"):
        assert status == 302, f"{what}: {status}"  # done, and on to the next page
    received = send_mail()
    kinds = {message["Subject"] for message in received}
    assert len(received) == 6, kinds
    links = []
    for message in received:
        for body in (text_part(message), html_part(message)):
            links += URL.findall(body)
    site_links = [link for link in links if "example.se" in link or "internal.lan" in link or "localhost" in link]
    assert site_links, "the mails hold links to the site"
    assert all(link.startswith(PUBLIC + "/") or link == PUBLIC for link in site_links), \
        [link for link in site_links if not link.startswith(PUBLIC)]
    assert not any("internal.lan" in link for link in links)


def test_the_register_export_links_to_base_url(app, world):
    client = app.test_client()
    csv = client.get("/organisations/export.csv", headers={"Host": "internal.lan"}).get_data(as_text=True)
    assert f"{PUBLIC}/organisations/{world['association']}" in csv and "internal.lan" not in csv


def test_no_template_or_module_builds_links_from_the_request():
    """``url_for(..., _external=True)`` takes the request's host; ``public_url`` is the one helper."""
    offenders = []
    for folder in ("meetings", "plugins"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".html", ".txt", ".ics") and path.is_file():
                text = path.read_text(encoding="utf-8")
                if re.search(r"\b_external\s*=", text) or re.search(r"url_for\([^)]*\b_scheme\s*=", text):
                    offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_calendar_feeds_link_to_base_url(app, world):
    make_meeting(app)
    client = app.test_client()
    feed = client.get("/calendar/meetings.ics", headers={"Host": "internal.lan"}).get_data(as_text=True)
    feed = feed.replace("\r\n ", "")  # unfold long lines
    urls = [url for url in URL.findall(feed) if url.startswith("http")]
    assert urls and all(url.startswith(PUBLIC + "/") for url in urls), urls
    assert "internal.lan" not in feed
