"""The permission rules every view relies on."""

from meetings.domain.permissions import may_edit_organisation, may_manage_forum, may_see_organisation
from meetings.extensions import db
from meetings.models import Forum, Organisation, OrganisationKind, OrganisationStatus, Person
from meetings.testing import send_form


def test_pending_organisations_are_seen_only_by_their_people_and_curators(app, people):
    with app.app_context():
        pending = Organisation(name="Byaföreningen", kind=OrganisationKind.CIVIL_SOCIETY,
                               status=OrganisationStatus.PENDING)
        db.session.add(pending)
        db.session.commit()
        admin, organiser, other_rep = (db.session.get(Person, people[k])
                                       for k in ("admin", "organiser", "representative"))
        assert not may_see_organisation(None, pending)
        assert not may_see_organisation(other_rep, pending)
        assert may_see_organisation(admin, pending) and may_see_organisation(organiser, pending)


def test_one_organisation_cannot_edit_another(app, people):
    with app.app_context():
        red_cross = db.session.get(Organisation, people["association"])
        region = db.session.get(Organisation, people["region"])
        representative = db.session.get(Person, people["representative"])
        assert may_edit_organisation(representative, red_cross)
        assert not may_edit_organisation(representative, region)
        assert not may_edit_organisation(None, red_cross)


def test_only_the_organising_body_manages_its_forum(app, people):
    with app.app_context():
        region = db.session.get(Organisation, people["region"])
        county = Organisation(name="Länsstyrelsen Norrbotten", kind=OrganisationKind.PUBLIC_BODY)
        forum = Forum(slug="tia", name="TIA-nätverket", organiser=county)
        own = Forum(slug="lp", name="Länspartnerskapet", organiser=region)
        db.session.add_all([county, forum, own])
        db.session.commit()
        organiser = db.session.get(Person, people["organiser"])
        assert may_manage_forum(organiser, own)
        assert not may_manage_forum(organiser, forum)
        assert may_manage_forum(db.session.get(Person, people["admin"]), forum)
        assert not may_manage_forum(db.session.get(Person, people["representative"]), own)


def test_only_curators_are_shown_the_approval_queue_in_the_menu(client, people):
    from meetings.testing import sign_in

    for role, shown in (("admin", True), ("organiser", True), ("representative", False)):
        sign_in(client, people[role])
        page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert ('href="/admin/organisations"' in page) is shown, role


# --- curators correct entries; they do not enrol themselves --------------------------------

def _add_representative_page(client, organisation_id):
    from meetings.testing import page_forms

    path = f"/organisations/{organisation_id}/representatives"
    page = client.get(path)
    return page, [f for f in page_forms(page.get_data(as_text=True)) if f.action == path]


def _representative_emails(app, organisation_id):
    from meetings.domain.organisations import representatives_of

    with app.app_context():
        return sorted(m.person.email for m in representatives_of(db.session.get(Organisation, organisation_id)))


def test_an_organiser_of_one_body_cannot_make_themselves_representative_of_another(app, client, people):
    from meetings.testing import csrf_token, sign_in

    with app.app_context():
        county = Organisation(name="Länsstyrelsen Norrbotten", kind=OrganisationKind.PUBLIC_BODY)
        db.session.add(county)
        db.session.commit()
        county_id = county.id
    sign_in(client, people["organiser"])
    for target in (people["association"], county_id):
        page, add_forms = _add_representative_page(client, target)
        assert page.status_code == 200 and add_forms == []  # they may correct the entry, not enrol
        token = csrf_token(client.get(f"/organisations/{target}/edit").get_data(as_text=True))
        attempt = client.post(f"/organisations/{target}/representatives",
                              data={"csrf_token": token, "name": "Olle", "email": "officer@region.example"})
        assert attempt.status_code == 403
    assert _representative_emails(app, people["association"]) == ["rep@redcross.example"]
    assert _representative_emails(app, county_id) == []
    # ... and so cannot answer for the association anywhere: no organisation of theirs to choose.
    with app.app_context():
        assert not db.session.get(Person, people["organiser"]).represents(
            db.session.get(Organisation, people["association"]))


def test_an_admin_adds_a_representative_and_is_recorded_as_having_done_so(app, client, people, send_mail):
    from meetings.models import Membership
    from meetings.testing import sign_in

    sign_in(client, people["admin"])
    page, (add,) = _add_representative_page(client, people["association"])
    response = send_form(client, add, {"name": "Kim Kassör", "email": "kim@redcross.example"}, page=add.action)
    assert response.status_code == 302
    assert _representative_emails(app, people["association"]) == ["kim@redcross.example", "rep@redcross.example"]
    with app.app_context():
        kim = db.session.scalar(db.select(Membership).join(Membership.person)
                                .where(Person.email == "kim@redcross.example"))
        assert kim.added_by_id == people["admin"]
    sign_in(client, people["representative"])
    shown = client.get(f"/organisations/{people['association']}/representatives",
                       headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "added by the administrator Ada Admin" in shown


def test_a_representative_adds_a_colleague_without_a_record_of_an_outsider(app, client, people, send_mail):
    from meetings.models import Membership
    from meetings.testing import sign_in

    sign_in(client, people["representative"])
    page, (add,) = _add_representative_page(client, people["association"])
    assert send_form(client, add, {"name": "Kim", "email": "kim@redcross.example"},
                     page=add.action).status_code == 302
    with app.app_context():
        kim = db.session.scalar(db.select(Membership).join(Membership.person)
                                .where(Person.email == "kim@redcross.example"))
        assert kim.added_by_id is None
