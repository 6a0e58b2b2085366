"""A person's own settings and what they have signed up for."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..config import SUPPORTED_LOCALES
from ..extensions import db
from ..models import Meeting, Person, Registration, RegistrationStatus, utcnow


def update_account(person: Person, *, name: str | None = None, locale: str | None = None) -> None:
    if name is not None:
        person.name = name[:200]
    if locale is not None:
        if locale not in SUPPORTED_LOCALES:
            raise ValueError(f"unsupported locale {locale!r}")
        person.locale = locale
    db.session.commit()


def coming_registrations(person: Person) -> list[Registration]:
    """The person's registrations (confirmed or waiting) for meetings that have not ended."""
    return list(db.session.scalars(
        select(Registration).join(Meeting)
        .where(Registration.person_id == person.id, Registration.status != RegistrationStatus.CANCELLED,
               Meeting.ends_at >= utcnow())
        .options(selectinload(Registration.meeting)).order_by(Meeting.starts_at)))
