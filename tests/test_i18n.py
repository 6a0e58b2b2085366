"""Languages: Swedish by default, English complete; the person's setting wins, then the switcher,
then the browser. Dates and times are shown in Europe/Stockholm, formatted for the language."""

from datetime import UTC, datetime

from flask_babel import force_locale

from meetings.extensions import db
from meetings.i18n import LANGUAGE_COOKIE, format_when
from meetings.models import Person
from meetings.testing import csrf_token, find_form, send_form, sign_in

SESSION_COOKIE = "meetings_session"


def page_language(response) -> str:
    html = response.get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def switch_language(client, locale, page="/"):
    """Press the language switcher's button for ``locale`` on ``page``, as a browser does."""
    html = client.get(page).get_data(as_text=True)
    switcher = find_form(html, page, action="/language")
    assert dict(switcher.fields())["locale"] == locale, "the page offers another language"
    return send_form(client, switcher, page=page)


def test_swedish_is_the_default(client):
    response = client.get("/")
    assert page_language(response) == "sv"
    assert "Logga in" in response.get_data(as_text=True)


def test_the_browser_language_is_used_when_nothing_was_chosen(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert page_language(response) == "en"
    assert "Sign in" in response.get_data(as_text=True)
    unsupported = client.get("/", headers={"Accept-Language": "de-DE"})
    assert page_language(unsupported) == "sv"


def test_the_switcher_beats_the_browser(client):
    response = switch_language(client, "en", "/forums")
    assert response.status_code == 302 and response.headers["Location"] == "/forums"
    assert page_language(client.get("/", headers={"Accept-Language": "sv"})) == "en"
    switch_language(client, "sv")
    assert page_language(client.get("/", headers={"Accept-Language": "en"})) == "sv"


def test_a_visitor_switches_without_a_session(client):
    # The choice is a plain cookie of its own; no session starts, so public pages stay cacheable.
    response = switch_language(client, "en", "/forums")
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith(f"{LANGUAGE_COOKIE}=en;")
    assert client.get_cookie(SESSION_COOKIE) is None
    assert page_language(client.get("/organisations", headers={"Accept-Language": "sv"})) == "en"


def test_the_switcher_rejects_unknown_languages(client):
    response = client.post("/language", data={"locale": "xx", "next": "/"})
    assert response.status_code == 400
    assert page_language(client.get("/")) == "sv"


def test_a_signed_in_persons_switch_needs_the_pages_token(client, app, people):
    # Their choice is saved in their account: another site cannot post it for them.
    sign_in(client, people["organiser"])
    assert client.post("/language", data={"locale": "en", "next": "/"}).status_code == 400
    with app.app_context():
        assert db.session.get(Person, people["organiser"]).locale is None
    assert switch_language(client, "en").status_code == 302


def test_a_signed_in_persons_setting_wins(client, app, people):
    with app.app_context():
        db.session.get(Person, people["representative"]).locale = "en"
        db.session.commit()
    sign_in(client, people["representative"])
    assert page_language(client.get("/", headers={"Accept-Language": "sv"})) == "en"


def test_switching_language_when_signed_in_saves_the_setting(client, app, people):
    sign_in(client, people["organiser"])
    switch_language(client, "en")
    with app.app_context():
        assert db.session.get(Person, people["organiser"]).locale == "en"


def test_times_are_shown_in_stockholm_time_for_the_language(app):
    # 12:00 UTC on 10 June is 14:00 in Stockholm (summer time); in January it is 13:00.
    summer_start = datetime(2027, 6, 10, 12, 0, tzinfo=UTC)
    summer_end = datetime(2027, 6, 10, 14, 30, tzinfo=UTC)
    with app.test_request_context():
        with force_locale("sv"):
            swedish = format_when(summer_start, summer_end)
        with force_locale("en_GB"):
            english = format_when(summer_start, summer_end)
            winter = format_when(datetime(2027, 1, 10, 12, 0, tzinfo=UTC))
    assert swedish == "10 juni 2027 14:00–16:30"
    assert english == "10 June 2027 14:00–16:30"
    assert "13:00" in winter


def test_account_page_saves_name_and_language(client, app, people):
    sign_in(client, people["representative"])
    page = client.get("/account").get_data(as_text=True)
    response = client.post("/account", data={"name": "Rut R.", "locale": "en", "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    with app.app_context():
        person = db.session.get(Person, people["representative"])
        assert (person.name, person.locale) == ("Rut R.", "en")
    assert page_language(client.get("/account")) == "en"


def test_account_form_keeps_what_was_typed_when_invalid(client, app, people):
    sign_in(client, people["representative"])
    page = client.get("/account").get_data(as_text=True)
    response = client.post("/account", data={"name": "x" * 201, "locale": "en", "csrf_token": csrf_token(page)})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Person, people["representative"]).name == "Rut Representant"
