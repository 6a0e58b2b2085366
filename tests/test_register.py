"""The public organisation register: search, filters, paging, downloads and organisation pages."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook

from meetings.collation import swedish_sort_key
from meetings.extensions import db
from meetings.models import (
    Forum,
    ForumMember,
    ForumMemberStatus,
    ForumRepresentative,
    Level,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Person,
    SubjectArea,
)
from meetings.testing import sign_in

ENGLISH = {"Accept-Language": "en"}

RED_CROSS = "Svenska Röda Korset"
ALVSBYN = "Älvsbyns Friluftsförening"
ZONTA = "Zonta Club Luleå"
OBERGS = "Öbergs hembygdsförening"
LASLUST = "Föreningen Läslust"
REGION = "Region Norrbotten"
LULEA_KOMMUN = "Luleå kommun"
AGLANTAN = "Ågläntans byaförening"  # Å before Ä in Swedish, after it in Unicode
PENDING = "Väntande byaförening"
UNCONFIRMED = "Obekräftade skoterklubben"
PUBLIC = [RED_CROSS, ALVSBYN, ZONTA, OBERGS, LASLUST, REGION, LULEA_KOMMUN, AGLANTAN]


@pytest.fixture
def register(app, people):
    """Seven public organisations, one awaiting approval and one whose e-mail is unconfirmed.

    Builds on the shared ``people``: Region Norrbotten (with an organiser), Svenska Röda Korset
    (with a representative) and an admin.
    """
    with app.app_context():
        health = SubjectArea(code="folkhalsa", name_sv="Folkhälsa", name_en="Public health")
        culture = SubjectArea(code="kultur", name_sv="Kultur", name_en="Culture")
        outdoors = SubjectArea(code="friluftsliv", name_sv="Friluftsliv", name_en="Outdoor life")
        lulea = Municipality(code="2580", name="Luleå", county="Norrbottens län")
        pitea = Municipality(code="2581", name="Piteå", county="Norrbottens län")
        alvsbyn = Municipality(code="2560", name="Älvsbyn", county="Norrbottens län")
        kiruna = Municipality(code="2584", name="Kiruna", county="Norrbottens län")

        red_cross = db.session.get(Organisation, people["association"])
        red_cross.level, red_cross.icnpo_group = Level.NATIONAL, 4
        red_cross.description = "Humanitär hjälp, krisberedskap och **första hjälpen**."
        red_cross.subject_areas, red_cross.municipalities = [health], [lulea, kiruna]
        red_cross.org_number, red_cross.website = "8020040000", "https://www.redcross.se"
        region = db.session.get(Organisation, people["region"])
        region.level, region.subject_areas, region.municipalities = Level.REGIONAL, [health, culture], [lulea]

        def civil(name: str, **columns) -> Organisation:
            organisation = Organisation(name=name, kind=OrganisationKind.CIVIL_SOCIETY, **columns)
            db.session.add(organisation)
            return organisation

        civil(ALVSBYN, level=Level.LOCAL, icnpo_group=1, subject_areas=[outdoors], municipalities=[alvsbyn],
              description="Vi ordnar vandringar och skidturer i skogarna runt Älvsbyn.")
        civil(ZONTA, level=Level.LOCAL, icnpo_group=7, subject_areas=[culture], municipalities=[lulea],
              description="Serviceklubb som arbetar för kvinnors rättigheter.")
        civil(OBERGS, level=Level.LOCAL, icnpo_group=1, subject_areas=[culture], municipalities=[pitea],
              description="Bygdens historia och gamla gårdar.")
        civil(LASLUST, level=Level.LOCAL, icnpo_group=2, subject_areas=[culture], municipalities=[lulea, pitea],
              description="Vi ordnar **läsecirklar** för barn och vuxna.")
        civil(AGLANTAN, level=Level.LOCAL)
        db.session.add(Organisation(name=LULEA_KOMMUN, kind=OrganisationKind.MUNICIPALITY, level=Level.LOCAL,
                                    subject_areas=[culture], municipalities=[lulea]))
        pending = civil(PENDING, level=Level.LOCAL, status=OrganisationStatus.PENDING, subject_areas=[culture],
                        municipalities=[lulea], description="Vi väntar på godkännande.")
        unconfirmed = civil(UNCONFIRMED, level=Level.LOCAL, status=OrganisationStatus.UNCONFIRMED,
                            subject_areas=[culture], municipalities=[lulea])
        pending_rep = Person(email="kim@byn.example", name="Kim Bybo")
        db.session.add(pending_rep)
        db.session.flush()
        db.session.add(Membership(person=pending_rep, organisation=pending, role=MembershipRole.REPRESENTATIVE))
        db.session.commit()
        return {**people, "pending": pending.id, "unconfirmed": unconfirmed.id, "pending_rep": pending_rep.id}


def listed(client, query: str = "") -> list[str]:
    """The organisation names on a page of the register, in the order shown."""
    response = client.get(f"/organisations{query}", headers=ENGLISH)
    assert response.status_code == 200
    return re.findall(r'class="result-title"><a href="/organisations/\d+">([^<]+)</a>',
                      response.get_data(as_text=True))


# --- search ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "found"), [
    ("röda", RED_CROSS),
    ("RÖDA", RED_CROSS),
    ("röDA korset", RED_CROSS),
    ("korset röda", RED_CROSS),
    ("älvsby", ALVSBYN),
    ("ÄLVSBY", ALVSBYN),
    ("ÖBERGS", OBERGS),
])
def test_search_ignores_case_including_swedish_letters(client, register, typed, found):
    assert listed(client, f"?q={typed}") == [found]


def test_search_looks_in_descriptions(client, register):
    assert listed(client, "?q=LÄSECIRKLAR") == [LASLUST]
    assert listed(client, "?q=skidturer") == [ALVSBYN]


def test_every_word_of_a_search_must_occur(client, register):
    assert listed(client, "?q=vi+ordnar") == [LASLUST, ALVSBYN]
    assert listed(client, "?q=vi+ordnar+vandringar") == [ALVSBYN]
    assert listed(client, "?q=ingen+sådan+förening") == []


def test_search_characters_mean_themselves(client, register):
    """% and _ are wildcards in SQL LIKE; typed into the search box they are plain characters."""
    assert listed(client, "?q=%25") == []
    assert listed(client, "?q=_") == []


def test_a_search_with_no_match_says_so(client, register):
    page = client.get("/organisations?q=xyzzy", headers=ENGLISH).get_data(as_text=True)
    assert "0 organisations match" in page
    assert "No organisation matches" in page
    assert "export.csv" not in page


# --- order -------------------------------------------------------------------------------------

def test_the_register_is_in_swedish_alphabetical_order(client, register):
    names = listed(client)
    assert names == sorted(PUBLIC, key=swedish_sort_key)
    # ... X Y Z Å Ä Ö, as in a Swedish dictionary.
    assert names[-4:] == [ZONTA, AGLANTAN, ALVSBYN, OBERGS]


def test_order_follows_a_renamed_organisation(app, client, register):
    with app.app_context():
        zonta = db.session.scalar(db.select(Organisation).where(Organisation.name == ZONTA))
        zonta.name = "Ådalens Zonta"
        db.session.commit()
    names = listed(client)
    assert names.index(LULEA_KOMMUN) < names.index("Ådalens Zonta") < names.index(AGLANTAN) < names.index(ALVSBYN)


# --- filters -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    ("?area=kultur", {ZONTA, OBERGS, LASLUST, REGION, LULEA_KOMMUN}),
    ("?area=friluftsliv", {ALVSBYN}),
    ("?area=folkhalsa&area=friluftsliv", {RED_CROSS, REGION, ALVSBYN}),  # any of the areas
    ("?municipality=2581", {OBERGS, LASLUST}),
    ("?municipality=2584&municipality=2560", {RED_CROSS, ALVSBYN}),
    ("?level=national", {RED_CROSS}),
    ("?level=regional", {REGION}),
    ("?kind=public_body", {REGION}),
    ("?kind=municipality", {LULEA_KOMMUN}),
    ("?icnpo=1", {ALVSBYN, OBERGS}),
    ("?icnpo=7", {ZONTA}),
])
def test_each_filter_narrows_the_list(client, register, query, expected):
    assert set(listed(client, query)) == expected


@pytest.mark.parametrize(("query", "expected"), [
    ("?area=kultur&municipality=2580", {ZONTA, LASLUST, REGION, LULEA_KOMMUN}),
    ("?area=kultur&municipality=2580&kind=civil_society", {ZONTA, LASLUST}),
    ("?area=kultur&municipality=2580&kind=civil_society&icnpo=2", {LASLUST}),
    ("?area=kultur&level=local&q=förening", {OBERGS, LASLUST}),
    ("?area=friluftsliv&municipality=2580", set()),
])
def test_filters_combine(client, register, query, expected):
    assert set(listed(client, query)) == expected


@pytest.mark.parametrize("query", [
    "?area=no-such-area", "?municipality=9999", "?level=galactic", "?kind=company", "?icnpo=13",
    "?icnpo=culture", "?page=first", "?page=-3", "?q=&level=&kind=&icnpo=",
])
def test_unknown_filter_values_are_ignored(client, register, query):
    assert listed(client, query) == sorted(PUBLIC, key=swedish_sort_key)


def test_an_unknown_value_does_not_drop_the_known_ones(client, register):
    assert set(listed(client, "?area=no-such-area&area=friluftsliv")) == {ALVSBYN}


def test_the_form_shows_the_chosen_filters(client, register):
    page = client.get("/organisations?q=Förening&area=kultur&municipality=2581&level=local&icnpo=1",
                      headers=ENGLISH).get_data(as_text=True)
    assert 'name="q" value="Förening"' in page
    assert re.search(r'name="area" value="kultur" checked', page)
    assert not re.search(r'name="area" value="folkhalsa" checked', page)
    assert re.search(r'name="municipality" value="2581" checked', page)
    assert '<option value="local" selected>' in page
    assert '<option value="1" selected>' in page
    assert "Clear search and filters" in page


def test_filter_choices_are_named_in_the_visitors_language(client, register):
    assert "Outdoor life" in client.get("/organisations", headers=ENGLISH).get_data(as_text=True)
    assert "Friluftsliv" in client.get("/organisations", headers={"Accept-Language": "sv"}).get_data(as_text=True)


# --- paging ------------------------------------------------------------------------------------

@pytest.fixture
def many_associations(app, register):
    """60 more associations working with culture in Luleå, and 5 elsewhere."""
    with app.app_context():
        culture = db.session.scalar(db.select(SubjectArea).where(SubjectArea.code == "kultur"))
        lulea, pitea = (db.session.scalar(db.select(Municipality).where(Municipality.code == code))
                        for code in ("2580", "2581"))
        for number in range(1, 61):
            db.session.add(Organisation(name=f"Kulturföreningen nr {number:02d}", kind=OrganisationKind.CIVIL_SOCIETY,
                                        subject_areas=[culture], municipalities=[lulea]))
        for number in range(1, 6):
            db.session.add(Organisation(name=f"Kulturföreningen i Piteå {number}", kind=OrganisationKind.CIVIL_SOCIETY,
                                        subject_areas=[culture], municipalities=[pitea]))
        db.session.commit()


def page_links(html: str) -> dict[str, dict[str, list[str]]]:
    """The pagination's links by their text, with their query strings parsed."""
    nav = re.search(r'<nav class="pagination".*?</nav>', html, re.S)
    assert nav, "the page has no pagination"
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(0))
    return {text: parse_qs(urlsplit(href.replace("&amp;", "&")).query) for href, text in links}


def test_pages_hold_25_and_keep_the_filters(client, many_associations):
    query = "?q=kulturföreningen+nr&area=kultur&municipality=2580"
    first = listed(client, query)
    assert first == [f"Kulturföreningen nr {n:02d}" for n in range(1, 26)]
    html = client.get(f"/organisations{query}", headers=ENGLISH).get_data(as_text=True)
    assert "60 organisations match" in html
    assert "page 1 of 3" in html

    links = page_links(html)
    assert "Previous page" not in links
    assert links["Next page"] == {"q": ["kulturföreningen nr"], "area": ["kultur"], "municipality": ["2580"],
                                  "page": ["2"]}
    assert links["3"]["page"] == ["3"] and links["3"]["area"] == ["kultur"]

    assert listed(client, f"{query}&page=2") == [f"Kulturföreningen nr {n:02d}" for n in range(26, 51)]
    assert listed(client, f"{query}&page=3") == [f"Kulturföreningen nr {n:02d}" for n in range(51, 61)]
    last = client.get(f"/organisations{query}&page=3", headers=ENGLISH).get_data(as_text=True)
    assert "Showing 51–60, page 3 of 3" in last
    assert "Next page" not in page_links(last)
    assert page_links(last)["Previous page"]["page"] == ["2"]


def test_repeated_filters_stay_repeated_in_page_links(client, many_associations):
    html = client.get("/organisations?municipality=2580&municipality=2581", headers=ENGLISH).get_data(as_text=True)
    assert "71 organisations match" in html  # 65 new ones, and Zonta, Läslust, Öbergs, Region, the kommun, Röda Korset
    assert page_links(html)["Next page"]["municipality"] == ["2580", "2581"]


def test_a_page_past_the_end_shows_the_last_page(client, many_associations):
    assert listed(client, "?area=kultur&municipality=2581&page=99") == listed(client, "?area=kultur&municipality=2581")
    assert listed(client, "?q=kulturföreningen+nr&page=99") == [f"Kulturföreningen nr {n:02d}" for n in range(51, 61)]


# --- what the public never sees ---------------------------------------------------------------

def test_organisations_not_yet_approved_are_never_listed(client, register, app):
    assert PENDING not in listed(client, "?q=väntande")
    assert UNCONFIRMED not in listed(client, "?area=kultur&municipality=2580")
    for who in ("admin", "organiser", "pending_rep"):  # not in the public list, whoever looks
        sign_in(client, register[who])
        assert not {PENDING, UNCONFIRMED} & set(listed(client))


@pytest.mark.parametrize("who", [None, "representative"])
def test_an_unapproved_organisation_is_not_found_by_others(client, register, who):
    if who:
        sign_in(client, register[who])  # Röda Korset's representative: another organisation
    for key in ("pending", "unconfirmed"):
        response = client.get(f"/organisations/{register[key]}", headers=ENGLISH)
        assert response.status_code == 404
        assert PENDING not in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["pending_rep", "admin", "organiser"])
def test_an_unapproved_organisation_is_shown_to_its_people_and_the_curators(client, register, who):
    sign_in(client, register[who])
    page = client.get(f"/organisations/{register['pending']}", headers=ENGLISH)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert PENDING in html and "Awaiting approval" in html and "not public yet" in html


def test_an_organisation_that_does_not_exist_is_not_found(client, register):
    assert client.get("/organisations/999999").status_code == 404


# --- downloads ---------------------------------------------------------------------------------

def read_csv(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def read_xlsx(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_downloads_hold_the_filtered_list(client, many_associations):
    query = "?area=kultur&municipality=2581"
    shown = listed(client, query)
    csv_response = client.get(f"/organisations/export.csv{query}", headers=ENGLISH)
    xlsx_response = client.get(f"/organisations/export.xlsx{query}", headers=ENGLISH)
    assert csv_response.status_code == xlsx_response.status_code == 200
    assert re.match(r'attachment; filename="register-\d{4}-\d{2}-\d{2}\.csv"',
                    csv_response.headers["Content-Disposition"])

    csv_rows, xlsx_rows = read_csv(csv_response), read_xlsx(xlsx_response)
    assert csv_rows[0] == xlsx_rows[0] == [
        "Name", "Kind", "Level", "Organisation number", "Field of activity", "Subject areas",
        "Municipalities", "Website", "Member of", "Page in the register"]
    assert [row[0] for row in csv_rows[1:]] == [row[0] for row in xlsx_rows[1:]] == shown
    assert len(shown) == 7  # every match, not one page: Öbergs, Läslust and five new ones


def test_downloads_are_not_paged(client, many_associations):
    rows = read_csv(client.get("/organisations/export.csv?q=kulturföreningen+nr", headers=ENGLISH))
    assert len(rows) == 1 + 60


def test_downloads_hold_public_facts_only(app, client, register):
    with app.app_context():
        red_cross = db.session.get(Organisation, register["association"])
        red_cross.contact_email = "kansli@redcross.example"
        db.session.commit()
    rows = read_xlsx(client.get("/organisations/export.xlsx?q=röda", headers=ENGLISH))
    assert rows[1][:9] == [RED_CROSS, "Civil-society organisation", "National", "802004-0000", "Social services",
                           "Public health", "Kiruna, Luleå", "https://www.redcross.se", None]
    assert rows[1][9] == f"http://localhost/organisations/{register['association']}"
    everything = repr(rows) + repr(read_csv(client.get("/organisations/export.csv")))
    assert "kansli@redcross.example" not in everything and "rep@redcross.example" not in everything


def test_downloads_never_hold_unapproved_organisations(client, register):
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/organisations/export.{fmt}?area=kultur")
        names = [row[0] for row in (read_csv(response) if fmt == "csv" else read_xlsx(response))[1:]]
        assert set(names) == {ZONTA, OBERGS, LASLUST, REGION, LULEA_KOMMUN}


def test_a_download_in_another_format_is_not_found(client, register):
    assert client.get("/organisations/export.pdf").status_code == 404


def test_the_list_links_to_downloads_with_the_same_filters(client, register):
    html = client.get("/organisations?area=kultur&level=local", headers=ENGLISH).get_data(as_text=True)
    for fmt in ("csv", "xlsx"):
        href = re.search(rf'href="(/organisations/export\.{fmt}[^"]*)"', html).group(1).replace("&amp;", "&")
        assert parse_qs(urlsplit(href).query) == {"area": ["kultur"], "level": ["local"]}


# --- the organisation's page --------------------------------------------------------------------

@pytest.fixture
def profile(app, register):
    """Röda Korset with an umbrella, members, forums and representatives, some of whom stay hidden."""
    with app.app_context():
        red_cross = db.session.get(Organisation, register["association"])
        region = db.session.get(Organisation, register["region"])
        by_name = {o.name: o for o in db.session.scalars(db.select(Organisation))}
        umbrella = Organisation(name="Samforma", kind=OrganisationKind.CIVIL_SOCIETY)
        db.session.add(umbrella)
        red_cross.umbrella, red_cross.umbrella_confirmed = umbrella, True
        # Röda Korset as an umbrella itself: one confirmed member, one not yet, one not approved.
        by_name[ALVSBYN].umbrella, by_name[ALVSBYN].umbrella_confirmed = red_cross, True
        by_name[ZONTA].umbrella = red_cross
        by_name[PENDING].umbrella, by_name[PENDING].umbrella_confirmed = red_cross, True

        shown = db.session.get(Person, register["representative"])  # Rut Representant
        db.session.scalar(db.select(Membership).where(Membership.person_id == shown.id)).shown_publicly = True
        db.session.scalar(db.select(Membership).where(Membership.person_id == shown.id)).title = "Ordförande"
        hidden = Person(email="hidden@redcross.example", name="Hedda Hemlig")
        nameless = Person(email="nameless@redcross.example", name="")
        db.session.add_all([hidden, nameless])
        db.session.flush()
        db.session.add_all([
            Membership(person=hidden, organisation=red_cross, role=MembershipRole.REPRESENTATIVE),
            Membership(person=nameless, organisation=red_cross, role=MembershipRole.REPRESENTATIVE,
                       shown_publicly=True)])

        council = Forum(slug="lanspartnerskapet", name="Länspartnerskapet", organiser=region)
        network = Forum(slug="tia-natverket", name="TIA-nätverket", organiser=region)
        asked = Forum(slug="jamstalldhetsradet", name="Jämställdhetsrådet", organiser=region)
        db.session.add_all([council, network, asked])
        db.session.flush()
        council_member = ForumMember(forum=council, organisation=red_cross)
        db.session.add_all([
            council_member, ForumMember(forum=network, organisation=red_cross),
            ForumMember(forum=asked, organisation=red_cross, status=ForumMemberStatus.REQUESTED)])
        db.session.flush()
        db.session.add_all([
            ForumRepresentative(forum_id=council.id, organisation_id=red_cross.id, person_id=shown.id),
            ForumRepresentative(forum_id=council.id, organisation_id=red_cross.id, person_id=hidden.id)])
        db.session.commit()
        return {**register, "umbrella": umbrella.id}


def organisation_page(client, organisation_id: int) -> str:
    response = client.get(f"/organisations/{organisation_id}", headers=ENGLISH)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(html: str, heading: str) -> str:
    """The part of a page under an h2, up to the next h2."""
    match = re.search(rf"<h2>{re.escape(heading)}</h2>(.*?)(?=<h2>|</main>)", html, re.S)
    return match.group(1) if match else ""


def test_the_page_shows_the_public_facts(client, profile):
    html = organisation_page(client, profile["association"])
    assert f"<h1>{RED_CROSS}</h1>" in html
    for fact in ("Civil-society organisation", "National", "Social services", "802004-0000", "Public health",
                 "Kiruna, Luleå", "<strong>första hjälpen</strong>", 'href="https://www.redcross.se"'):
        assert fact in html


def test_representatives_are_shown_only_if_they_chose_to_be_and_never_with_their_address(client, profile):
    html = organisation_page(client, profile["association"])
    people = section(html, "Representatives")
    assert "Rut Representant" in people and "Ordförande" in people
    assert "Hedda Hemlig" not in html
    assert "@" not in people
    for address in ("rep@redcross.example", "hidden@redcross.example", "nameless@redcross.example"):
        assert address not in html


def test_the_umbrella_and_its_confirmed_members_are_shown(client, profile):
    html = organisation_page(client, profile["association"])
    assert f'<a href="/organisations/{profile["umbrella"]}">Samforma</a>' in html
    members = section(html, "Member organisations")
    assert ALVSBYN in members
    assert ZONTA not in members  # not confirmed by the umbrella yet
    assert PENDING not in members  # not approved


def test_an_unconfirmed_umbrella_is_not_claimed(app, client, profile):
    with app.app_context():
        db.session.get(Organisation, profile["association"]).umbrella_confirmed = False
        db.session.commit()
    html = organisation_page(client, profile["association"])
    assert "Samforma" not in html and "Member of" not in html


def test_the_forums_it_takes_part_in_with_who_speaks_for_it(client, profile):
    forums = section(organisation_page(client, profile["association"]), "Forums it takes part in")
    assert '<a href="/forums/lanspartnerskapet">Länspartnerskapet</a>' in forums
    assert '<a href="/forums/tia-natverket">TIA-nätverket</a>' in forums
    assert "Jämställdhetsrådet" not in forums  # only asked to join
    assert "represented by Rut Representant" in forums
    assert "Hedda Hemlig" not in forums  # speaks in the forum but chose not to be shown


def test_a_public_body_shows_the_forums_it_organises(client, profile):
    forums = section(organisation_page(client, profile["region"]), "Forums it organises")
    assert [name for name in ("Jämställdhetsrådet", "Länspartnerskapet", "TIA-nätverket") if name in forums] == [
        "Jämställdhetsrådet", "Länspartnerskapet", "TIA-nätverket"]


def test_a_website_that_is_not_a_web_address_is_never_a_link(app, client, register):
    with app.app_context():
        db.session.get(Organisation, register["association"]).website = "javascript:alert(1)"
        db.session.commit()
    assert "javascript:" not in organisation_page(client, register["association"])


EDIT_ENDPOINT = "organisation_admin.edit"


@pytest.fixture
def edit_page(app):
    """The edit page belongs to organisation_admin; stand in for it if that blueprint is not there."""
    if EDIT_ENDPOINT not in app.view_functions:
        app.add_url_rule("/organisations/<int:organisation_id>/edit", EDIT_ENDPOINT, lambda organisation_id: "")


@pytest.mark.parametrize(("who", "sees_link"), [
    (None, False), ("representative", True), ("admin", True), ("organiser", True), ("pending_rep", False)])
def test_the_edit_link_is_shown_to_those_who_may_edit(client, register, edit_page, who, sees_link):
    if who:
        sign_in(client, register[who])
    html = organisation_page(client, register["association"])
    assert (f'href="/organisations/{register["association"]}/edit"' in html) == sees_link


def test_an_organisation_in_every_municipality_says_so_in_the_list(app, client, register):
    with app.app_context():
        db.session.get(Organisation, register["region"]).municipalities = list(db.session.scalars(
            db.select(Municipality)))
        db.session.commit()
    html = client.get("/organisations?kind=public_body", headers=ENGLISH).get_data(as_text=True)
    results = html.partition('class="results"')[2]
    assert "all municipalities" in results and "Kiruna" not in results
    assert "Kiruna, Luleå, Piteå, Älvsbyn" in organisation_page(client, register["region"])


@pytest.mark.parametrize(("page", "expected"), [
    (1, [1, 2, 3, None, 40]),
    (5, [1, 2, 3, 4, 5, 6, 7, None, 40]),
    (20, [1, None, 18, 19, 20, 21, 22, None, 40]),
    (40, [1, None, 38, 39, 40]),
])
def test_page_links_show_the_ends_and_the_pages_around_this_one(page, expected):
    from meetings.domain.paging import Page

    assert Page(items=[], total=1000, page=page, page_size=25).page_links() == expected
