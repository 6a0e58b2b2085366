"""The base of every form: Flask-WTF's, with the checks every field of its kind needs.

What reaches a form is already free of control characters (``meetings.inputs``). Here, by the
kind of field and whatever the form declares:

- a one-line text field refuses line breaks (a title with one would break calendar files and
  e-mail subjects);
- a whole number, or a choice stored as one, must fit an integer column.

WTForms' own messages for a field a form gives no message of its own are said in the project's
words (``OWN_MESSAGES``): its Swedish ones are machine-like ("Inte ett giltigt val", "kunde inte
ceorce:a") and say nothing about what to do.

Every form in the core and in built-in plugins derives from ``FlaskForm`` here (a test checks).
"""

from __future__ import annotations

import wtforms
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm as _FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from wtforms import Field, HiddenField, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.fields.choices import SelectFieldBase
from wtforms.i18n import DummyTranslations
from wtforms.validators import StopValidation

from ..inputs import LARGEST_ID

LINE_BREAKS = ("\n", "\r", "\u2028", "\u2029", "\x85")


def single_line(form, field: Field) -> None:
    if isinstance(field.data, str) and any(mark in field.data for mark in LINE_BREAKS):
        raise StopValidation(_l("Write this on one line."))


def fits_a_column(form, field: Field) -> None:
    values = field.data if isinstance(field.data, list | tuple) else [field.data]
    if any(isinstance(value, int) and not -LARGEST_ID <= value <= LARGEST_ID for value in values):
        raise StopValidation(_l("That number is too large."))


def _is_single_line(field: Field) -> bool:
    return isinstance(field, StringField) and not isinstance(field, TextAreaField | HiddenField | PasswordField)


def _holds_integers(field: Field) -> bool:
    return isinstance(field, IntegerField) or (isinstance(field, SelectFieldBase) and field.coerce is int)


CHOOSE_FROM_THE_LIST = _l("Choose one of the options in the list.")
# WTForms' message -> the project's (in the project's catalogues, so both languages say the same).
OWN_MESSAGES = {
    "Not a valid choice.": CHOOSE_FROM_THE_LIST,
    "Invalid Choice: could not coerce.": CHOOSE_FROM_THE_LIST,
    "Invalid choice(s): one or more data inputs could not be coerced.": CHOOSE_FROM_THE_LIST,
    "'%(value)s' is not a valid choice for this field.": CHOOSE_FROM_THE_LIST,
    "This field is required.": _l("Fill in this field."),
    "Not a valid integer value.": _l("Enter a whole number, for example 40."),
    "Not a valid date value.": _l("Enter a date like 2027-03-12."),
    "Not a valid datetime value.": _l("Enter a date and time like 2027-03-12 13:00."),
}


class _PlainMessages:
    """WTForms' translations, with ``OWN_MESSAGES`` said in the project's words."""

    def __init__(self, fallback) -> None:
        self.fallback = fallback or DummyTranslations()

    def gettext(self, string: str) -> str:
        own = OWN_MESSAGES.get(string)
        return str(own) if own is not None else self.fallback.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        own = OWN_MESSAGES.get(singular)
        return str(own) if own is not None else self.fallback.ngettext(singular, plural, n)


class CheckedMeta:
    """Adds the checks above to each field by its kind, when the field is bound to its form, and
    gives WTForms' own messages in plain words."""

    def get_translations(self, form):
        return _PlainMessages(super().get_translations(form))

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        added = []
        if _is_single_line(field):
            added.append(single_line)
        if _holds_integers(field):
            added.append(fits_a_column)
        if added:
            field.validators = [*added, *field.validators]
        return field


class LazyToken:
    """A CSRF token made when the form is rendered, not when it is built.

    The token lives in the session, so making it sets a cookie. Views build forms they show only
    to some (a forum's "ask to join", an organiser's buttons); a page that renders none of them
    then sets no cookie, and a proxy may keep it (meetings.caching).
    """

    def __init__(self, make):
        self._make = make
        self._token = None

    def __str__(self) -> str:
        if self._token is None:
            self._token = self._make()
        return self._token

    def __html__(self) -> str:
        return str(self)


class LazyCSRF(_FlaskFormCSRF):
    def generate_csrf_token(self, csrf_token_field):
        return LazyToken(lambda: super(LazyCSRF, self).generate_csrf_token(csrf_token_field))


class FlaskForm(_FlaskForm):
    """Flask-WTF's form (with its CSRF token, made when rendered) and the checks above."""

    class Meta(CheckedMeta):
        csrf_class = LazyCSRF


class Form(wtforms.Form):
    """A form without a CSRF token of its own, used inside another (a row of a FieldList)."""

    class Meta(CheckedMeta):
        pass
