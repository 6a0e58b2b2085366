"""The one layer that cleans what comes in, before any view, form or query sees it.

- Every value in the query string and in a form body loses its control characters (NUL, the
  vertical tab Word pastes, escape codes …); tabs and line breaks stay, for text areas. No database
  then refuses a NUL and no export refuses a character.
- Form posts are HTML forms: a JSON body, or a file in place of a field, is refused with 400 (a view
  that takes files says so with ``accepts_files``). So a field's value is always text.
- Numbers in addresses (``<int:…>``) stop at what an integer column holds, and other parts of an
  address hold no control characters; anything else is no page (404), never a database error.

Single-line fields, numbers and dates in forms are checked by ``meetings.forms.base``; the length
of a search is limited where the search is built.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask, Request, current_app, request
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter
from werkzeug.utils import cached_property

# What an INTEGER column holds on PostgreSQL (and what SQLite holds, with room to spare).
LARGEST_ID = 2**31 - 1
# C0 controls but tab, line feed and carriage return; DEL; C1 controls; Unicode's non-characters.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def clean_text(value: str) -> str:
    """``value`` without control characters (tabs and line breaks are kept)."""
    return CONTROL_CHARACTERS.sub("", value)


def _cleaned(values: MultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict([(clean_text(key), clean_text(value) if isinstance(value, str) else value)
                               for key, value in values.items(multi=True)])


class CleanRequest(Request):
    """Flask's request, with control characters removed from the query string and form fields."""

    @cached_property
    def args(self) -> ImmutableMultiDict:  # type: ignore[override]
        return _cleaned(super().args)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _cleaned(self.__dict__["form"])


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` that matches only numbers an integer column can hold."""

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min,
                         max=LARGEST_ID if max is None else max, signed=signed)


class PlainStringConverter(UnicodeConverter):
    """``<slug>``, ``<token>`` …: a part of an address with no control characters (a NUL would be
    refused by PostgreSQL), else no page."""

    def __init__(self, map: Any, minlength: int = 1, maxlength: int | None = None, length: int | None = None):
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = self.regex.replace("[^/]", "[^/\\x00-\\x1f\\x7f]")


class PlainPathConverter(PathConverter):
    regex = "[^/\\x00-\\x1f\\x7f][^\\x00-\\x1f\\x7f]*?"


def accepts_files(view: Callable) -> Callable:
    """Mark a view whose form takes file uploads; every other refuses them."""
    view.accepts_files = True  # type: ignore[attr-defined]
    return view


def refuse_what_no_form_sends():
    """Before each request: a POST to an HTML form is a form, and holds no files unless asked for."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return None
    from .errors import render_error

    if request.mimetype and request.mimetype not in FORM_TYPES:
        return render_error(400, _("This page takes the fields of its form, not other data."))
    view = current_app.view_functions.get(request.endpoint or "")
    if request.files and not getattr(view, "accepts_files", False):
        return render_error(400, _("This form does not take files. Please type the answers in its fields."))
    return None


def init_app(app: Flask) -> None:
    """Call before any route is added: the converter applies to rules made after it."""
    app.request_class = CleanRequest
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.url_map.converters["default"] = app.url_map.converters["string"] = PlainStringConverter
    app.url_map.converters["path"] = PlainPathConverter
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_what_no_form_sends)
