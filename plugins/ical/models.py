"""The calendar plugin's table: secret addresses of personal feeds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.extensions import db
from meetings.models import Person, UTCDateTime, utcnow


class FeedToken(db.Model):
    """A personal feed's secret address. Only its SHA-256 is stored, with the random ``seed`` it was
    derived from using the site's SECRET_KEY (see ``tokens``), so that its owner can see the address
    again while the database alone does not reveal it. Revoking keeps the row so the person can see
    when, and a renewed address is a new row."""

    __tablename__ = "ical_feed_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # None for addresses made before they could be shown again: their owner makes a new one.
    seed: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()
