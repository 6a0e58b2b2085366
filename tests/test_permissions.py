"""The permission rules every view relies on."""

from meetings.domain.permissions import may_edit_organisation, may_manage_forum, may_see_organisation
from meetings.extensions import db
from meetings.models import Forum, Organisation, OrganisationKind, OrganisationStatus, Person


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
    from tests.conftest import sign_in_as

    for role, shown in (("admin", True), ("organiser", True), ("representative", False)):
        sign_in_as(client, people[role])
        page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert ('href="/admin/organisations"' in page) is shown, role
