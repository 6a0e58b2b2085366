"""The hooks of the organiser's meeting area, the forum, organisation and account pages, an undone
check-in, plugin settings and a plugin's own translations in its templates, each seen as a plugin
author would: through a plugin module registered in a real app."""

from __future__ import annotations

import re
import types
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import Blueprint
from flask_babel import Domain
from markupsafe import Markup
from sqlalchemy import func, select

from meetings import hookimpl
from meetings.config import ConfigError, load_config
from meetings.domain.attendance import add_walk_in, undo_check_in
from meetings.extensions import db
from meetings.models import Attendance, Meeting, MeetingFormat, MeetingStatus
from meetings.plugins import NavLink, Panel, PluginError, Setting, render_plugin_template
from meetings.testing import sign_in
from tests.test_meeting_admin import ENGLISH, add_meeting, make_forum


def plugin(name: str, **hooks) -> types.ModuleType:
    module = types.ModuleType(name)
    for hook_name, function in hooks.items():
        setattr(module, hook_name, hookimpl(function))
    return module


def extras_plugin() -> types.ModuleType:
    def meeting_admin_links(meeting, person):
        return [NavLink(f"/extras/{meeting.id}/last", "Extras last"),
                NavLink(f"/extras/{meeting.id}/claims", "Extras claims", order=55)]

    def forum_panels(forum, person):
        return [Panel("Extras on the forum", Markup(f'<p class="extras">Forum {forum.slug}</p>'))]

    def organisation_panels(organisation, person):
        return [Panel("Extras on the organisation", Markup(f'<p class="extras">Organisation {organisation.id}</p>'))]

    def account_panels(person):
        return [Panel("Extras on the account", Markup(f'<p class="extras">Account of {person.email}</p>'))]

    return plugin("extras", meeting_admin_links=meeting_admin_links, forum_panels=forum_panels,
                  organisation_panels=organisation_panels, account_panels=account_panels)


@pytest.fixture
def app(make_app):
    return make_app(plugins=[extras_plugin()])


@pytest.fixture
def forum(app, people):
    return make_forum(app, people)


def page(client, url: str, person_id: int | None = None) -> str:
    with client.session_transaction() as session:
        session.clear()
    if person_id is not None:
        sign_in(client, person_id)
    response = client.get(url, headers=ENGLISH)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


# --- The organiser's meeting area ---------------------------------------------------------------------


def test_a_plugins_organiser_links_sit_among_the_cores_in_order(client, app, forum):
    meeting_id = add_meeting(app, forum["forum"])
    expected = ["edit", "agenda", "invitations", "programme", "check-in", "extras/{id}/claims", "participants",
                "sign-in-sheet", "extras/{id}/last"]

    def positions(html: str) -> list[int]:
        found = []
        for path in expected:
            href = "/extras/" + path.split("/", 1)[1].format(id=meeting_id) if path.startswith("extras") \
                else f"/meetings/{meeting_id}/{path}"
            assert f'href="{href}"' in html, href
            found.append(html.index(f'href="{href}"'))
        return found

    meeting_page = page(client, f"/meetings/{meeting_id}", forum["organiser"])
    assert positions(meeting_page) == sorted(positions(meeting_page))
    check_in = page(client, f"/meetings/{meeting_id}/check-in", forum["organiser"])
    assert positions(check_in) == sorted(positions(check_in))
    assert f'<a href="/meetings/{meeting_id}/check-in" aria-current="page">' in check_in
    assert f'<a href="/extras/{meeting_id}/claims">Extras claims</a>' in check_in

    for person_id in (None, forum["representative"]):
        assert "/extras/" not in page(client, f"/meetings/{meeting_id}", person_id)


def test_a_cancelled_meeting_offers_no_editing_but_keeps_the_other_organiser_pages(client, app, forum):
    meeting_id = add_meeting(app, forum["forum"], status=MeetingStatus.CANCELLED)
    html = page(client, f"/meetings/{meeting_id}/participants", forum["organiser"])
    assert f'href="/meetings/{meeting_id}/edit"' not in html
    assert f'href="/meetings/{meeting_id}/sign-in-sheet"' in html and f'href="/extras/{meeting_id}/claims"' in html


# --- Panels on the forum, organisation and account pages ------------------------------------------------


def test_panels_on_the_forum_organisation_and_account_pages(client, app, forum):
    forum_page = page(client, f"/forums/{forum['slug']}")
    # (The calendar plugin's panel with the forum's feed comes first.)
    assert re.search(r'<h2 id="panel-\d+">Extras on the forum</h2>', forum_page)
    assert f'<p class="extras">Forum {forum["slug"]}</p>' in forum_page

    organisation_page = page(client, f"/organisations/{forum['region']}")
    assert '<h2 id="panel-1">Extras on the organisation</h2>' in organisation_page
    assert f'<p class="extras">Organisation {forum["region"]}</p>' in organisation_page

    account = page(client, "/account", forum["representative"])
    # (The compensation plugin's panel on a representative's account may come first.)
    assert re.search(r'<h2 id="panel-\d+">Extras on the account</h2>', account)
    assert '<p class="extras">Account of rep@redcross.example</p>' in account


# --- attendance_removed -------------------------------------------------------------------------------


class Listener:
    def __init__(self):
        self.heard: list[tuple[str, str, int]] = []

    @hookimpl
    def attendance_removed(self, attendance):
        rows = db.session.scalar(select(func.count(Attendance.id)).where(Attendance.id == attendance.id))
        self.heard.append((attendance.name, attendance.meeting.title, rows))
        if attendance.name == "Kvar Kvist":
            raise RuntimeError("this plugin keeps Kvar Kvist")


def test_undoing_a_check_in_tells_plugins_before_the_row_goes_and_a_refusal_keeps_it(make_app, people):
    listener = Listener()
    app = make_app(plugins=[listener])
    forum = make_forum(app, people)
    meeting_id = add_meeting(app, forum["forum"], starts_in=timedelta(minutes=-30), format=MeetingFormat.ON_SITE)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        gone = add_walk_in(meeting, "Gunnar Gäst").attendance
        kept = add_walk_in(meeting, "Kvar Kvist").attendance
        undo_check_in(gone)
        with pytest.raises(RuntimeError, match="keeps Kvar Kvist"):
            undo_check_in(kept)
        left = db.session.scalars(select(Attendance.name).where(Attendance.meeting_id == meeting_id)).all()
    assert listener.heard == [("Gunnar Gäst", "Dialogmöte i Luleå", 1), ("Kvar Kvist", "Dialogmöte i Luleå", 1)]
    assert left == ["Kvar Kvist"]


# --- Plugin settings ----------------------------------------------------------------------------------


def settings_plugin(*settings: Setting, name: str = "extras") -> types.ModuleType:
    return plugin(name, plugin_settings=lambda: list(settings))


EXTRAS_SETTINGS = (
    Setting("EXTRAS_GREETING", str, "Hej", "what the plugin says"),
    Setting("EXTRAS_TIMES", int, 3, "how often it says it"),
    Setting("EXTRAS_LOUD", bool, False, "whether it shouts"),
    Setting("EXTRAS_STYLE", default="plain", help="how it looks", choices=("plain", "fancy")),
    Setting("EXTRAS_SIGNATURE", help="unset unless given"),
)


def test_plugin_settings_have_their_defaults_and_are_read_from_the_environment(make_app, monkeypatch):
    app = make_app(plugins=[settings_plugin(*EXTRAS_SETTINGS)])
    assert {name: app.config[name] for name in ("EXTRAS_GREETING", "EXTRAS_TIMES", "EXTRAS_LOUD", "EXTRAS_STYLE",
                                                "EXTRAS_SIGNATURE")} == {
        "EXTRAS_GREETING": "Hej", "EXTRAS_TIMES": 3, "EXTRAS_LOUD": False, "EXTRAS_STYLE": "plain",
        "EXTRAS_SIGNATURE": None}

    monkeypatch.setenv("EXTRAS_GREETING", "Tjena")
    monkeypatch.setenv("EXTRAS_TIMES", "7")
    monkeypatch.setenv("EXTRAS_LOUD", "yes")
    monkeypatch.setenv("EXTRAS_STYLE", "fancy")
    app = make_app(plugins=[settings_plugin(*EXTRAS_SETTINGS)], EXTRAS_TIMES=9)
    assert (app.config["EXTRAS_GREETING"], app.config["EXTRAS_TIMES"], app.config["EXTRAS_LOUD"],
            app.config["EXTRAS_STYLE"]) == ("Tjena", 9, True, "fancy")


@pytest.mark.parametrize(("name", "value", "message"), [
    ("EXTRAS_TIMES", "many", "Configuration error in EXTRAS_TIMES: expected a whole number, got 'many'"),
    ("EXTRAS_LOUD", "loudly", "Configuration error in EXTRAS_LOUD: expected true or false, got 'loudly'"),
    ("EXTRAS_STYLE", "odd", "Configuration error in EXTRAS_STYLE: expected one of plain, fancy, got 'odd'"),
])
def test_a_plugin_setting_the_app_cannot_use_stops_start_up_like_the_cores(make_app, monkeypatch, name, value,
                                                                           message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        make_app(plugins=[settings_plugin(*EXTRAS_SETTINGS)])
    assert str(raised.value) == message
    assert raised.value.setting == name


@pytest.mark.parametrize(("setting", "problem"), [
    (Setting("GREETING"), "declares the setting 'GREETING'; the names of its settings must start with EXTRAS_"),
    (Setting("MAIL_SERVER"), "the names of its settings must start with EXTRAS_"),
    (Setting("EXTRAS_RATIO", float), "declares the setting 'EXTRAS_RATIO' with the type"),
    (Setting("EXTRAS_COUNT", int, choices=("1", "2")), "with choices, which only a str setting may have"),
])
def test_a_badly_declared_setting_stops_start_up_naming_the_plugin(make_app, setting, problem):
    with pytest.raises(PluginError) as raised:
        make_app(plugins=[settings_plugin(setting)])
    assert raised.value.plugin == "extras"
    assert problem in str(raised.value)


def test_the_plugins_command_lists_the_settings_with_their_values(make_app, monkeypatch):
    monkeypatch.setenv("EXTRAS_TIMES", "5")
    app = make_app(plugins=[settings_plugin(*EXTRAS_SETTINGS)])
    result = app.test_cli_runner().invoke(args=["meetings", "plugins", "--settings"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "EXTRAS_TIMES (extras, int, default 3): 5" in lines
    assert "    how often it says it" in lines
    assert "EXTRAS_STYLE (extras, plain|fancy, default 'plain'): 'plain'" in lines

    bare = make_app(plugins=[], MEETINGS_PLUGINS=())
    bare = bare.test_cli_runner().invoke(args=["meetings", "plugins", "--settings"])
    assert bare.output == "No enabled plugin has settings.\n"


# --- A plugin's own translations in its templates ------------------------------------------------------


def translated_plugin(root: Path) -> types.ModuleType:
    """A plugin with its own Babel domain and Swedish catalogue, a meeting panel and a page of its own."""
    catalogue = Catalog(locale="sv", domain="claims")
    catalogue.add("Claims for %(title)s", "Ersättningar för %(title)s")
    catalogue.add("Your claims", "Dina ersättningar")
    catalogue.add(("%(num)d claim", "%(num)d claims"), ("%(num)d ersättning", "%(num)d ersättningar"))
    (root / "translations" / "sv" / "LC_MESSAGES").mkdir(parents=True)
    with (root / "translations" / "sv" / "LC_MESSAGES" / "claims.mo").open("wb") as mo_file:
        write_mo(mo_file, catalogue)
    (root / "templates" / "claims").mkdir(parents=True)
    (root / "templates" / "claims" / "panel.html").write_text(
        '<p class="claims">{{ _("Claims for %(title)s", title=meeting.title) }}</p>\n'
        '<p class="count">{{ ngettext("%(num)d claim", "%(num)d claims", 3) }}</p>\n', encoding="utf-8")
    (root / "templates" / "claims" / "page.html").write_text(
        '{% extends "base.html" %}{% block title %}{{ _("Your claims") }}{% endblock %}\n'
        '{% block content %}<h1>{{ _("Your claims") }}</h1>{% endblock %}\n', encoding="utf-8")
    (root / "templates" / "claims" / "area.html").write_text(
        '{% extends "base.html" %}{% block title %}{{ _("Your claims") }}{% endblock %}\n'
        '{% block content %}{% include "_meeting_admin_nav.html" %}<h1>{{ _("Your claims") }}</h1>{% endblock %}\n',
        encoding="utf-8")
    domain = Domain(translation_directories=str(root / "translations"), domain="claims")
    bp = Blueprint("claims", "claims", root_path=str(root), template_folder="templates")
    bp.add_url_rule("/claims", "page", lambda: render_plugin_template(domain, "claims/page.html"))
    bp.add_url_rule("/claims/<int:meeting_id>", "area", lambda meeting_id: render_plugin_template(
        domain, "claims/area.html", meeting=db.session.get(Meeting, meeting_id)))

    def meeting_panels(meeting, person):
        return [Panel("Claims", render_plugin_template(domain, "claims/panel.html", meeting=meeting))]

    def meeting_admin_links(meeting, person):
        return [NavLink(f"/claims/{meeting.id}", domain.gettext("Your claims"), order=65)]

    return plugin("claims", register_blueprints=lambda app: app.register_blueprint(bp),
                  meeting_panels=meeting_panels, meeting_admin_links=meeting_admin_links)


def test_a_plugins_templates_translate_through_its_own_domain_on_the_cores_pages_and_its_own(
        make_app, people, tmp_path):
    app = make_app(plugins=[translated_plugin(tmp_path)])
    forum = make_forum(app, people)
    meeting_id = add_meeting(app, forum["forum"], title="Vår & höst <möte>")
    client = app.test_client()
    swedish = {"Accept-Language": "sv"}

    meeting_page = client.get(f"/meetings/{meeting_id}", headers=swedish).get_data(as_text=True)
    assert '<p class="claims">Ersättningar för Vår &amp; höst &lt;möte&gt;</p>' in meeting_page
    assert '<p class="count">3 ersättningar</p>' in meeting_page
    assert "Hoppa till innehållet" in meeting_page  # the core's words stay the core's

    own_page = client.get("/claims", headers=swedish).get_data(as_text=True)
    assert "<h1>Dina ersättningar</h1>" in own_page
    assert "Hoppa till innehållet" in own_page  # base.html, through the core's catalogue

    english = client.get("/claims", headers=ENGLISH).get_data(as_text=True)
    assert "<h1>Your claims</h1>" in english and "Skip to content" in english


def test_plugin_names_given_in_the_setting_follow_the_rule(tmp_path):
    # Read as the app reads the environment (make_app ignores the environment's MEETINGS_PLUGINS).
    with pytest.raises(ConfigError, match=r"MEETINGS_PLUGINS: 'Hello-World' is not a plugin name \(lower-case"):
        load_config(tmp_path, environ={"MEETINGS_PLUGINS": "builtin,Hello-World"})



def test_a_plugins_page_in_the_organiser_area_shows_the_areas_links(make_app, people, tmp_path):
    app = make_app(plugins=[translated_plugin(tmp_path)])
    forum = make_forum(app, people)
    meeting_id = add_meeting(app, forum["forum"])
    client = app.test_client()
    sign_in(client, forum["organiser"])

    html = client.get(f"/claims/{meeting_id}", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert '<nav class="manager-links no-print" aria-label="Hantera mötet">' in html
    assert f'<a href="/claims/{meeting_id}" aria-current="page">Dina ersättningar</a>' in html
    assert html.index(f'href="/meetings/{meeting_id}/participants"') < html.index(f'href="/claims/{meeting_id}"') \
        < html.index(f'href="/meetings/{meeting_id}/sign-in-sheet"')
