"""Joining the register: an association registers, confirms its address and is approved; its
representatives keep the entry, add colleagues and name an umbrella organisation that confirms it.
E-mail goes through a real SMTP server."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from meetings.domain import organisations as joining
from meetings.domain.auth import purge_spent_tokens
from meetings.extensions import db
from meetings.models import (
    Level,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    OutboxMessage,
    Person,
    SignInToken,
    SubjectArea,
    utcnow,
)
from meetings.testing import csrf_token, sign_in, text_part

LINK = re.compile(r"http://localhost/sign-in/[A-Za-z0-9_\-]+")
NEW_ADDRESS = "kansli@norrsken.example"


@pytest.fixture
def reference(app):
    """Some of Norrbotten's municipalities and the report's subject areas."""
    with app.app_context():
        places = [Municipality(code=code, name=name, county="Norrbottens län")
                  for code, name in [("2580", "Luleå"), ("2584", "Kiruna"), ("2510", "Jokkmokk")]]
        areas = [SubjectArea(code="folkhalsa", name_sv="Folkhälsa", name_en="Public health"),
                 SubjectArea(code="friluftsliv", name_sv="Friluftsliv", name_en="Outdoor life")]
        db.session.add_all(places + areas)
        db.session.commit()
        return {"lulea": places[0].id, "kiruna": places[1].id, "jokkmokk": places[2].id,
                "health": areas[0].id, "outdoors": areas[1].id}


@pytest.fixture
def other_association(app, people):
    """An approved association with its own representative, unrelated to the Red Cross."""
    with app.app_context():
        organisation = Organisation(name="Friluftsfrämjandet Luleå", kind=OrganisationKind.CIVIL_SOCIETY,
                                    org_number="8020024280")
        person = Person(email="ola@frilufts.example", name="Ola Friluft", locale="en")
        db.session.add_all([organisation, person])
        db.session.flush()
        db.session.add(Membership(person=person, organisation=organisation, role=MembershipRole.REPRESENTATIVE))
        db.session.commit()
        return {"organisation": organisation.id, "person": person.id}


def form_data(reference, **overrides):
    data = {"name": "Byaföreningen Norrsken", "contact_email": NEW_ADDRESS, "registrant_name": "Nora Nilsson",
            "subject_areas": [reference["health"], reference["outdoors"]],
            "municipalities": [reference["jokkmokk"]], "level": "local", "org_number": "",
            "description": "Vi driver **byagården** och ordnar skoterspår."}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_form(client, path, data):
    page = client.get(path)
    assert page.status_code == 200, f"{path} answered {page.status_code}"
    return client.post(path, data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))})


def register(client, reference, **overrides):
    return post_form(client, "/organisations/new", form_data(reference, **overrides))


def press(client, page_path, action_path, **data):
    """Press a button (a small POST form) on a page, with that page's CSRF token."""
    token = csrf_token(client.get(page_path).get_data(as_text=True))
    return client.post(action_path, data={**data, "csrf_token": token})


def mails_to(messages, address):
    return [m for m in messages if m["To"] == address]


def organisation_named(name):
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def field_error(html, field_id):
    """The error shown beside a field (see _forms.html), or None."""
    match = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', html, re.S)
    return match.group(1) if match else None


# --- joining and approval ------------------------------------------------------------------

def test_an_association_joins_confirms_and_is_approved_with_the_mails(app, client, people, reference,
                                                                      send_mail):
    assert 'href="/organisations/new"' in client.get("/").get_data(as_text=True)  # the way in
    response = register(client, reference, org_number="802481-4330")
    assert response.status_code == 302 and response.headers["Location"] == "/organisations/new/sent"
    with app.app_context():
        organisation = organisation_named("Byaföreningen Norrsken")
        assert organisation.status == OrganisationStatus.UNCONFIRMED
        assert organisation.org_number == "8024814330" and organisation.contact_email == NEW_ADDRESS
        assert organisation.kind == OrganisationKind.CIVIL_SOCIETY and organisation.level == Level.LOCAL
        assert [m.name for m in organisation.municipalities] == ["Jokkmokk"]
        assert {a.code for a in organisation.subject_areas} == {"folkhalsa", "friluftsliv"}
        organisation_id = organisation.id
        assert count(Person) == 3  # nobody's account exists before the address is confirmed

    visitor = app.test_client()
    assert visitor.get(f"/organisations/{organisation_id}").status_code == 404
    assert "Norrsken" not in visitor.get("/organisations").get_data(as_text=True)

    # The contact address gets the link, and nobody else any mail yet.
    received = send_mail()
    assert [m["To"] for m in received] == [NEW_ADDRESS]
    assert "Byaföreningen Norrsken" in received[0]["Subject"]
    body = text_part(received[0])
    assert "confirm your organisation's registration" in body or "bekräfta" in body.lower()
    link = LINK.search(body).group(0)

    # Opening the link only shows a button: a mail scanner cannot confirm by following it.
    page = client.get(link)
    assert page.status_code == 200 and "Byaföreningen Norrsken" in page.get_data(as_text=True)
    with app.app_context():
        assert organisation_named("Byaföreningen Norrsken").status == OrganisationStatus.UNCONFIRMED

    response = client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302 and response.headers["Location"] == f"/organisations/{organisation_id}/edit"
    assert client.get(response.headers["Location"]).status_code == 200  # signed in, and may edit
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        assert organisation.status == OrganisationStatus.PENDING
        nora = db.session.scalar(select(Person).where(Person.email == NEW_ADDRESS))
        assert nora.name == "Nora Nilsson"
        assert [m.person_id for m in joining.representatives_of(organisation)] == [nora.id]
    assert visitor.get(f"/organisations/{organisation_id}").status_code == 404

    # Each curator (the admin and the organiser) gets one notice; the association's representative none.
    received = send_mail()[1:]
    assert sorted(m["To"] for m in received) == ["admin@example.org", "officer@region.example"]
    assert all("Byaföreningen Norrsken" in m["Subject"] for m in received)
    assert "http://localhost/admin/organisations" in text_part(received[0])

    admin = app.test_client()
    sign_in(admin, people["admin"])
    queue = admin.get("/admin/organisations").get_data(as_text=True)
    assert "Byaföreningen Norrsken" in queue and "Nora Nilsson" in queue
    response = press(admin, "/admin/organisations", f"/admin/organisations/{organisation_id}/approve")
    assert response.status_code == 302
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        assert organisation.status == OrganisationStatus.APPROVED and organisation.approved_at is not None

    approval = mails_to(send_mail(), NEW_ADDRESS)[-1]
    assert "Byaföreningen Norrsken" in approval["Subject"]
    assert f"http://localhost/organisations/{organisation_id}" in text_part(approval)
    assert visitor.get(f"/organisations/{organisation_id}").status_code == 200
    assert "Byaföreningen Norrsken" in visitor.get("/organisations").get_data(as_text=True)
    assert f'id="organisation-{organisation_id}"' not in admin.get("/admin/organisations").get_data(as_text=True)


def test_a_signed_in_person_registering_with_their_own_address_needs_no_confirmation(
        app, client, people, reference, send_mail):
    sign_in(client, people["representative"])
    form = client.get("/organisations/new").get_data(as_text=True)
    assert 'value="rep@redcross.example"' in form and 'value="Rut Representant"' in form

    response = register(client, reference, contact_email="rep@redcross.example", registrant_name="Rut Representant")
    with app.app_context():
        organisation = organisation_named("Byaföreningen Norrsken")
        assert response.headers["Location"] == f"/organisations/{organisation.id}/edit"
        assert organisation.status == OrganisationStatus.PENDING
        assert [m.person_id for m in joining.representatives_of(organisation)] == [people["representative"]]
    assert sorted(m["To"] for m in send_mail()) == ["admin@example.org", "officer@region.example"]


def test_confirmation_links_work_once_and_for_48_hours(app, client, people, reference, send_mail):
    register(client, reference)
    link = LINK.search(text_part(send_mail()[0])).group(0)
    page = client.get(link)
    client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True))})

    again = app.test_client().get(link)
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True) or "redan använts" in again.get_data(as_text=True)

    register(client, reference, name="Kiruna skidklubb", contact_email="info@skidklubb.example")
    late = LINK.search(text_part(mails_to(send_mail(), "info@skidklubb.example")[0])).group(0)
    with app.app_context():
        db.session.execute(SignInToken.__table__.update().values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    expired = app.test_client().get(late)
    assert expired.status_code == 410
    assert 'href="/organisations/new"' in expired.get_data(as_text=True)  # a way to register again
    with app.app_context():
        assert organisation_named("Kiruna skidklubb").status == OrganisationStatus.UNCONFIRMED


def test_an_unconfirmed_registration_is_removed_after_48_hours_and_the_name_is_free_again(
        app, client, reference, send_mail):
    register(client, reference)
    with app.app_context():
        assert purge_spent_tokens(utcnow() + timedelta(hours=47)) == 0
        assert organisation_named("Byaföreningen Norrsken") is not None
        purge_spent_tokens(utcnow() + timedelta(hours=49))
        assert organisation_named("Byaföreningen Norrsken") is None
        assert count(SignInToken) == 0

    assert register(client, reference).status_code == 302


def test_a_curator_rejects_a_registration_with_a_reason(app, client, people, reference, send_mail):
    register(client, reference)
    link = LINK.search(text_part(send_mail()[0])).group(0)
    client.post(link, data={"csrf_token": csrf_token(client.get(link).get_data(as_text=True))})
    with app.app_context():
        organisation_id = organisation_named("Byaföreningen Norrsken").id

    organiser = app.test_client()
    sign_in(organiser, people["organiser"])
    press(organiser, "/admin/organisations", f"/admin/organisations/{organisation_id}/reject",
          reason="Föreningen finns redan under namnet Norrskens byaförening.")
    with app.app_context():
        assert db.session.get(Organisation, organisation_id) is None
    notice = mails_to(send_mail(), NEW_ADDRESS)[-1]
    assert "Norrskens byaförening" in text_part(notice)


def test_only_curators_see_and_work_the_approval_queue(app, client, people, reference):
    register(client, reference)
    with app.app_context():
        organisation_id = organisation_named("Byaföreningen Norrsken").id

    anonymous = app.test_client().get("/admin/organisations")
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/sign-in")
    representative = app.test_client()
    sign_in(representative, people["representative"])
    assert representative.get("/admin/organisations").status_code == 403
    token = csrf_token(representative.get("/").get_data(as_text=True))
    for action in ("approve", "reject"):
        response = representative.post(f"/admin/organisations/{organisation_id}/{action}", data={"csrf_token": token})
        assert response.status_code == 403
    with app.app_context():
        assert organisation_named("Byaföreningen Norrsken").status == OrganisationStatus.UNCONFIRMED

    # An address nobody has confirmed cannot be approved, even by an admin.
    admin = app.test_client()
    sign_in(admin, people["admin"])
    assert "Byaföreningen Norrsken" in admin.get("/admin/organisations").get_data(as_text=True)
    press(admin, "/admin/organisations", f"/admin/organisations/{organisation_id}/approve")
    with app.app_context():
        assert organisation_named("Byaföreningen Norrsken").status == OrganisationStatus.UNCONFIRMED


# --- bad input -----------------------------------------------------------------------------

def test_the_same_organisation_number_is_caught_with_a_link_to_the_entry(app, client, reference, other_association,
                                                                          send_mail):
    response = register(client, reference, name="Friluftsfrämjandet i Luleå", org_number="802002 4280")
    assert response.status_code == 200
    error = field_error(response.get_data(as_text=True), "org_number")
    assert error and f'href="/organisations/{other_association["organisation"]}"' in error
    with app.app_context():
        assert count(Organisation) == 3 and count(OutboxMessage) == 0


def test_the_same_name_in_other_letters_is_caught(app, client, people, reference):
    response = register(client, reference, name="  SVENSKA röda   korset ")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    error = field_error(html, "name")
    assert error and f'href="/organisations/{people["association"]}"' in error
    with app.app_context():
        assert count(Organisation) == 2


def test_a_name_awaiting_approval_is_caught_without_showing_the_entry(app, client, reference):
    register(client, reference)
    with app.app_context():
        organisation_id = organisation_named("Byaföreningen Norrsken").id
    response = register(app.test_client(), reference, name="BYAFÖRENINGEN NORRSKEN", contact_email="other@example.org")
    error = field_error(response.get_data(as_text=True), "name")
    assert error and f"/organisations/{organisation_id}" not in error
    with app.app_context():
        assert count(Organisation) == 1


def test_an_invalid_organisation_number_is_refused_and_the_form_keeps_what_was_typed(app, client, reference):
    response = register(client, reference, org_number="802481-4331", description="Skoterspår & byagård")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(html, "org_number")
    assert 'aria-invalid="true"' in html
    assert 'value="Byaföreningen Norrsken"' in html and 'value="802481-4331"' in html
    assert 'value="kansli@norrsken.example"' in html and 'value="Nora Nilsson"' in html
    assert "Skoterspår &amp; byagård" in html
    assert re.search(rf'<input checked[^>]*value="{reference["jokkmokk"]}"', html)
    assert re.search(r'<input checked[^>]*value="local"', html)
    with app.app_context():
        assert count(Organisation) == 0 and count(OutboxMessage) == 0


def test_a_personal_identity_number_is_not_an_organisation_number(client, reference):
    response = register(client, reference, org_number="19121212-1212")
    assert field_error(response.get_data(as_text=True), "org_number")


def test_missing_answers_are_shown_beside_each_field(app, client, reference):
    response = register(client, reference, name="", contact_email="nora@", registrant_name="", municipalities=None)
    html = response.get_data(as_text=True)
    for field_id in ("name", "contact_email", "registrant_name", "municipalities"):
        assert field_error(html, field_id), f"no error beside {field_id}"
    assert 'class="error-summary"' in html
    with app.app_context():
        assert count(Organisation) == 0


def test_registration_needs_the_csrf_token(app, client, reference):
    response = client.post("/organisations/new", data=form_data(reference))
    assert response.status_code == 400
    with app.app_context():
        assert count(Organisation) == 0


# --- editing and permissions --------------------------------------------------------------

def test_a_representative_edits_the_entry(app, client, people, reference):
    sign_in(client, people["representative"])
    path = f"/organisations/{people['association']}/edit"
    form = client.get(path).get_data(as_text=True)
    assert 'name="kind"' not in form  # the kind is the curators' to set

    response = post_form(client, path, {
        "name": "Svenska Röda Korset Norrbotten", "contact_email": "Norrbotten@RedCross.example",
        "org_number": "802002-4280", "level": "regional", "icnpo_group": "4",
        "subject_areas": [reference["health"]], "municipalities": [reference["lulea"], reference["kiruna"]],
        "website": "www.redcross.example/norrbotten", "description": "Vi stöttar i **kris**.",
        "kind": "public_body"})
    assert response.status_code == 302
    with app.app_context():
        organisation = db.session.get(Organisation, people["association"])
        assert organisation.name == "Svenska Röda Korset Norrbotten"
        assert organisation.contact_email == "norrbotten@redcross.example"
        assert organisation.org_number == "8020024280" and organisation.icnpo_group == 4
        assert organisation.level == Level.REGIONAL
        assert organisation.website == "https://www.redcross.example/norrbotten"
        assert {m.name for m in organisation.municipalities} == {"Luleå", "Kiruna"}
        assert organisation.kind == OrganisationKind.CIVIL_SOCIETY


def test_editing_refuses_bad_input_and_keeps_it(app, client, people, reference, other_association):
    sign_in(client, people["representative"])
    path = f"/organisations/{people['association']}/edit"
    response = post_form(client, path, {
        "name": "friluftsfrämjandet luleå", "contact_email": "rep@redcross.example", "level": "local",
        "municipalities": [reference["lulea"]], "website": "javascript:alert(1)", "description": "Ny text"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'/organisations/{other_association["organisation"]}' in field_error(html, "name")
    assert field_error(html, "website")
    assert 'value="friluftsfrämjandet luleå"' in html and "Ny text" in html
    with app.app_context():
        organisation = db.session.get(Organisation, people["association"])
        assert organisation.name == "Svenska Röda Korset" and organisation.website is None


def test_a_curator_may_correct_any_entry_including_its_kind(app, client, people, reference, other_association):
    sign_in(client, people["organiser"])
    path = f"/organisations/{other_association['organisation']}/edit"
    assert 'name="kind"' in client.get(path).get_data(as_text=True)
    response = post_form(client, path, {
        "name": "Luleå kommun", "kind": "municipality", "contact_email": "info@lulea.example",
        "level": "local", "municipalities": [reference["lulea"]], "org_number": "8020024280"})
    assert response.status_code == 302
    with app.app_context():
        organisation = db.session.get(Organisation, other_association["organisation"])
        assert organisation.kind == OrganisationKind.MUNICIPALITY and organisation.name == "Luleå kommun"


def test_one_organisation_cannot_change_another(app, client, people, reference, other_association):
    sign_in(client, people["representative"])
    target = other_association["organisation"]
    with app.app_context():
        ola = db.session.scalar(select(Membership).where(Membership.person_id == other_association["person"]))
        membership_id = ola.id
    for page in ("edit", "representatives", "umbrella"):
        assert client.get(f"/organisations/{target}/{page}").status_code == 403, page

    token = csrf_token(client.get("/").get_data(as_text=True))
    attempts = {
        f"/organisations/{target}/edit": {"name": "Kapad", "contact_email": "x@example.org", "level": "local",
                                          "municipalities": [reference["lulea"]]},
        f"/organisations/{target}/representatives": {"email": "intruder@example.org", "name": "Inkräktare"},
        f"/organisations/{target}/representatives/{membership_id}/remove": {},
        f"/organisations/{target}/representatives/me": {"shown_publicly": "y"},
        f"/organisations/{target}/umbrella": {"umbrella": str(people["association"])},
        f"/organisations/{target}/umbrella/leave": {},
    }
    for path, data in attempts.items():
        assert client.post(path, data={**data, "csrf_token": token}).status_code == 403, path
    with app.app_context():
        organisation = db.session.get(Organisation, target)
        assert organisation.name == "Friluftsfrämjandet Luleå" and organisation.umbrella_id is None
        assert [m.person.email for m in joining.representatives_of(organisation)] == ["ola@frilufts.example"]
        assert db.session.scalar(select(Person).where(Person.email == "intruder@example.org")) is None


def test_visitors_are_sent_to_sign_in_and_pending_entries_are_not_found(app, client, people, reference):
    for page in ("edit", "representatives", "umbrella"):
        response = client.get(f"/organisations/{people['association']}/{page}")
        assert response.status_code == 302
        assert response.headers["Location"] == f"/sign-in?next=/organisations/{people['association']}/{page}"

    register(client, reference)
    with app.app_context():
        pending_id = organisation_named("Byaföreningen Norrsken").id
    sign_in(client, people["representative"])
    assert client.get(f"/organisations/{pending_id}/edit").status_code == 404
    assert client.get(f"/organisations/{pending_id}").status_code == 404


# --- representatives ----------------------------------------------------------------------

def test_a_representative_adds_a_colleague_who_is_told_by_mail(app, client, people, send_mail):
    sign_in(client, people["representative"])
    path = f"/organisations/{people['association']}/representatives"
    response = post_form(client, path, {"email": " Kalle.Kassor@RedCross.example ", "name": "Kalle Kassör",
                                        "title": "Kassör"})
    assert response.status_code == 302
    with app.app_context():
        kalle = db.session.scalar(select(Person).where(Person.email == "kalle.kassor@redcross.example"))
        assert kalle.name == "Kalle Kassör"
        assert kalle.represents(db.session.get(Organisation, people["association"]))

    notice = mails_to(send_mail(), "kalle.kassor@redcross.example")
    assert len(notice) == 1 and "Svenska Röda Korset" in notice[0]["Subject"]
    assert "http://localhost/sign-in" in text_part(notice[0])
    page = client.get(path).get_data(as_text=True)
    assert "Kalle Kassör" in page and "kalle.kassor@redcross.example" in page

    again = post_form(client, path, {"email": "kalle.kassor@redcross.example", "name": "Kalle"})
    assert again.status_code == 200 and field_error(again.get_data(as_text=True), "email")


def test_the_last_representative_cannot_be_removed(app, client, people):
    sign_in(client, people["representative"])
    path = f"/organisations/{people['association']}/representatives"
    with app.app_context():
        own_id = db.session.scalar(select(Membership.id).where(Membership.person_id == people["representative"]))
    press(client, path, f"{path}/{own_id}/remove")
    with app.app_context():
        assert db.session.get(Membership, own_id) is not None

    post_form(client, path, {"email": "kalle@redcross.example", "name": "Kalle Kassör"})
    with app.app_context():
        kalle_id = db.session.scalar(select(Membership.id).join(Membership.person)
                                     .where(Person.email == "kalle@redcross.example"))
    press(client, path, f"{path}/{kalle_id}/remove")
    with app.app_context():
        assert db.session.get(Membership, kalle_id) is None
        assert db.session.get(Membership, own_id) is not None


def test_a_representative_chooses_to_be_shown_publicly(app, client, people):
    sign_in(client, people["representative"])
    path = f"/organisations/{people['association']}/representatives"
    response = press(client, path, f"{path}/me", shown_publicly="y", title="Ordförande")
    assert response.status_code == 302
    with app.app_context():
        membership = db.session.scalar(select(Membership).where(Membership.person_id == people["representative"]))
        assert membership.shown_publicly and membership.title == "Ordförande"


# --- umbrella organisations ----------------------------------------------------------------

@pytest.fixture
def samforma(app):
    with app.app_context():
        umbrella = Organisation(name="Samforma", kind=OrganisationKind.CIVIL_SOCIETY)
        sam = Person(email="sam@samforma.example", name="Sam Samforma", locale="sv")
        db.session.add_all([umbrella, sam])
        db.session.flush()
        db.session.add(Membership(person=sam, organisation=umbrella, role=MembershipRole.REPRESENTATIVE))
        db.session.commit()
        return {"organisation": umbrella.id, "person": sam.id}


def test_umbrella_membership_is_shown_once_the_umbrella_confirms(app, client, people, samforma, send_mail):
    association = people["association"]
    sign_in(client, people["representative"])
    choices = client.get(f"/organisations/{association}/umbrella").get_data(as_text=True)
    assert "Samforma" in choices and "Region Norrbotten" not in choices  # a public body is no umbrella

    response = post_form(client, f"/organisations/{association}/umbrella", {"umbrella": str(samforma["organisation"])})
    assert response.status_code == 302
    with app.app_context():
        organisation = db.session.get(Organisation, association)
        assert organisation.umbrella_id == samforma["organisation"] and not organisation.umbrella_confirmed
    visitor = app.test_client()
    assert "Samforma" not in visitor.get(f"/organisations/{association}").get_data(as_text=True)

    request = mails_to(send_mail(), "sam@samforma.example")
    assert len(request) == 1 and "Svenska Röda Korset" in request[0]["Subject"]
    umbrella_page = f"/organisations/{samforma['organisation']}/umbrella"
    assert f"http://localhost{umbrella_page}" in text_part(request[0])

    # Neither the member itself nor a curator can vouch for the umbrella.
    confirm = f"{umbrella_page}/members/{association}/confirm"
    token = csrf_token(client.get("/").get_data(as_text=True))
    assert client.post(confirm, data={"csrf_token": token}).status_code == 403
    admin = app.test_client()
    sign_in(admin, people["admin"])
    admin_token = csrf_token(admin.get("/").get_data(as_text=True))
    assert admin.post(confirm, data={"csrf_token": admin_token}).status_code == 403

    sam = app.test_client()
    sign_in(sam, samforma["person"])
    assert "Svenska Röda Korset" in sam.get(umbrella_page).get_data(as_text=True)
    assert press(sam, umbrella_page, confirm).status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, association).umbrella_confirmed
    assert "Samforma" in visitor.get(f"/organisations/{association}").get_data(as_text=True)
    answer = mails_to(send_mail(), "rep@redcross.example")
    assert len(answer) == 1 and "Samforma" in answer[0]["Subject"]


def test_the_umbrella_declines_and_the_member_leaves(app, client, people, samforma, send_mail):
    association = people["association"]
    sign_in(client, people["representative"])
    post_form(client, f"/organisations/{association}/umbrella", {"umbrella": str(samforma["organisation"])})

    sam = app.test_client()
    sign_in(sam, samforma["person"])
    umbrella_page = f"/organisations/{samforma['organisation']}/umbrella"
    press(sam, umbrella_page, f"{umbrella_page}/members/{association}/decline")
    with app.app_context():
        organisation = db.session.get(Organisation, association)
        assert organisation.umbrella_id is None and not organisation.umbrella_confirmed
    assert len(mails_to(send_mail(), "rep@redcross.example")) == 1

    post_form(client, f"/organisations/{association}/umbrella", {"umbrella": str(samforma["organisation"])})
    press(client, f"/organisations/{association}/umbrella", f"/organisations/{association}/umbrella/leave")
    with app.app_context():
        assert db.session.get(Organisation, association).umbrella_id is None


def test_an_organisation_cannot_be_its_own_umbrella_nor_its_members_member(app, client, people, samforma):
    with app.app_context():
        db.session.get(Organisation, samforma["organisation"]).umbrella_id = people["association"]
        db.session.commit()
    sign_in(client, people["representative"])
    path = f"/organisations/{people['association']}/umbrella"
    for chosen in (people["association"], samforma["organisation"], people["region"]):
        response = post_form(client, path, {"umbrella": str(chosen)})
        assert response.status_code == 200 and field_error(response.get_data(as_text=True), "umbrella")
    with app.app_context():
        assert db.session.get(Organisation, people["association"]).umbrella_id is None


def test_buttons_need_the_csrf_token(app, client, people, samforma, reference):
    register(client, reference)
    with app.app_context():
        pending_id = organisation_named("Byaföreningen Norrsken").id
        own_id = db.session.scalar(select(Membership.id).where(Membership.person_id == people["representative"]))
    admin = app.test_client()
    sign_in(admin, people["admin"])
    assert admin.post(f"/admin/organisations/{pending_id}/reject").status_code == 400
    sign_in(client, people["representative"])
    association = people["association"]
    assert client.post(f"/organisations/{association}/representatives/{own_id}/remove").status_code == 400
    assert client.post(f"/organisations/{association}/umbrella",
                       data={"umbrella": str(samforma["organisation"])}).status_code == 400
    with app.app_context():
        assert db.session.get(Organisation, pending_id) is not None
        assert db.session.get(Organisation, association).umbrella_id is None
