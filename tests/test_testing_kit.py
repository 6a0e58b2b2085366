"""meetings.testing, the pytest plugin that a plugin's author (and this project) tests with."""

from __future__ import annotations

import pytest

import plugins.ical as ical
from meetings.extensions import db
from meetings.models import Person
from meetings.testing import FormError, make_person, page_forms, sign_in, submit_form


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
