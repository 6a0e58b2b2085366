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
