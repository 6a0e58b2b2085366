"""The mail outbox: every e-mail is a row written in the same transaction as its cause, and every
try to send it is a row of its own (``OutboxAttempt``), so a mail sent twice or failing shows."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))  # e.g. "sign_in_link"; plugins use their own
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # [{"filename": ..., "content_type": ..., "content": <text>}] — e.g. an invitation's .ics
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    # Whose name the mail is sent in (the From display name; the address is always MAIL_FROM) and
    # where answers go, decided when it is queued (meetings.domain.identity.mail_sender).
    from_name: Mapped[str | None] = mapped_column(String(200))
    reply_to: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # A sender claims a row until this time so that two workers never send the same mail; the
    # claim is taken (with a token of its own) just before this one message is sent.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # When sending first failed (cleared when it is sent or retried by an admin), and when the
    # admins were told that it has been failing for an hour.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tries: Mapped[list["OutboxAttempt"]] = relationship(
        back_populates="message", order_by="OutboxAttempt.id", cascade="all, delete-orphan", passive_deletes=True)


class OutboxAttempt(db.Model):
    """One try to hand a message to the SMTP server: who tried, when, and what went wrong."""

    __tablename__ = "outbox_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True)
    worker: Mapped[str] = mapped_column(String(100))  # host and process id
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None while in flight or when sent; otherwise the exception and what the server said.
    error: Mapped[str | None] = mapped_column(String(500))

    message: Mapped[OutboxMessage] = relationship(back_populates="tries")

