"""Signing in with a one-time link sent by e-mail, through a real SMTP server."""

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from meetings.domain.auth import SignInError, check_token, hash_token
from meetings.extensions import db
from meetings.models import Person, SignInToken, utcnow
from meetings.testing import csrf_token, sign_in, text_part

LINK = re.compile(r"http://localhost/sign-in/([A-Za-z0-9_\-]+)")


def ask_for_link(client, email, next_path=""):
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    return client.post("/sign-in", data={"email": email, "next": next_path, "csrf_token": token})


def link_from_mail(send_mail, address):
    messages = [m for m in send_mail() if m["To"] == address]
    assert messages, f"no mail to {address}"
    match = LINK.search(text_part(messages[-1]))
    assert match, "the mail holds no sign-in link"
    return match.group(0), match.group(1)


def follow_link(client, url):
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True))})


def test_a_new_person_signs_in_with_the_link_from_the_mail(client, app, send_mail):
    response = ask_for_link(client, "  Ny.Person@Example.org ", next_path="/forums")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in/sent"

    url, _ = link_from_mail(send_mail, "ny.person@example.org")
    # Opening the link only shows a button: mail scanners that follow links do not use it up.
    page = client.get(url)
    assert "ny.person@example.org" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Person).where(Person.email == "ny.person@example.org")) is None

    response = follow_link(client, url)
    assert response.status_code == 302 and response.headers["Location"] == "/forums"
    home = client.get("/").get_data(as_text=True)
    assert "Sign out" in home or "Logga ut" in home
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.email == "ny.person@example.org"))
        assert person is not None and person.last_sign_in_at is not None


def test_only_a_hash_of_the_token_is_stored(client, app, send_mail):
    ask_for_link(client, "someone@example.org")
    _, token = link_from_mail(send_mail, "someone@example.org")
    with app.app_context():
        stored = db.session.scalar(select(SignInToken))
        assert stored.token_hash == hash_token(token)
        assert token not in stored.token_hash


def test_a_link_works_only_once(client, send_mail):
    ask_for_link(client, "once@example.org")
    url, _ = link_from_mail(send_mail, "once@example.org")
    assert follow_link(client, url).status_code == 302
    client.post("/sign-out", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})

    again = client.get(url)
    assert again.status_code == 410
    text = again.get_data(as_text=True)
    assert "already been used" in text or "redan använts" in text
    assert 'action="/sign-in"' in text  # a way to ask for a new link


def test_an_expired_link_is_refused_with_a_way_to_get_a_new_one(client, app, send_mail):
    ask_for_link(client, "late@example.org")
    url, token = link_from_mail(send_mail, "late@example.org")
    with app.app_context():
        stored = db.session.scalar(select(SignInToken).where(SignInToken.token_hash == hash_token(token)))
        stored.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    response = client.get(url)
    assert response.status_code == 410
    text = response.get_data(as_text=True)
    assert "expired" in text or "gått ut" in text
    assert 'action="/sign-in"' in text


def test_links_last_fifteen_minutes(client, app, send_mail):
    ask_for_link(client, "timer@example.org")
    _, token = link_from_mail(send_mail, "timer@example.org")
    with app.app_context():
        issued = db.session.scalar(select(SignInToken)).created_at
        assert check_token(token, now=issued + timedelta(minutes=14, seconds=59))
        with pytest.raises(SignInError):
            check_token(token, now=issued + timedelta(minutes=15))


def test_an_unknown_link_is_refused(client):
    response = client.get("/sign-in/this-is-not-a-real-token-at-all")
    assert response.status_code == 404
    assert 'action="/sign-in"' in response.get_data(as_text=True)
    token = csrf_token(response.get_data(as_text=True))
    assert client.post("/sign-in/this-is-not-a-real-token-at-all", data={"csrf_token": token}).status_code == 404


def test_the_form_answers_the_same_for_known_and_unknown_addresses(client, people, send_mail):
    known = ask_for_link(client, "admin@example.org")
    unknown = ask_for_link(client, "nobody-here@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert len(send_mail()) == 2  # both get a link; only following it creates an account


def test_a_bad_address_is_shown_again_with_the_error_beside_the_field(client):
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    response = client.post("/sign-in", data={"email": "not-an-address", "csrf_token": token})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="not-an-address"' in html
    assert 'aria-invalid="true"' in html and 'id="email-error"' in html


def test_links_never_send_people_to_another_site(client, send_mail):
    ask_for_link(client, "phish@example.org", next_path="//evil.example/steal")
    url, _ = link_from_mail(send_mail, "phish@example.org")
    assert follow_link(client, url).headers["Location"] == "/"


def test_forms_without_a_csrf_token_are_refused(client, people):
    assert client.post("/sign-in", data={"email": "x@example.org"}).status_code == 400
    sign_in(client, people["admin"])
    assert client.post("/sign-out").status_code == 400
    assert client.get("/account").status_code == 200  # still signed in


def test_sign_out_ends_the_session(client, people):
    sign_in(client, people["admin"])
    assert client.get("/account").status_code == 200
    token = csrf_token(client.get("/").get_data(as_text=True))
    client.post("/sign-out", data={"csrf_token": token})
    response = client.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_session_cookie_is_http_only_and_same_site(client, people, send_mail):
    ask_for_link(client, "cookie@example.org")
    url, _ = link_from_mail(send_mail, "cookie@example.org")
    response = follow_link(client, url)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookies_when_the_site_runs_on_https(make_app):
    app = make_app(BASE_URL="https://moten.example.se")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_requests_for_links_are_rate_limited(client):
    statuses = [ask_for_link(client, f"flood{i}@example.org").status_code for i in range(12)]
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429
    page = ask_for_link(client, "one-more@example.org")
    assert page.status_code == 429
    assert "Too many attempts" in page.get_data(as_text=True) or "För många" in page.get_data(as_text=True)


def test_one_address_cannot_be_flooded_from_many_machines(client):
    statuses = []
    for i in range(6):
        token = csrf_token(client.get("/sign-in").get_data(as_text=True))
        statuses.append(client.post("/sign-in", data={"email": "victim@example.org", "csrf_token": token},
                                    environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code)
    assert statuses == [302] * 5 + [429]


def test_tokens_never_reach_the_logs(client, send_mail, caplog):
    ask_for_link(client, "logged@example.org")
    url, token = link_from_mail(send_mail, "logged@example.org")
    logger = logging.getLogger("werkzeug")
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logger.info('127.0.0.1 - - "%s %s HTTP/1.1" 200 -', "GET", url.replace("http://localhost", ""))
    assert caplog.records
    assert token not in caplog.text
    assert "/sign-in/[redacted]" in caplog.text


def test_tokens_are_cut_from_records_of_any_logger(app, caplog):
    token = "A" * 43
    with caplog.at_level(logging.INFO):
        app.logger.error("Exception on /sign-in/%s [POST]", token)
        logging.getLogger("some.library").warning("GET /invitation/%s", token)
    assert len(caplog.records) == 2
    assert token not in caplog.text
    assert "/sign-in/[redacted]" in caplog.text and "/invitation/[redacted]" in caplog.text


@pytest.mark.parametrize("role", ["admin", "organiser", "representative"])
def test_roles_are_recognised(app, people, role):
    with app.app_context():
        person = db.session.get(Person, people[role])
        assert person.is_admin == (role == "admin")
        assert person.is_organiser == (role in ("admin", "organiser"))
        assert person.is_representative == (role == "representative")


def test_create_admin_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["meetings", "create-admin", "Chef@Example.org"])
    assert result.exit_code == 0, result.output
    assert "chef@example.org" in result.output
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.email == "chef@example.org"))
        assert person.is_admin
    bad = runner.invoke(args=["meetings", "create-admin", "not-an-address"])
    assert bad.exit_code != 0
    assert "EMAIL" in bad.output
