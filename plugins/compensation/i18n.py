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
