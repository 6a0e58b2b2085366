"""Where the site sends people next: only to its own pages, whatever ``next`` holds.

Each target is tried end to end through the page a person uses: the sign-in page (the target rides
in the form, the sign-in link and the database), and the language switch on every page."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from meetings.testing import submit_form, text_part
from meetings.urls import safe_next_path
from tests.test_auth import LINK

FOREIGN = [
    "/\t/evil.example",            # a browser drops the tab and reads //evil.example
    "/\n/evil.example",
    "/\r\nSet-Cookie: taken=1",    # would split the Location header
    "//evil.example/steal",
    "/\\evil.example",
    "\\\\evil.example",
    "/%2F/evil.example",           # decoded once by a proxy or a second redirect
    "/%252F%252Fevil.example",     # decoded twice
    "/%09/evil.example",
    "/%5Cevil.example",
    "／／evil.example",            # full-width slashes fold to // under NFKC
    "/\u2028/evil.example",
    "/\u200b/evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    " /forums",
    "evil.example",
    "/" + "a" * 600,
]
OWN = ["/forums", "/meetings/7/register", "/organisations?q=R%C3%B6da+Korset&page=2", "/organisations?q=a b"]


@pytest.mark.parametrize("target", FOREIGN)
def test_the_sign_in_link_never_leads_to_another_site(client, send_mail, target):
    response = submit_form(client, "/sign-in?next=" + quote(target, safe=""), {"email": "phish@example.org"},
                           action="/sign-in")
    assert response.status_code == 302
    (mail,) = [m for m in send_mail() if m["To"] == "phish@example.org"]
    url = LINK.search(text_part(mail)).group(0)
    path = url.removeprefix("http://localhost")
    followed = submit_form(client, path, action=path)
    assert followed.status_code == 302 and followed.headers["Location"] == "/"


@pytest.mark.parametrize("target", OWN)
def test_the_sign_in_link_leads_back_to_the_page_one_came_from(client, send_mail, target):
    submit_form(client, "/sign-in?next=" + quote(target, safe=""), {"email": "back@example.org"}, action="/sign-in")
    url = LINK.search(text_part(send_mail()[-1])).group(0)
    path = url.removeprefix("http://localhost")
    assert submit_form(client, path, action=path).headers["Location"] == target.replace(" ", "%20")


@pytest.mark.parametrize("target", FOREIGN)
def test_the_language_switch_never_leads_to_another_site(client, target):
    response = submit_form(client, "/", {"locale": "en", "next": target}, action="/language")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_the_language_switch_returns_to_the_page_with_its_query(client):
    response = submit_form(client, "/organisations?q=R%C3%B6da", {"locale": "en"}, action="/language")
    assert response.headers["Location"] == "/organisations?q=R%C3%B6da"


@pytest.mark.parametrize("target", [None, 5, ["/forums"], ""])
def test_a_target_that_is_not_text_goes_home(target):
    assert safe_next_path(target) == "/"
