"""Secret addresses of personal feeds: stored hashed, revocable and renewable."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select, update

from meetings.extensions import db
from meetings.models import Person, utcnow

from .models import FeedToken


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def person_for(token: str) -> Person | None:
    found = db.session.scalar(select(FeedToken).where(FeedToken.token_hash == _hash(token),
                                                      FeedToken.revoked_at.is_(None)))
    return found.person if found is not None else None


def active(person: Person) -> FeedToken | None:
    return db.session.scalar(select(FeedToken).where(FeedToken.person_id == person.id,
                                                     FeedToken.revoked_at.is_(None)))


def revoke(person: Person) -> None:
    db.session.execute(update(FeedToken).where(FeedToken.person_id == person.id, FeedToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
    db.session.commit()


def renew(person: Person) -> str:
    """A new secret address; the old one stops working at once. Returns the raw token."""
    db.session.execute(update(FeedToken).where(FeedToken.person_id == person.id, FeedToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
    token = secrets.token_urlsafe(32)
    db.session.add(FeedToken(person_id=person.id, token_hash=_hash(token)))
    db.session.commit()
    return token


def export(person: Person) -> list[dict]:
    rows = db.session.scalars(select(FeedToken).where(FeedToken.person_id == person.id).order_by(FeedToken.id))
    return [{"created_at": row.created_at.isoformat(),
             "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None} for row in rows]


def erase(person: Person) -> None:
    db.session.query(FeedToken).filter(FeedToken.person_id == person.id).delete()
