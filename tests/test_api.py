"""meetings.api, the module plugins import: documented name by name, and answering as the core does."""

from __future__ import annotations

import re
import types
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Blueprint

from meetings import api, hookimpl
from meetings.testing import (
    make_attendance,
    make_forum,
    make_meeting,
    make_organisation,
    make_person,
    make_registration,
    sign_in,
    text_part,
)

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "plugin-api.md"


def undocumented(module: types.ModuleType, reference: str) -> list[str]:
    """The names ``module`` exports that have no heading of their own in ``reference``."""
    return [name for name in module.__all__
            if not re.search(rf"^#+ `{re.escape(name)}[`(]", reference, re.M)]


def test_every_exported_name_is_documented_in_the_reference():
    assert undocumented(api, REFERENCE.read_text("utf-8")) == []


def test_the_check_catches_an_exported_name_without_documentation():
    fake = types.ModuleType("fake_api")
    fake.__all__ = ["current_person", "secret_helper"]
    reference = "# API\n\n### `current_person()`\n\nThe person. `secret_helper` is mentioned, not documented.\n"
    assert undocumented(fake, reference) == ["secret_helper"]


def test_the_reference_documents_nothing_that_is_not_exported():
    headings = re.findall(r"^#+ `([A-Za-z_]+)", REFERENCE.read_text("utf-8"), re.M)
    assert [name for name in headings if name not in api.__all__] == []


def test_the_documented_layout_blocks_and_form_macros_exist():
    reference = REFERENCE.read_text("utf-8")
    templates = ROOT / "meetings" / "templates"
    blocks = re.findall(r"^\| `(\w+)` \| ", reference.split("Blocks of `base.html`:")[1].split("\n\n")[1], re.M)
    assert blocks == ["title", "head", "content"]
    layout = (templates / "base.html").read_text("utf-8")
    assert [block for block in blocks if f"{{% block {block} %}}" not in layout] == []

    macro_table = reference.split("Macros of `_forms.html`:")[1].split("Filters and globals")[0]
    macros = re.findall(r"^\| `(\w+\(.*?\))` \| ", macro_table, re.M)
    defined = re.findall(r"\{% macro (\w+\(.*?\)) %\}", (templates / "_forms.html").read_text("utf-8"))
    assert sorted(macros) == sorted(defined)


def test_every_exported_name_exists():
    assert [name for name in api.__all__ if not hasattr(api, name)] == []


def test_the_reference_is_linked_from_the_guide_and_the_readme():
    assert "(plugin-api.md)" in (ROOT / "docs" / "writing-plugins.md").read_text("utf-8")
    assert "(docs/plugin-api.md)" in (ROOT / "README.md").read_text("utf-8")


# --- Permission questions ------------------------------------------------------------------------


@pytest.fixture
def cast(app):
    """A region that runs a forum with a meeting, an association, and people in each role."""
    with app.app_context():
        region = make_organisation("Region Norrbotten", "public_body")
        association = make_organisation("Luleå Schackklubb", contact_email="kansli@schack.example")
        other = make_organisation("Bodens Kanotförening")
        forum = make_forum(region, "Dialogforum", members=[association])
        meeting = make_meeting(forum, "Vårmöte", starts_at=datetime(2030, 3, 12, 12, tzinfo=UTC))
        people = {
            "organiser": make_person("olle@region.example", "Olle", organises_for=region),
            "representative": make_person("rut@schack.example", "Rut", represents=association),
            "contact": make_person("kansli@schack.example", "Kansliet"),
            "stranger": make_person("sam@example.org", "Sam", represents=other),
            "admin": make_person("ada@example.org", "Ada", is_admin=True),
        }
        return {"meeting": meeting.id, "forum": forum.id, "region": region.id, "association": association.id,
                **{role: person.id for role, person in people.items()}}


def test_acts_for_tells_the_roles_apart(app, cast):
    with app.app_context():
        association, region = api.get_organisation(cast["association"]), api.get_organisation(cast["region"])
        representative, organiser = api.get_person(cast["representative"]), api.get_person(cast["organiser"])
        contact, admin = api.get_person(cast["contact"]), api.get_person(cast["admin"])

        assert api.acts_for(representative, association, "representative")
        assert not api.acts_for(representative, association, "organiser")
        assert not api.acts_for(representative, association, api.CONTACT)
        assert api.acts_for(contact, association, api.CONTACT)
        assert not api.acts_for(contact, association, api.MembershipRole.REPRESENTATIVE)
        # Person.represents() is true for a membership of any role; acts_for is not.
        assert organiser.represents(region)
        assert not api.acts_for(organiser, region, "representative")
        assert api.acts_for(organiser, region, "organiser")
        assert not api.acts_for(admin, association, "representative")
        assert not api.acts_for(None, association, "representative")
        with pytest.raises(ValueError, match="unknown role 'treasurer'"):
            api.acts_for(representative, association, "treasurer")

        assert [o.name for o in api.organisations_of(contact, "contact")] == ["Luleå Schackklubb"]
        assert [o.name for o in api.organisations_of(organiser, "organiser")] == ["Region Norrbotten"]
        assert api.organisations_of(organiser, "representative") == []


def test_managing_and_organising_are_the_core_rules(app, cast):
    with app.app_context():
        meeting, region = api.get_meeting(cast["meeting"]), api.get_organisation(cast["region"])
        for role, manages in (("organiser", True), ("admin", True), ("representative", False), ("stranger", False)):
            person = api.get_person(cast[role])
            assert api.manages_meeting(person, meeting) is manages, role
            assert api.manages_forum(person, meeting.forum) is manages, role
            assert api.organises_for(person, region) is manages, role
        assert api.get_forum("dialogforum").id == api.get_forum(cast["forum"]).id == meeting.forum.id


def test_registered_attended_and_who_was_there(app, cast):
    with app.app_context():
        meeting = api.get_meeting(cast["meeting"])
        association = api.get_organisation(cast["association"])
        representative, stranger = api.get_person(cast["representative"]), api.get_person(cast["stranger"])
        registration = make_registration(meeting, representative, "online", organisation=association)
        assert api.is_registered(representative, meeting)
        assert not api.is_registered(stranger, meeting)
        assert not api.attended(representative, meeting)

        make_attendance(registration)
        make_attendance(meeting=meeting, walk_in="Vera Walk-in", organisation="Byaföreningen")

        assert api.attended(representative, meeting)
        present = api.attendance_of_meeting(meeting)
        assert [(a.name, a.mode, api.attendance_organisation(a)) for a in present] == [
            ("Rut", api.ParticipationMode.ONLINE, "Luleå Schackklubb"),
            ("Vera Walk-in", api.ParticipationMode.ON_SITE, "Byaföreningen"),
        ]
        assert [a.meeting.title for a in api.attendance_of_person(representative)] == ["Vårmöte"]
        assert api.attendance_for(meeting, representative).registration.id == registration.id
        assert [r.person.name for r in api.registrations(meeting, mode=api.ParticipationMode.ONLINE)] == ["Rut"]
        assert api.registrations(meeting, status=api.RegistrationStatus.WAITING) == []


def test_record_walk_in_is_the_check_in_pages_rule(app, cast):
    with app.app_context():
        meeting = api.get_meeting(cast["meeting"])
        association = api.get_organisation(cast["association"])
        first = api.record_walk_in(meeting, "Vera  Walk-in", association)
        again = api.record_walk_in(meeting, "vera walk-in", "Byaföreningen")  # the same name is one walk-in
        assert again.id == first.id and first.name == "Vera Walk-in"
        assert [api.attendance_organisation(a) for a in api.attendance_of_meeting(meeting)] == ["Luleå Schackklubb"]
        with pytest.raises(ValueError):
            api.record_walk_in(meeting, "   ")
        draft = make_meeting(meeting.forum, "Utkast", status="draft")
        with pytest.raises(ValueError):
            api.record_walk_in(draft, "Vera Walk-in")


def test_the_waiting_list_is_not_registered(app, cast):
    with app.app_context():
        meeting = api.get_meeting(cast["meeting"])
        meeting.capacity = 0
        api.db.session.commit()
        stranger = api.get_person(cast["stranger"])
        registration = make_registration(meeting, stranger, "on_site")
        assert registration.status == api.RegistrationStatus.WAITING
        assert not api.is_registered(stranger, meeting)
        assert api.registration_of(meeting, stranger).id == registration.id


# --- The permission decorator answers as the core's pages do ----------------------------------------


def guarded_plugin() -> types.ModuleType:
    module = types.ModuleType("guarded_plugin")
    bp = Blueprint("guarded", __name__)

    @bp.get("/meetings/<int:meeting_id>/guarded")
    @api.permission_required(api.manages_meeting)
    def manage(meeting):
        return f"managing {meeting.title}"

    @bp.get("/meetings/<int:meeting_id>/seen")
    @api.permission_required(api.may_see_meeting, hide=True)
    def seen(meeting):
        return f"seeing {meeting.title}"

    @bp.get("/forums/<slug>/guarded")
    @api.permission_required(api.manages_forum)
    def forum_page(forum):
        return f"forum {forum.name}"

    @bp.get("/organisations/<int:organisation_id>/claims")
    @api.permission_required(lambda person, organisation: api.acts_for(person, organisation, "representative"))
    def claims(organisation):
        return f"claims of {organisation.name}, for {api.current_person().name}"

    @hookimpl
    def register_blueprints(app):
        app.register_blueprint(bp)

    module.register_blueprints = register_blueprints
    return module


def test_permission_required_answers_like_the_core(make_app):
    app = make_app(plugins=[guarded_plugin()])
    with app.app_context():
        region = make_organisation("Region Norrbotten", "public_body")
        association = make_organisation("Luleå Schackklubb")
        forum = make_forum(region, "Dialogforum")
        meeting = make_meeting(forum, "Vårmöte")
        draft = make_meeting(forum, "Utkast", status="draft")
        organiser = make_person("olle@region.example", "Olle", organises_for=region)
        representative = make_person("rut@schack.example", "Rut", represents=association)
        ids = {"meeting": meeting.id, "draft": draft.id, "association": association.id}
    client = app.test_client()

    # Not signed in: sent to sign in, as the core's organiser pages do.
    response = client.get(f"/meetings/{ids['meeting']}/guarded")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    assert client.get(f"/meetings/{ids['meeting']}/seen").get_data(as_text=True) == "seeing Vårmöte"
    assert client.get(f"/meetings/{ids['draft']}/seen").status_code == 404

    sign_in(client, representative)
    assert client.get(f"/meetings/{ids['meeting']}/guarded").status_code == 403
    assert client.get("/forums/dialogforum/guarded").status_code == 403
    assert client.get(f"/meetings/{ids['draft']}/seen").status_code == 404
    assert client.get(f"/organisations/{ids['association']}/claims").get_data(as_text=True) == \
        "claims of Luleå Schackklubb, for Rut"
    assert client.get("/meetings/999999/guarded").status_code == 404

    sign_in(client, organiser)
    assert client.get(f"/meetings/{ids['meeting']}/guarded").get_data(as_text=True) == "managing Vårmöte"
    assert client.get("/forums/dialogforum/guarded").get_data(as_text=True) == "forum Dialogforum"
    assert client.get(f"/meetings/{ids['draft']}/seen").get_data(as_text=True) == "seeing Utkast"
    assert client.get(f"/organisations/{ids['association']}/claims").status_code == 403
    assert client.get("/forums/no-such-forum/guarded").status_code == 404


# --- Mail with the plugin's own templates ------------------------------------------------------------


def mailing_plugin(templates: Path) -> types.ModuleType:
    module = types.ModuleType("notes_plugin")
    bp = Blueprint("notes", __name__, template_folder=str(templates))

    @hookimpl
    def register_blueprints(app):
        app.register_blueprint(bp)

    module.register_blueprints = register_blueprints
    return module


def test_queue_mail_renders_the_plugins_own_templates_with_links_to_the_public_site(
        make_app, tmp_path, mail_server):
    folder = tmp_path / "templates" / "notes" / "mail"
    folder.mkdir(parents=True)
    (folder / "reminder.txt").write_text(
        "Notes for {{ meeting.title }}\n\nRead them at {{ public_url('meetings.detail', meeting_id=meeting.id) }}.\n"
        "{{ greeting }}\n")
    (folder / "reminder.html").write_text(
        '{% extends "mail/_layout.html" %}{% block subject %}Notes{% endblock %}'
        "{% block body %}<p>{{ greeting }}</p>{% endblock %}")
    app = make_app(plugins=[mailing_plugin(tmp_path / "templates")], BASE_URL="https://moten.example.se",
                   MAIL_SERVER=mail_server.host, MAIL_PORT=mail_server.port)
    with app.app_context():
        forum = make_forum(make_organisation("Region Norrbotten", "public_body"))
        meeting = make_meeting(forum, "Vårmöte")
        queued = api.queue_mail("notes", "reminder", "rut@example.org", "en", meeting=meeting, greeting="Hej!")
        assert queued.kind == "notes.reminder"
        api.db.session.commit()
        meeting_id = meeting.id
        from meetings.domain.mail import send_due_mail

        assert send_due_mail() == 1

    [message] = mail_server.messages_to("rut@example.org")
    assert message["Subject"] == "Notes for Vårmöte"
    assert f"Read them at https://moten.example.se/meetings/{meeting_id}." in text_part(message)
    assert "Hej!" in text_part(message)


# --- Downloads in local time, Markdown -------------------------------------------------------------


def test_table_download_gives_times_in_the_sites_time_zone(app):
    with app.test_request_context("/"):
        response = api.table_download("csv", "claims", ["Name", "Present at"],
                                      [["Rut", datetime(2030, 3, 12, 12, 0, tzinfo=UTC)]])
        assert response.headers["Content-Disposition"] == 'attachment; filename="claims.csv"'
        body = response.get_data().decode("utf-8-sig")
        assert body == "Name;Present at\r\nRut;2030-03-12 13:00\r\n"
        assert api.local_time(datetime(2030, 7, 1, 12, tzinfo=UTC)).hour == 14
        assert api.local_time(None) is None


def test_render_markdown_keeps_text_and_drops_scripts():
    html = api.render_markdown("**Viktigt** <script>alert(1)</script>")
    assert "<strong>Viktigt</strong>" in html
    assert "<script>" not in html
