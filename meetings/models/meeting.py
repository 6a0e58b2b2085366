"""Meetings held within a forum."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enums import MeetingFormat, MeetingStatus, enum_column
from .forum import Forum
from .reference import Municipality
from .types import UTCDateTime, utcnow

# The formats with a place to come to, and those that can be joined online: what has_venue and
# is_online answer for one meeting, and what lists filter on.
VENUE_FORMATS = (MeetingFormat.ON_SITE, MeetingFormat.HYBRID)
ONLINE_FORMATS = (MeetingFormat.DIGITAL, MeetingFormat.HYBRID)


class Meeting(db.Model):
    __tablename__ = "meeting"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("capacity IS NULL OR confirmed_on_site <= capacity", name="on_site_within_capacity"),
        CheckConstraint("online_capacity IS NULL OR confirmed_online <= online_capacity",
                        name="online_within_capacity"),
        # What is coming is found by its end, never by walking the past: the home page, the
        # directory and the feeds' window (ends_at), a forum's coming meetings and its past
        # counted (forum_id, ends_at) and paged newest first (forum_id, starts_at).
        Index("ix_meeting_ends_at", "ends_at"),
        Index("ix_meeting_forum_id_ends_at", "forum_id", "ends_at"),
        Index("ix_meeting_forum_id_starts_at", "forum_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id", ondelete="CASCADE"))
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
    access_info: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Seats on site and places online; None means no limit.
    capacity: Mapped[int | None]
    online_capacity: Mapped[int | None]
    # Confirmed registrations, kept on the row so that taking a seat is one conditional UPDATE
    # (see meetings.domain.registration): capacity holds however many register at once.
    confirmed_on_site: Mapped[int] = mapped_column(default=0, server_default="0")
    confirmed_online: Mapped[int] = mapped_column(default=0, server_default="0")
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None: registration stays open until the meeting starts.
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Members-only meetings are shown to the forum's member organisations and the invited only.
    members_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    reminder_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    reminder_hours: Mapped[int] = mapped_column(default=24, server_default="24")
    reminder_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Whom to ask about the meeting; shown on its page and in every e-mail about it
    # (meetings.domain.identity.meeting_contact decides what is shown when these are empty).
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    # Rises when time or place changes, so calendars replace the entry they have (RFC 5545).
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus), default=MeetingStatus.DRAFT, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    forum: Mapped[Forum] = relationship(back_populates="meetings")
    municipality: Mapped[Municipality | None] = relationship()
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan")
    sessions: Mapped[list[MeetingSession]] = relationship(  # noqa: F821
        back_populates="meeting", order_by="MeetingSession.starts_at", cascade="all, delete-orphan")

    @property
    def is_published(self) -> bool:
        return self.status == MeetingStatus.PUBLISHED

    @property
    def has_venue(self) -> bool:
        return self.format in VENUE_FORMATS

    @property
    def is_online(self) -> bool:
        return self.format in ONLINE_FORMATS

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.title!r}>"


class AgendaItem(db.Model):
    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")
