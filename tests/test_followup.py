"""The yearly follow-up report: figures checked through the pages and files against data built here."""

from __future__ import annotations

import csv
import io
import logging
import secrets
import types
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from markupsafe import Markup
from openpyxl import load_workbook
from pypdf import PdfReader

from meetings.domain.attendance import self_confirm_online
from meetings.extensions import db
from meetings.hookspecs import hookimpl
from meetings.models import (
    Invitation,
    InvitationStatus,
    Level,
    Meeting,
    Municipality,
    Organisation,
    Person,
    SubjectArea,
)
from meetings.plugins import ReportSection
from meetings.testing import (
    make_attendance,
    make_forum,
    make_meeting,
    make_organisation,
    make_person,
    make_registration,
    sign_in,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
YEAR = datetime.now(STOCKHOLM).year - 1
LAST = YEAR - 1


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=STOCKHOLM).astimezone(UTC)


def invite(meeting: Meeting, organisation: Organisation, status: InvitationStatus) -> None:
    db.session.add(Invitation(meeting_id=meeting.id, organisation_id=organisation.id, status=status,
                              token_hash=secrets.token_hex(32), sent_at=meeting.starts_at - timedelta(days=20)))
    db.session.commit()


def build_world() -> dict[str, int]:
    """Two public bodies, three forums, meetings in YEAR and LAST with every kind of attendance."""
    lulea = Municipality(code="2580", name="Luleå", county="Norrbottens län")
    kiruna = Municipality(code="2584", name="Kiruna", county="Norrbottens län")
    area = SubjectArea(code="friluftsliv", name_sv="Friluftsliv", name_en="Outdoor life")
    db.session.add_all([lulea, kiruna, area])
    db.session.commit()
    long_ago = at(YEAR - 3, 1, 10)
    region = make_organisation("Region Norrbotten", "public_body")
    county_board = make_organisation("Länsstyrelsen Norrbotten", "public_body")
    village = make_organisation("Byaföreningen Vitå", level=Level.LOCAL, icnpo_group=6, created_at=long_ago,
                                subject_areas=[area])
    red_cross = make_organisation("Röda Korset Norrbotten", level=Level.REGIONAL, icnpo_group=4,
                                  subject_areas=[area])
    anglers = make_organisation("Kiruna fiskeklubb", level=Level.LOCAL, icnpo_group=1)
    quiet = make_organisation("Tyst byalag", level=Level.LOCAL, icnpo_group=1, created_at=long_ago)
    town = make_organisation("Luleå kommun", "municipality", level=Level.LOCAL)

    council = make_forum(region, "Länspartnerskapet", participation_level="dialogue")
    consultation = make_forum(region, "Samråd om kollektivtrafik", participation_level="consultation")
    partnership = make_forum(county_board, "Jämställdhetsrådet", participation_level="partnership")

    # Last year: one meeting, the village association came as a walk-in.
    before = make_meeting(council, "Förra årets möte", starts_at=at(LAST, 5, 5), format="on_site",
                          municipality=lulea)
    make_attendance(meeting=before, walk_in="Vera Vit", organisation=village)

    # This year.
    spring = make_meeting(council, "Vårmöte", starts_at=at(YEAR, 3, 3), format="hybrid", municipality=lulea)
    vera = make_person("vera@example.org", "Vera Vit", represents=village)
    rut = make_person("rut@example.org", "Rut Röd", represents=red_cross)
    ronny = make_person("ronny@example.org", "Ronny Röd", represents=red_cross)
    on_site = make_registration(spring, vera, "on_site", organisation=village)
    make_attendance(on_site)
    online = make_registration(spring, rut, "online", organisation=red_cross)
    self_confirm_online(db.session.get(type(online), online.id), now=spring.starts_at + timedelta(minutes=5))
    make_registration(spring, ronny, "on_site", organisation=red_cross)  # a no-show
    make_attendance(meeting=spring, walk_in="Kalle Fiskare", organisation=anglers)
    make_attendance(meeting=spring, walk_in="Anna Annan", organisation="Byalaget utanför registret")
    invite(spring, village, InvitationStatus.YES)
    invite(spring, red_cross, InvitationStatus.NO)
    invite(spring, anglers, InvitationStatus.SENT)

    digital = make_meeting(consultation, "Digitalt samråd", starts_at=at(YEAR, 4, 4), format="digital")
    make_attendance(make_registration(digital, vera, "online", organisation=village))

    cancelled = make_meeting(council, "Inställt möte", starts_at=at(YEAR, 9, 9), format="on_site",
                             municipality=kiruna, status="cancelled")
    invite(cancelled, quiet, InvitationStatus.SENT)
    make_meeting(council, "Utkast", starts_at=at(YEAR, 10, 10), format="on_site", municipality=kiruna,
                 status="draft")

    gender = make_meeting(partnership, "Rådsmöte", starts_at=at(YEAR, 6, 2), format="on_site", municipality=lulea)
    make_attendance(meeting=gender, walk_in="Kim Kommun", organisation=town)

    admin = make_person("admin@example.org", "Ada Admin", is_admin=True)
    region_officer = make_person("officer@example.org", "Olle Organisatör", organises_for=region)
    board_officer = make_person("board@example.org", "Britt Länsstyrelse", organises_for=county_board)
    return {"admin": admin.id, "region_officer": region_officer.id, "board_officer": board_officer.id,
            "representative": vera.id, "council": council.id, "consultation": consultation.id,
            "partnership": partnership.id}


@pytest.fixture
def app(make_app):
    """The core's report alone: the built-in plugins' sections are tested with those plugins."""
    return make_app(MEETINGS_PLUGINS=())


@pytest.fixture
def world(app):
    with app.app_context():
        return build_world()


def figures(html: str, table_key: str) -> dict[str, tuple[str, str]]:
    """The rows of one figures table on a page: label -> (this year, last year) as the page shows them."""
    from html.parser import HTMLParser

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__()
            self.in_section = False
            self.depth = 0
            self.rows: list[list[str]] = []
            self.cell: list[str] | None = None

        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if tag == "section" and attributes.get("aria-labelledby") == f"table-{table_key}":
                self.in_section = True
            elif self.in_section and tag == "tr":
                self.rows.append([])
            elif self.in_section and tag in ("th", "td"):
                self.cell = []

        def handle_endtag(self, tag):
            if tag == "section":
                self.in_section = False
            elif self.in_section and tag in ("th", "td") and self.cell is not None:
                self.rows[-1].append(" ".join("".join(self.cell).split()))
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    parser = Parser()
    parser.feed(html)
    assert parser.rows, f"no table {table_key} on the page"
    return {row[0]: (row[1], row[2]) for row in parser.rows[1:]}


def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_admins_report_counts_held_meetings_attendance_and_organisations(app, world):
    client = english(app.test_client())
    sign_in(client, world["admin"])
    page = client.get(f"/followup/report?year={YEAR}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    summary = figures(html, "summary")
    assert summary["Meetings held"] == ("3", "1")  # not the cancelled one, not the draft
    assert summary["Meetings cancelled"] == ("1", "0")
    assert summary["Invitations sent"] == ("4", "0")
    assert summary["Invitations answered"] == ("2", "0")
    assert summary["Invitations answered yes"] == ("1", "0")
    assert summary["Registrations (confirmed)"] == ("4", "0")
    assert summary["Attendance"] == ("6", "1")
    assert summary["Attendance on site"] == ("4", "1")
    assert summary["Attendance online"] == ("2", "0")
    assert summary["of which walk-ins"] == ("3", "1")
    assert summary["of which confirmed online by themselves"] == ("1", "0")
    assert summary["No-shows (confirmed, did not attend)"] == ("1", "0")
    assert summary["Organisations taking part"] == ("4", "1")
    # The village association came last year already; the others are new.
    assert summary["Organisations taking part for the first time"] == ("3", "1")
    assert summary["Small associations taking part"] == ("2", "1")
    assert summary["Small associations in the register"] == ("3", "2")
    assert summary["Share of small associations reached"] == ("66.7%", "50%")

    assert figures(html, "meetings_by_format") == {
        "On site": ("1", "1"), "Online": ("1", "0"), "On site and online": ("1", "0")}
    assert figures(html, "meetings_by_forum") == {
        "Jämställdhetsrådet": ("1", "0"), "Länspartnerskapet": ("1", "1"), "Samråd om kollektivtrafik": ("1", "0")}
    assert figures(html, "meetings_by_level") == {
        "Information": ("0", "0"), "Consultation": ("1", "0"), "Dialogue": ("1", "1"), "Partnership": ("1", "0")}
    places = figures(html, "meetings_by_municipality")
    assert list(places)[:14] == ["Arjeplog", "Arvidsjaur", "Boden", "Gällivare", "Haparanda", "Jokkmokk", "Kalix",
                                 "Kiruna", "Luleå", "Pajala", "Piteå", "Älvsbyn", "Överkalix", "Övertorneå"]
    assert places["Luleå"] == ("2", "1")
    assert places["Kiruna"] == ("0", "0")  # the meeting there was cancelled
    assert places["Online only or elsewhere"] == ("1", "0")
    assert figures(html, "organisations_by_kind") == {
        "Civil-society organisation": ("3", "1"), "Public body": ("0", "0"), "Municipality": ("1", "0")}
    assert figures(html, "organisations_by_level") == {
        "Local": ("3", "1"), "Regional": ("1", "0"), "National": ("0", "0")}
    assert figures(html, "organisations_by_area") == {"Outdoor life": ("2", "1")}
    icnpo = figures(html, "organisations_by_icnpo")
    assert icnpo["Culture and recreation"] == ("1", "0")
    assert icnpo["Social services"] == ("1", "0")
    assert icnpo["Development and housing"] == ("1", "1")
    assert icnpo["Not classified"] == ("1", "0")
    # Each chart is an image with a text alternative, its table beside it.
    assert html.count('<img src="data:image/svg+xml;base64,') == 5
    assert "Bar chart: Meetings held per municipality" in html


def test_an_organiser_sees_only_the_forums_of_their_own_body(app, world):
    client = english(app.test_client())
    sign_in(client, world["region_officer"])
    html = client.get(f"/followup/report?year={YEAR}").get_data(as_text=True)
    assert figures(html, "summary")["Meetings held"] == ("2", "1")
    assert "Jämställdhetsrådet" not in html
    assert figures(html, "meetings_by_forum") == {
        "Länspartnerskapet": ("1", "1"), "Samråd om kollektivtrafik": ("1", "0")}

    one = client.get(f"/followup/report?year={YEAR}&forum={world['consultation']}").get_data(as_text=True)
    assert figures(one, "summary")["Meetings held"] == ("1", "0")

    # Another body's forum: a clear answer and the organiser's own figures, not the other forum's.
    other = client.get(f"/followup/report?year={YEAR}&forum={world['partnership']}")
    assert other.status_code == 200
    text = other.get_data(as_text=True)
    assert "You do not organise that forum" in text
    assert "Jämställdhetsrådet" not in text
    assert figures(text, "summary")["Meetings held"] == ("2", "1")
    # The files give nothing of the other forum either.
    assert client.get(f"/followup/report.csv?year={YEAR}&forum={world['partnership']}").status_code == 302

    sign_in(client, world["board_officer"])
    board = client.get(f"/followup/report?year={YEAR}").get_data(as_text=True)
    assert figures(board, "summary")["Meetings held"] == ("1", "0")
    assert "Länspartnerskapet" not in board


def test_anonymous_visitors_and_representatives_see_only_the_public_summary(app, world):
    client = english(app.test_client())
    response = client.get(f"/followup/report?year={YEAR}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert client.get(f"/followup/report.pdf?year={YEAR}").status_code == 302

    public = client.get(f"/followup?year={YEAR}")
    assert public.status_code == 200
    html = public.get_data(as_text=True)
    summary = figures(html, "summary")
    assert summary["Meetings held"] == ("3", "1")
    assert summary["Attendance"] == ("6", "fewer than 5")
    assert summary["Organisations taking part"] == ("fewer than 5", "fewer than 5")
    assert summary["Share of small associations reached"] == ("–", "–")  # too few to show
    assert figures(html, "organisations_by_kind")["Municipality"] == ("fewer than 5", "0")
    # Nothing that names or singles out a person: no names, no no-shows, no walk-ins, no plugin sections.
    for private in ("Vera", "Kalle", "Anna", "Ronny", "No-shows", "walk-ins", "Byalaget"):
        assert private not in html
    assert "/followup/report" not in html

    sign_in(client, world["representative"])
    assert client.get(f"/followup/report?year={YEAR}").status_code == 403
    assert "/followup/report" not in client.get("/followup").get_data(as_text=True)


def test_the_report_is_linked_in_the_navigation_for_those_who_may_see_it(app, world):
    client = english(app.test_client())
    assert 'href="/followup"' in client.get("/").get_data(as_text=True)
    sign_in(client, world["region_officer"])
    assert 'href="/followup/report"' in client.get("/").get_data(as_text=True)


def test_bad_years_and_empty_years_get_a_clear_answer(app, world):
    client = english(app.test_client())
    for bad in ("abc", "1899", str(YEAR + 5)):
        page = client.get(f"/followup?year={bad}")
        assert page.status_code == 200
        assert "There is no report for the year" in page.get_data(as_text=True)
    sign_in(client, world["admin"])
    page = client.get("/followup/report?year=nineteen")
    assert page.status_code == 200 and "There is no report for the year" in page.get_data(as_text=True)
    assert client.get("/followup/report.xlsx?year=nineteen").status_code == 302
    empty = client.get("/followup/report?year=2005").get_data(as_text=True)
    assert "No meetings were held in 2005." in empty
    assert figures(empty, "summary")["Meetings held"] == ("0", "0")


def test_swedish_is_the_default_and_small_counts_read_farre_an_5(app, world):
    html = app.test_client().get(f"/followup?year={YEAR}").get_data(as_text=True)
    assert "Möten som hållits" in html
    assert "färre än 5" in html


def test_the_pdf_xlsx_and_csv_hold_the_same_figures(app, world):
    client = english(app.test_client())
    sign_in(client, world["admin"])

    pdf = client.get(f"/followup/report.pdf?year={YEAR}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert f"Yearly follow-up report {YEAR}" in text
    assert "Meetings held per municipality" in text
    assert "Övertorneå" in text
    assert "Organisations taking part for the first time 3 1" in " ".join(text.split())

    xlsx = client.get(f"/followup/report.xlsx?year={YEAR}")
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.data))
    assert len(workbook.sheetnames) == 9
    summary = workbook[workbook.sheetnames[0]]
    rows = {row[0]: row[1:] for row in summary.iter_rows(min_row=2, values_only=True)}
    assert next(summary.iter_rows(max_row=1, values_only=True)) == ("Figure", str(YEAR), str(LAST))
    assert rows["Meetings held"] == (3, 1)
    assert rows["No-shows (confirmed, did not attend)"] == (1, 0)
    places = workbook["Meetings held per municipality"]
    assert [row[0] for row in places.iter_rows(min_row=2, values_only=True)][:3] == ["Arjeplog", "Arvidsjaur",
                                                                                     "Boden"]

    csv_response = client.get(f"/followup/report.csv?year={YEAR}")
    lines = list(csv.reader(io.StringIO(csv_response.data.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Table", "Figure", str(YEAR), str(LAST)]
    assert ["The year in figures", "Attendance", "6", "1"] in lines
    assert ["Meetings held per municipality", "Luleå", "2", "1"] in lines


def compensation_like_plugin() -> types.ModuleType:
    module = types.ModuleType("paid_plugin")

    @hookimpl
    def followup_sections(year, forum_ids):
        paid = {YEAR: 3, LAST: 1}.get(year, 0)
        return [ReportSection("Ersättning till föreningar", Markup("<p>Claims paid to associations.</p>"),
                              {"Claims paid": paid, "Forums": len(forum_ids) if forum_ids is not None else -1})]

    module.followup_sections = followup_sections
    return module


def broken_plugin() -> types.ModuleType:
    module = types.ModuleType("broken_plugin")

    @hookimpl
    def followup_sections(year, forum_ids):
        raise RuntimeError("the minutes table is missing")

    module.followup_sections = followup_sections
    return module


def test_plugin_sections_appear_beside_last_year_and_a_failing_one_breaks_nothing(make_app, caplog):
    app = make_app(plugins=[compensation_like_plugin(), broken_plugin()], MEETINGS_PLUGINS=())
    with app.app_context():
        world = build_world()
    client = english(app.test_client())
    sign_in(client, world["region_officer"])
    with caplog.at_level(logging.ERROR):
        page = client.get(f"/followup/report?year={YEAR}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Ersättning till föreningar" in html
    assert "<p>Claims paid to associations.</p>" in html
    assert figures(html, "section-1") == {"Claims paid": ("3", "1"), "Forums": ("2", "2")}
    assert "could not be made" in html and "broken_plugin" in html
    assert figures(html, "summary")["Meetings held"] == ("2", "1")  # the rest is all there
    assert "the minutes table is missing" in caplog.text

    pdf = client.get(f"/followup/report.pdf?year={YEAR}")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert "Ersättning till föreningar" in text and "Claims paid 3 1" in text
    workbook = load_workbook(io.BytesIO(client.get(f"/followup/report.xlsx?year={YEAR}").data))
    assert "Ersättning till föreningar" in workbook.sheetnames
    # Plugin sections are for the full report only.
    assert "Ersättning" not in client.get(f"/followup?year={YEAR}").get_data(as_text=True)


def test_a_forum_name_that_looks_like_a_formula_stays_text_in_the_files(app, world):
    with app.app_context():
        region = db.session.scalar(db.select(Organisation).where(Organisation.name == "Region Norrbotten"))
        forum = make_forum(region, "=HYPERLINK(\"http://evil.example\")")
        make_meeting(forum, "Möte", starts_at=at(YEAR, 2, 2), format="digital")
    client = english(app.test_client())
    sign_in(client, world["admin"])
    workbook = load_workbook(io.BytesIO(client.get(f"/followup/report.xlsx?year={YEAR}").data))
    names = [row[0] for row in workbook["Meetings held per forum"].iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://evil.example\")" in names
    text = client.get(f"/followup/report.csv?year={YEAR}").data.decode("utf-8-sig")
    cells = [row[1] for row in csv.reader(io.StringIO(text), delimiter=";")]
    assert "'=HYPERLINK(\"http://evil.example\")" in cells


def test_the_pdf_is_archivable_and_carries_its_title(app, world):
    client = english(app.test_client())
    sign_in(client, world["admin"])
    reader = PdfReader(io.BytesIO(client.get(f"/followup/report.pdf?year={YEAR}").data))
    assert reader.metadata.title == f"Yearly follow-up report {YEAR}"
    assert b"pdfaid" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()


def test_a_plugin_may_take_only_the_year(make_app):
    module = types.ModuleType("year_only_plugin")

    @hookimpl
    def followup_sections(year):
        return [ReportSection("Protokoll", Markup(""), {"Minutes kept": year - LAST})]

    module.followup_sections = followup_sections
    app = make_app(plugins=[module], MEETINGS_PLUGINS=())
    with app.app_context():
        world = build_world()
    client = english(app.test_client())
    sign_in(client, world["admin"])
    html = client.get(f"/followup/report?year={YEAR}").get_data(as_text=True)
    assert figures(html, "section-1") == {"Minutes kept": ("1", "0")}
    assert "could not be made" not in html


def test_the_demo_has_two_years_to_compare(app):
    from datetime import date

    from meetings.demo_data import load_demo_data

    with app.app_context():
        load_demo_data(today=date(YEAR, 10, 1))
        admin = db.session.scalar(db.select(Person).where(Person.is_admin.is_(True)).limit(1))
        admin.locale = "en"  # the demo's admin reads Swedish
        db.session.commit()
    client = english(app.test_client())
    sign_in(client, admin)
    summary = figures(client.get(f"/followup/report?year={YEAR}").get_data(as_text=True), "summary")
    for figure in ("Meetings held", "Attendance", "Organisations taking part", "No-shows (confirmed, did not attend)",
                   "of which walk-ins", "of which confirmed online by themselves"):
        this_year, last_year = summary[figure]
        assert int(this_year) > 0 and int(last_year) > 0, figure
