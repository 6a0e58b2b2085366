"""A person's own settings."""

from __future__ import annotations

from ..config import SUPPORTED_LOCALES
from ..extensions import db
from ..models import Person


def update_account(person: Person, *, name: str | None = None, locale: str | None = None) -> None:
    if name is not None:
        person.name = name[:200]
    if locale is not None:
        if locale not in SUPPORTED_LOCALES:
            raise ValueError(f"unsupported locale {locale!r}")
        person.locale = locale
    db.session.commit()
