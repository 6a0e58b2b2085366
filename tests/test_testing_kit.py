"""meetings.testing, the pytest plugin that a plugin's author (and this project) tests with."""

from __future__ import annotations

import pytest

import plugins.ical as ical
from meetings.extensions import db
from meetings.models import Person
from meetings.testing import (
    FormError,
    csrf_token,
    find_form,
    make_person,
    page_forms,
    send_form,
    sign_in,
    submit_form,
)


@pytest.mark.parametrize("environment", ["ical", "builtin,ical", "no_such_plugin"])
def test_make_app_ignores_the_plugins_of_the_environment(make_app, monkeypatch, environment):
    monkeypatch.setenv("MEETINGS_PLUGINS", environment)
    app = make_app(plugins=[ical])
    home = app.test_client().get("/").get_data(as_text=True)
    assert home.count('href="/calendar"') == 1  # the plugin under test, registered once

    assert make_app().test_client().get("/").get_data(as_text=True).count('href="/calendar"') == 1


FORM = """
<form method="post" action="/language"><button name="locale" value="en">English</button></form>
<form method="post" action="/claims" id="claim">
  <input type="hidden" name="csrf_token" value="tok">
  <input name="title" value="Resa">
  <input type="checkbox" name="travel" value="y" checked>
  <input type="checkbox" name="lunch" value="y">
  <input type="radio" name="mode" value="on_site">
  <input type="radio" name="mode" value="online" checked>
  <select name="organisation"><option value="1">Schack</option><option value="2" selected>Kanot</option></select>
  <select name="kind"><option value="bus">Buss</option><option value="car">Bil</option></select>
  <textarea name="note">
Första raden</textarea>
  <input name="locked" value="x" disabled>
  <button type="submit" name="save" value="1">Spara</button>
  <button type="submit" name="send" value="1">Skicka</button>
</form>
"""


def test_a_form_sends_what_a_browser_sends():
    language, claim = page_forms(FORM)
    assert language.action == "/language"
    assert claim.fields() == [
        ("csrf_token", "tok"), ("title", "Resa"), ("travel", "y"), ("mode", "online"), ("organisation", "2"),
        ("kind", "bus"), ("note", "Första raden"), ("save", "1"),
    ]
    assert ("send", "1") in claim.fields(button="send")
    assert ("save", "1") not in claim.fields(button="send")


def test_a_test_changes_only_what_the_form_has():
    claim = page_forms(FORM)[1]
    sent = claim.filled_in({"lunch": True, "travel": None, "kind": "car", "note": "Tåg"})
    assert ("lunch", "y") in sent and ("kind", "car") in sent and ("note", "Tåg") in sent
    assert not any(name == "travel" for name, _ in sent)

    with pytest.raises(FormError, match="no field 'amount'"):
        claim.filled_in({"amount": "120"})
    with pytest.raises(FormError, match="cannot send kind=\\['plane'\\]"):
        claim.filled_in({"kind": "plane"})
    with pytest.raises(FormError, match="no field 'locked'"):
        claim.filled_in({"locked": "y"})  # disabled fields are never sent
    with pytest.raises(FormError, match="no submit button named 'delete'"):
        claim.fields(button="delete")


def test_submit_form_posts_a_real_page_with_its_csrf_token(app):
    with app.app_context():
        person_id = make_person("rut@example.org", "Rut", locale="en").id
    client = app.test_client()
    sign_in(client, person_id)

    # Without the page's CSRF token the post is refused, so submit_form really sent it.
    assert client.post("/account", data={"name": "Rut R.", "locale": "en"}).status_code == 400
    with pytest.raises(FormError, match=r"\d forms on /account match"):
        submit_form(client, "/account", {"name": "Rut R."})
    with pytest.raises(FormError, match="no field 'email'"):
        submit_form(client, "/account", {"email": "other@example.org"}, action="/account")

    response = submit_form(client, "/account", {"name": "Rut Representant"}, action="/account")
    assert response.status_code == 302
    with app.app_context():
        person = db.session.get(Person, person_id)
        assert (person.name, person.locale) == ("Rut Representant", "en")  # the locale as the page had it


ANSWER = """
<form method="post" action="/language"><input type="hidden" name="csrf_token" value="tok">
  <button name="locale" value="en">English</button></form>
<form method="post" action="/answer#top">
  <input type="hidden" name="csrf_token" value="tok">
  <input name="name" value="">
  <button type="submit">Skicka svaret</button>
  <button type="submit" name="more-rows" value="1">Lägg till en person</button>
</form>
<form method="post"><button type="submit" name="undo" value="1">Ångra</button></form>
"""


def test_a_form_lists_its_fields_and_buttons():
    claim = page_forms(FORM)[1]
    assert claim.field_names() == ["csrf_token", "title", "travel", "lunch", "mode", "organisation", "kind", "note"]
    assert claim.buttons() == ["save", "send"]
    assert (claim.kind("travel"), claim.kind("kind"), claim.kind("note")) == ("checkbox", "select", "textarea")
    with pytest.raises(FormError, match="no field 'locked'"):
        claim.kind("locked")


def test_a_button_without_a_name_is_pressed_first_and_sends_nothing():
    answer = page_forms(ANSWER)[1]
    assert answer.buttons() == ["more-rows"]
    assert answer.fields() == [("csrf_token", "tok"), ("name", "")]
    assert ("more-rows", "1") in answer.fields(button="more-rows")


def test_find_form_chooses_by_action_id_or_button():
    assert find_form(ANSWER, "/page", action="/answer").action == "/answer#top"  # the #fragment is not compared
    assert find_form(ANSWER, "/page", action="/page").buttons() == ["undo"]  # no action: it sends to the page
    assert find_form(FORM, "/page").attributes["id"] == "claim"  # the only one besides the layout's
    assert find_form(FORM, "/page", form_id="claim").action == "/claims"
    assert find_form(ANSWER, "/page", button="undo").action == ""
    with pytest.raises(FormError, match="2 forms on /page match"):
        find_form(ANSWER, "/page")
    with pytest.raises(FormError, match="0 forms on /page match"):
        find_form(ANSWER, "/page", action="/elsewhere")


def test_a_text_area_reads_its_line_breaks_as_a_browser_does():
    (form,) = page_forms('<form><textarea name="note">\r\nRad ett\r\nRad två\rRad tre</textarea></form>')
    assert form.fields() == [("note", "Rad ett\nRad två\nRad tre")]


def test_csrf_token_reads_the_token_of_a_page():
    assert csrf_token(ANSWER) == "tok"
    with pytest.raises(FormError, match="no CSRF token"):
        csrf_token("<form><input name='q'></form>")


def test_send_form_sends_a_form_of_a_page_in_hand(app):
    with app.app_context():
        person_id = make_person("rut@example.org", "Rut", locale="en").id
    client = app.test_client()
    sign_in(client, person_id)
    page = client.get("/account").get_data(as_text=True)
    assert csrf_token(page)
    account = find_form(page, "/account", action="/account")
    with pytest.raises(FormError, match="no field 'email'"):
        send_form(client, account, {"email": "other@example.org"}, page="/account")
    assert send_form(client, account, {"name": "Rut Representant"}, page="/account").status_code == 302
    with app.app_context():
        assert db.session.get(Person, person_id).name == "Rut Representant"


def test_submit_form_sends_the_environment_given(app):
    from flask import request

    seen = []

    @app.before_request
    def note_the_address():
        seen.append((request.method, request.remote_addr))

    submit_form(app.test_client(), "/sign-in", {"email": "saga@example.org"}, action="/sign-in",
                environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert seen == [("GET", "10.0.0.7"), ("POST", "10.0.0.7")]
