"""The compensation plugin's own Babel domain ("compensation")."""

from meetings import api

domain = api.translation_domain("compensation")
_ = domain.gettext
_l = domain.lazy_gettext
ngettext = domain.ngettext


def long_date(day) -> str:
    """A calendar day in the reader's language: "12 april 2027"."""
    from flask_babel import format_date

    return format_date(day, "long")


def kronor(ore: int) -> str:
    """An amount in öre for the reader: "1 250,50 kr" in Swedish, "SEK1,250.50" in English."""
    from decimal import Decimal

    from flask_babel import format_currency

    return format_currency(Decimal(ore) / 100, "SEK")
