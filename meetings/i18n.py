"""Choosing the language of a request, and formatting dates and times for it."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask, Response, current_app, g, request
from flask_babel import format_date, format_datetime, format_time, get_locale
from flask_babel.speaklater import LazyString
from markupsafe import escape

from .config import SUPPORTED_LOCALES

LANGUAGE_NAMES = {"sv": "Svenska", "en": "English"}  # each in its own language, never translated
# A visitor's choice of language is a plain cookie, not part of the session: choosing a language
# then starts no session, and the pages of visitors who never chose one stay alike for everyone
# (meetings.caching). A signed-in person's choice is also saved in their account.
LANGUAGE_COOKIE = "language"
LANGUAGE_COOKIE_LIFETIME = timedelta(days=365)
# Dates and times follow European habits in English too ("13 March 2027 13:00"), as our readers
# are in Sweden; gettext falls back from en_GB to the en catalogue.
FORMATTING_LOCALES = {"sv": "sv_SE", "en": "en_GB"}


def _lazy_text_as_html(self: LazyString) -> str:
    return str(escape(str(self)))


# Flask-Babel's lazy messages (lazy_gettext, ``_l``) declare themselves HTML, so a template showed
# one unescaped, with whatever a user typed into it ("%(email)s is named twice."). A message is
# text: here it is escaped like any other, in every template, filter (join) and error list.
LazyString.__html__ = _lazy_text_as_html


def babel_locale(language: str) -> str:
    """The locale to format and translate with for one of our languages."""
    return FORMATTING_LOCALES.get(language, language)


def select_locale() -> str:
    """The signed-in person's setting wins, then the language switcher, then the browser."""
    return babel_locale(_chosen_language())


def _chosen_language() -> str:
    person = getattr(g, "person", None)
    if person is not None and person.locale in SUPPORTED_LOCALES:
        return person.locale
    chosen = remembered_language()
    if chosen is not None:
        return chosen
    best = request.accept_languages.best_match(SUPPORTED_LOCALES)
    return best or current_app.config["DEFAULT_LOCALE"]


def remembered_language() -> str | None:
    """The language this browser chose with the language switcher, if it did."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    return chosen if chosen in SUPPORTED_LOCALES else None


def remember_language(response: Response, language: str) -> None:
    """Keep ``language`` for this browser, signed in or not (it stays after signing out)."""
    config = current_app.config
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=LANGUAGE_COOKIE_LIFETIME, path="/",
                        secure=config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")


def select_timezone() -> str:
    return current_app.config["TIME_ZONE"]


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else current_app.config["DEFAULT_LOCALE"]


def format_when(start: datetime, end: datetime | None = None) -> str:
    """A meeting's time as people write it: "12 mars 2027 13:00–15:30" in the local zone."""
    if end is None:
        return format_datetime(start, "medium")
    same_day = format_date(start, "short") == format_date(end, "short")
    if same_day:
        return f"{format_date(start, 'long')} {format_time(start, 'short')}–{format_time(end, 'short')}"
    return f"{format_datetime(start, 'medium')} – {format_datetime(end, 'medium')}"


def init_app(app: Flask) -> None:
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt)
    app.jinja_env.filters["date"] = lambda value, fmt="long": format_date(value, fmt)
    app.jinja_env.filters["time"] = lambda value, fmt="short": format_time(value, fmt)
    app.jinja_env.globals["format_when"] = format_when
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["current_language"] = current_language
