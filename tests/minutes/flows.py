"""Steps an organiser and the signers take through the pages, as a browser would post them."""

from __future__ import annotations

from meetings.extensions import db
from meetings.testing import sign_in, submit_form
from plugins.minutes.models import Protocol


def manage_url(ids):
    return f"/meetings/{ids['meeting']}/minutes"


def protocol(ids) -> Protocol:
    db.session.expire_all()
    return db.session.query(Protocol).filter_by(meeting_id=ids["meeting"]).one()


def start(client, ids):
    sign_in(client, ids["organiser"])
    if f"/meetings/{ids['meeting']}/minutes/start" not in client.get(manage_url(ids)).get_data(as_text=True):
        return  # started already
    response = submit_form(client, manage_url(ids), action=f"/meetings/{ids['meeting']}/minutes/start")
    assert response.status_code == 302


def name_signers(client, ids, adjusters=("anna", "bo")):
    values = {"chair": str(ids["chair"]), "adjuster1": str(ids[adjusters[0]]),
              "adjuster2": str(ids[adjusters[1]]) if len(adjusters) > 1 else "", "place": "Kulturens hus, Luleå"}
    response = submit_form(client, manage_url(ids) + "/details", values)
    assert response.status_code == 302, response.get_data(as_text=True)


def edit_paragraph(client, ids, paragraph_id, **values):
    page = f"{manage_url(ids)}/paragraphs/{paragraph_id}"
    return submit_form(client, page, values, action=page)


def send(client, ids):
    sign_in(client, ids["organiser"])
    response = submit_form(client, manage_url(ids), action=f"{manage_url(ids)}/send")
    assert response.status_code == 302


def approve(client, ids, who, protocol_id):
    sign_in(client, ids[who])
    return submit_form(client, f"/minutes/{protocol_id}", action=f"/minutes/{protocol_id}/approve",
                       follow_redirects=True)
