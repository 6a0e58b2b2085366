"""News for organisations that asked to hear about an area or a municipality, sent in batches."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class PendingNotification(db.Model):
    """One new forum or public meeting that matches an organisation's interests, not yet mailed.

    A job gathers an organisation's pending rows into one e-mail per representative, so a busy day
    gives one message rather than one per item.
    """

    __tablename__ = "pending_notification"
    __table_args__ = (UniqueConstraint("organisation_id", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    subject_type: Mapped[str] = mapped_column(String(20))  # "forum" or "meeting"
    subject_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
