"""Signing out ends the session everywhere it was copied; idle sessions end; "sign out everywhere"."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from meetings.auth import IDLE_LIMIT
from meetings.testing import submit_form
from tests.test_auth import ask_for_link, follow_link, link_from_mail

COOKIE = "meetings_session"


def signed_in_client(app, send_mail, address="rep@redcross.example"):
    client = app.test_client()
    ask_for_link(client, address)
    url, _ = link_from_mail(send_mail, address)
    assert follow_link(client, url).status_code == 302
    assert client.get("/account").status_code == 200
    return client


def copy_of(app, client):
    """Another browser holding a copy of ``client``'s session cookie (stolen, or a shared computer)."""
    other = app.test_client()
    other.set_cookie(COOKIE, client.get_cookie(COOKIE).value, domain="localhost")
    return other


def press(client, page, action):
    return submit_form(client, page, action=action)


def test_a_copied_session_stops_working_when_its_owner_signs_out(app, people, send_mail):
    owner = signed_in_client(app, send_mail)
    thief = copy_of(app, owner)
    assert thief.get("/account").status_code == 200  # the copy works while the session does
    assert press(owner, "/", "/sign-out").status_code == 302
    assert owner.get("/account").status_code == 302
    answer = thief.get("/account")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/sign-in")


def test_signing_in_again_after_signing_out_works(app, people, send_mail):
    owner = signed_in_client(app, send_mail)
    press(owner, "/", "/sign-out")
    again = signed_in_client(app, send_mail)
    assert again.get("/account").status_code == 200


def test_sign_out_everywhere_on_the_account_page_ends_every_session(app, people, send_mail):
    phone = signed_in_client(app, send_mail)
    laptop = signed_in_client(app, send_mail)
    page = laptop.get("/account", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "Logga ut överallt" in page
    answer = press(laptop, "/account", "/account/sign-out-everywhere")
    assert answer.status_code == 302
    assert "Du är utloggad på alla enheter" in laptop.get("/").get_data(as_text=True)
    for device in (phone, laptop):
        assert device.get("/account").status_code == 302


def test_a_session_left_idle_ends(app, people, send_mail):
    client = signed_in_client(app, send_mail)
    with client.session_transaction() as session:  # as if the browser had not been used for a while
        session["seen"] = int(time.time() - IDLE_LIMIT.total_seconds() - 60)
    assert client.get("/account").status_code == 302


def test_a_session_in_use_stays_and_no_session_outlives_two_weeks(app, people, send_mail):
    client = signed_in_client(app, send_mail)
    with client.session_transaction() as session:
        session["seen"] = int(time.time() - IDLE_LIMIT.total_seconds() + 600)
    assert client.get("/account").status_code == 200
    expires = client.get_cookie(COOKIE).expires
    assert expires is not None and expires <= datetime.now(UTC) + timedelta(days=14, minutes=1)
