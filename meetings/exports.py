"""Tables as CSV or XLSX downloads, for the register, forum members and participant lists.

Both formats get the same header row and values. CSV is written with a byte-order mark and
semicolons, because that is what Excel expects on Swedish computers; the XLSX has real types
(numbers stay numbers, dates stay dates).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from flask import Response, abort
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .inputs import clean_text

FORMATS = ("csv", "xlsx")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Cells that start with these are run as formulas by spreadsheet programs ("CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# What a spreadsheet cell holds; a sheet's name is shorter and may not hold some characters.
CELL_LENGTH = 32_767
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _safe_text(value: Any) -> Any:
    """Text a spreadsheet takes as text: no control characters (stored before they were refused
    on the way in, or pasted from Word), no formula, not longer than a cell."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)[:CELL_LENGTH]
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value[:CELL_LENGTH - 1]
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # XLSX has no time zones; callers pass local times
    return value


def table_response(fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
                   sheet_title: str = "Data") -> Response:
    """A download of ``rows`` as ``filename.csv`` or ``filename.xlsx``; 404 for another format."""
    if fmt == "csv":
        body = _csv(headers, rows)
        mimetype = "text/csv"  # Werkzeug adds "; charset=utf-8" to a text type itself
    elif fmt == "xlsx":
        body = _xlsx(headers, rows, sheet_title)
        mimetype = XLSX_MIME
    else:
        abort(404)
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else _safe_text(_format_csv(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _format_csv(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    return value


def _xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet_title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE_FORBIDDEN.sub(" ", clean_text(str(sheet_title)))[:31].strip("' ") or "Data"
    sheet.append([_safe_text(str(h)) for h in headers])
    widths = [len(str(h)) for h in headers]
    for row in rows:
        values = [_safe_text(_plain(v)) for v in row]
        sheet.append(values)
        widths = [max(w, min(len(str(v)) if v is not None else 0, 60)) for w, v in zip(widths, values, strict=False)]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width + 2
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_response(filename: str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> Response:
    """A download ``filename.xlsx`` with one sheet per ``(title, headers, rows)``; titles are cut to
    Excel's 31 characters and made unique."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for title, headers, rows in sheets:
        name = "".join(ch for ch in str(title) if ch not in "[]:*?/\\")[:31] or "Data"
        number = 2
        while name.lower() in used:
            suffix = f" {number}"
            name = name[:31 - len(suffix)] + suffix
            number += 1
        used.add(name.lower())
        sheet = workbook.create_sheet(name)
        sheet.append([_safe_text(str(h)) for h in headers])
        widths = [len(str(h)) for h in headers]
        for row in rows:
            values = [_safe_text(_plain(v)) for v in row]
            sheet.append(values)
            widths = [max(w, min(len(str(v)) if v is not None else 0, 60))
                      for w, v in zip(widths, values, strict=False)]
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width + 2
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = Response(buffer.getvalue(), mimetype=XLSX_MIME)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
