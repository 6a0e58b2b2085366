"""Meetings held within a forum."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enums import MeetingFormat, MeetingStatus, enum_column
from .forum import Forum
from .reference import Municipality
from .types import UTCDateTime, utcnow


class Meeting(db.Model):
    __tablename__ = "meeting"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    format: Mapped[MeetingFormat] = mapped_column(enum_column(MeetingFormat))
    venue_name: Mapped[str] = mapped_column(String(200), default="")
    venue_address: Mapped[str] = mapped_column(String(300), default="")
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"), index=True)
    # Shown only to confirmed registrants and organisers, never on public pages.
    online_url: Mapped[str | None] = mapped_column(String(500))
    # Seats on site; None means no limit.
    capacity: Mapped[int | None]
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus), default=MeetingStatus.DRAFT, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    forum: Mapped[Forum] = relationship(back_populates="meetings")
    municipality: Mapped[Municipality | None] = relationship()

    @property
    def is_published(self) -> bool:
        return self.status == MeetingStatus.PUBLISHED

    @property
    def has_venue(self) -> bool:
        return self.format in (MeetingFormat.ON_SITE, MeetingFormat.HYBRID)

    @property
    def is_online(self) -> bool:
        return self.format in (MeetingFormat.DIGITAL, MeetingFormat.HYBRID)

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.title!r}>"
