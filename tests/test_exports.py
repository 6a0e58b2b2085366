"""The CSV and XLSX downloads read back as the same table."""

import csv
import io
from datetime import datetime

from openpyxl import load_workbook

from meetings.exports import table_response

HEADERS = ["Namn", "Kommun", "Antal", "Datum"]
ROWS = [["Svenska Röda Korset", "Luleå", 12, datetime(2027, 3, 1, 13, 0)],
        ["=HYPERLINK(\"http://evil\")", "Kiruna", None, None]]


def test_csv_reads_back_in_excel_form(app):
    with app.test_request_context():
        response = table_response("csv", "register", HEADERS, ROWS)
    assert response.headers["Content-Disposition"] == 'attachment; filename="register.csv"'
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == HEADERS
    assert rows[1] == ["Svenska Röda Korset", "Luleå", "12", "2027-03-01 13:00"]
    assert rows[2][0].startswith("'=")  # a formula is never run by the spreadsheet


def test_xlsx_reads_back_with_types(app):
    with app.test_request_context():
        response = table_response("xlsx", "register", HEADERS, ROWS)
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == HEADERS
    assert values[1] == ["Svenska Röda Korset", "Luleå", 12, datetime(2027, 3, 1, 13, 0)]
    assert values[2][0].startswith("'=")


def test_unknown_format_is_not_found(app):
    import pytest
    from werkzeug.exceptions import NotFound

    with app.test_request_context(), pytest.raises(NotFound):
        table_response("pdf", "register", HEADERS, ROWS)


def test_a_csv_download_names_its_charset_once(app):
    app.add_url_rule("/test-export.csv", "test_export", lambda: table_response("csv", "register", HEADERS, ROWS))
    response = app.test_client().get("/test-export.csv")
    assert response.headers.getlist("Content-Type") == ["text/csv; charset=utf-8"]

def test_text_a_spreadsheet_refuses_is_cleaned_so_every_download_works(app, people):
    """Stored before such text was refused on the way in: a vertical tab pasted from Word into the
    dietary needs, a control character in an organisation's name."""
    from meetings.domain.registration import register
    from meetings.extensions import db
    from meetings.models import Organisation, ParticipationMode, Person
    from meetings.testing import sign_in
    from tests.test_registration import make_meeting

    meeting_id = make_meeting(app)
    with app.app_context():
        from meetings.models import Meeting

        meeting = db.session.get(Meeting, meeting_id)
        db.session.get(Organisation, people["association"]).name = "Röda\x1bKorset"
        db.session.commit()
        register(meeting, db.session.get(Person, people["representative"]), ParticipationMode.ON_SITE,
                 dietary_needs="Vegan\x0bglutenfri")
    visitor = app.test_client()
    register_xlsx = visitor.get("/organisations/export.xlsx")
    assert register_xlsx.status_code == 200
    names = [row[0] for row in load_workbook(io.BytesIO(register_xlsx.get_data())).active.values]
    assert "RödaKorset" in names

    organiser = app.test_client()
    sign_in(organiser, people["admin"])
    for fmt in ("xlsx", "csv"):
        download = organiser.get(f"/meetings/{meeting_id}/participants.{fmt}")
        assert download.status_code == 200, fmt
    rows = list(load_workbook(io.BytesIO(organiser.get(f"/meetings/{meeting_id}/participants.xlsx")
                                         .get_data())).active.values)
    assert "Veganglutenfri" in rows[1]
