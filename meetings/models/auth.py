"""One-time sign-in links."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class SignInToken(db.Model):
    """A sign-in link sent by e-mail. Only the SHA-256 of the token is stored, so a copy of
    the database cannot be used to sign in. The address is kept (rather than a person) so
    that no account exists until someone actually follows a link."""

    __tablename__ = "sign_in_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    next_path: Mapped[str] = mapped_column(String(500), default="/")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the link also confirms a newly registered organisation's e-mail address.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    # The registrant's name, given on the registration form; it becomes the name of the person
    # created when the link is followed (no person exists before that).
    person_name: Mapped[str | None] = mapped_column(String(200))
