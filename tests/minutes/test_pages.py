"""The organiser's pages: minutes from the agenda and attendance, editing, Markdown, the version check
and who may see and edit what."""

from __future__ import annotations

import re

from meetings.testing import sign_in, submit_form

from . import flows


def test_minutes_start_from_the_agenda_and_the_recorded_attendance(app, client, world):
    flows.start(client, world)
    page = client.get(flows.manage_url(world)).get_data(as_text=True)
    assert "§ 1 Mötets öppnande" in page
    assert "§ 3 Handlingsplan" in page
    with app.app_context():
        present = {(a.name, a.organisation_name, a.mode) for a in flows.protocol(world).attendees}
    assert present == {("Anna Andersson", "Svenska Röda Korset", "on_site"),
                       ("Bo Berg", "RF-SISU Norrbotten", "online"),
                       ("Karin Ordförande", "Region Norrbotten", "on_site")}


def test_the_present_list_can_be_corrected(app, client, world):
    flows.start(client, world)
    with app.app_context():
        bo = next(a.id for a in flows.protocol(world).attendees if a.name == "Bo Berg")
    response = submit_form(client, flows.manage_url(world) + "/present",
                           {f"mode-{bo}": "absent", "name-new": "Sara Sameby", "organisation-new": "Sirges sameby",
                            "mode-new": "online"})
    assert response.status_code == 302
    shown = client.get(f"/minutes/{_protocol_id(app, world)}", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "Sara Sameby, Sirges sameby (online)" in shown
    assert "<h3>Absent</h3>\n  <ul><li>Bo Berg, RF-SISU Norrbotten</li></ul>" in shown


def test_chair_and_justerare_must_be_different_people(app, client, world):
    flows.start(client, world)
    response = submit_form(client, flows.manage_url(world) + "/details",
                           {"chair": str(world["chair"]), "adjuster1": str(world["chair"])},
                           headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    # beside the field, and in the summary at the top
    assert '<p class="error" id="adjuster1-error">The chair and the justerare must be different people.</p>' in page
    assert page.count("The chair and the justerare must be different people.") == 2


def test_markdown_in_a_discussion_cannot_inject_script_or_style(app, client, world):
    flows.start(client, world)
    paragraph = _paragraph_ids(app, world)[1]
    response = flows.edit_paragraph(client, world, paragraph, case_number="00677-2020",
                                    discussion="**Inspel** från civilsamhället<script>alert('x')</script>"
                                               "<style>body{display:none}</style>"
                                               "[länk](javascript:alert(1)) <img src=x onerror=alert(1)>",
                                    decision="Överenskommelsen antas.")
    assert response.status_code == 302
    page = client.get(f"/minutes/{_protocol_id(app, world)}").get_data(as_text=True)
    assert "<strong>Inspel</strong>" in page
    assert "Dnr 00677-2020" in page
    assert "alert" not in page.split("<main", 1)[1]
    assert "<style>body" not in page and "onerror" not in page and "javascript:" not in page


def test_two_editors_never_silently_overwrite_each_other(app, client, world):
    flows.start(client, world)
    paragraph = _paragraph_ids(app, world)[1]
    page_url = f"{flows.manage_url(world)}/paragraphs/{paragraph}"
    from meetings.testing import page_forms

    opened = client.get(page_url).get_data(as_text=True)
    stale = dict(next(f for f in page_forms(opened) if f.action in (None, "", page_url)).fields())
    assert flows.edit_paragraph(client, world, paragraph, discussion="Karins version").status_code == 302

    stale.update(discussion="Min egen text som inte får försvinna")
    response = client.post(page_url, data=stale, headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else saved these minutes after you opened them" in page
    assert "Min egen text som inte får försvinna" in page   # what this editor typed is still in the form
    assert "Karins version" in page                          # and the saved version beside it
    with app.app_context():
        assert flows.protocol(world).paragraphs[1].discussion == "Karins version"


def test_action_items_name_a_person_or_an_organisation(app, client, world):
    flows.start(client, world)
    paragraph = _paragraph_ids(app, world)[2]
    page = f"{flows.manage_url(world)}/paragraphs/{paragraph}"
    response = submit_form(client, page, {"what": "Ta fram en handlingsplan", "who": f"o:{world['red_cross']}",
                                          "due": "2030-01-15"}, action=page + "/actions")
    assert response.status_code == 302
    missing = submit_form(client, page, {"what": "", "who": ""}, action=page + "/actions",
                          headers={"Accept-Language": "en"})
    assert missing.status_code == 422
    assert "Say what is to be done." in missing.get_data(as_text=True)
    with app.app_context():
        [action] = flows.protocol(world).paragraphs[2].actions
        assert (action.what, action.who_name, str(action.due)) == ("Ta fram en handlingsplan",
                                                                   "Svenska Röda Korset", "2030-01-15")


def test_drafts_are_invisible_to_the_public_and_other_forums_organisers_cannot_edit(app, client, world):
    flows.start(client, world)
    protocol_id = _protocol_id(app, world)
    anonymous = app.test_client()
    assert anonymous.get(f"/minutes/{protocol_id}").status_code == 404
    assert anonymous.get(f"/minutes/{protocol_id}/protocol.pdf").status_code == 404
    assert f"/minutes/{protocol_id}" not in anonymous.get(f"/meetings/{world['meeting']}").get_data(as_text=True)
    outsider = app.test_client()
    sign_in(outsider, world["outsider"])
    assert outsider.get(f"/minutes/{protocol_id}").status_code == 404
    other = app.test_client()
    sign_in(other, world["other_organiser"])
    assert other.get(flows.manage_url(world)).status_code == 403
    token = re.search(r'name="csrf_token" value="([^"]+)"', other.get("/").get_data(as_text=True)).group(1)
    assert other.post(flows.manage_url(world) + "/send", data={"csrf_token": token}).status_code == 403
    assert other.get(f"/minutes/{protocol_id}").status_code == 404


def _protocol_id(app, world):
    with app.app_context():
        return flows.protocol(world).id


def _paragraph_ids(app, world):
    with app.app_context():
        return [p.id for p in flows.protocol(world).paragraphs]



def test_a_stale_present_list_is_refused_and_what_was_typed_stays(app, client, world):
    flows.start(client, world)
    from meetings.testing import page_forms

    page_url = flows.manage_url(world) + "/present"
    stale = dict(next(f for f in page_forms(client.get(page_url).get_data(as_text=True))
                      if "version" in f.names()).fields())
    assert submit_form(client, page_url, {"name-new": "Första sparningen"}).status_code == 302
    stale["name-new"] = "Sara Sameby"
    response = client.post(page_url, data=stale, headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert "Someone else saved these minutes after you opened them" in page
    assert 'value="Sara Sameby"' in page
    with app.app_context():
        names = {a.name for a in flows.protocol(world).attendees}
    assert "Första sparningen" in names and "Sara Sameby" not in names


def test_the_forum_page_lists_the_newest_minutes_and_links_to_all_of_them_a_page_at_a_time(app, world):
    from datetime import timedelta

    from meetings.extensions import db
    from meetings.models import Forum, utcnow
    from meetings.testing import make_meeting
    from plugins.minutes.models import PUBLISHED, Protocol

    with app.app_context():
        forum = db.session.get(Forum, world["forum"])
        now = utcnow().replace(minute=0, second=0, microsecond=0)
        for weeks in range(1, 31):  # published minutes of 30 weekly meetings, and of one for the members only
            meeting = make_meeting(forum, f"Möte för {weeks} veckor sedan", starts_at=now - timedelta(weeks=weeks))
            db.session.add(Protocol(meeting=meeting, forum_id=forum.id, status=PUBLISHED, published_at=now))
        members_only = make_meeting(forum, "Medlemsmöte", starts_at=now - timedelta(days=3), members_only=True)
        db.session.add(Protocol(meeting=members_only, forum_id=forum.id, status=PUBLISHED, published_at=now))
        db.session.commit()

    def titles(html: str) -> list[str]:
        return re.findall(r'<a href="/minutes/\d+">Minutes of ([^<]+)</a>', html)

    visitor = app.test_client()
    visitor.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = visitor.get("/forums/lanspartnerskapet").get_data(as_text=True)
    assert titles(html) == [f"Möte för {weeks} veckor sedan" for weeks in range(1, 6)]
    assert '<a href="/forums/lanspartnerskapet/minutes">See all 30 published minutes</a>' in html

    html = visitor.get("/forums/lanspartnerskapet/minutes").get_data(as_text=True)
    assert titles(html) == [f"Möte för {weeks} veckor sedan" for weeks in range(1, 26)]
    assert "Showing 1–25 of 30, page 1 of 2." in html
    html = visitor.get("/forums/lanspartnerskapet/minutes?page=2").get_data(as_text=True)
    assert titles(html) == [f"Möte för {weeks} veckor sedan" for weeks in range(26, 31)]
    assert visitor.get("/forums/lanspartnerskapet/minutes?page=-1").status_code == 200
    assert visitor.get("/forums/no-such-forum/minutes").status_code == 404

    member = app.test_client()  # Bo's RF-SISU is a member of the forum: he sees the members' minutes too
    sign_in(member, world["bo"])
    assert titles(member.get("/forums/lanspartnerskapet").get_data(as_text=True))[0] == "Medlemsmöte"
    assert "Showing 1–25 of 31, page 1 of 2." in member.get("/forums/lanspartnerskapet/minutes").get_data(as_text=True)
