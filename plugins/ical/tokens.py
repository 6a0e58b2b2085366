"""Secret addresses of personal feeds: stored hashed, revocable and renewable, and shown again to
their owner.

A token is not stored. It is derived from a random seed with an HMAC keyed by the site's
SECRET_KEY, and only the seed and the token's SHA-256 are kept: the owner's page derives the token
again to show it, a feed request is looked up by the hash. Someone who reads the database cannot
make a working address from it without the SECRET_KEY. If the SECRET_KEY changes, existing
addresses keep working (the hash does not depend on it) but cannot be shown again; the owner's
page then offers a new one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import select, update

from meetings.extensions import db
from meetings.models import Person, utcnow

from .models import FeedToken

_PURPOSE = b"ical personal feed address\x00"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _derive(seed: str) -> str:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    digest = hmac.new(key, _PURPOSE + seed.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")  # 43 characters, as before


def person_for(token: str) -> Person | None:
    found = db.session.scalar(select(FeedToken).where(FeedToken.token_hash == _hash(token),
                                                      FeedToken.revoked_at.is_(None)))
    return found.person if found is not None else None


def active(person: Person) -> FeedToken | None:
    return db.session.scalar(select(FeedToken).where(FeedToken.person_id == person.id,
                                                     FeedToken.revoked_at.is_(None)))


def current_token(person: Person) -> str | None:
    """The token of ``person``'s working address, for their own eyes only; None when they have none
    or it cannot be shown (made before addresses were kept, or under another SECRET_KEY)."""
    row = active(person)
    if row is None or row.seed is None:
        return None
    token = _derive(row.seed)
    return token if hmac.compare_digest(_hash(token), row.token_hash) else None


def revoke(person: Person) -> None:
    db.session.execute(update(FeedToken).where(FeedToken.person_id == person.id, FeedToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
    db.session.commit()


def renew(person: Person) -> str:
    """A new secret address; the old one stops working at once. Returns the raw token."""
    db.session.execute(update(FeedToken).where(FeedToken.person_id == person.id, FeedToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
    seed = secrets.token_hex(32)
    token = _derive(seed)
    db.session.add(FeedToken(person_id=person.id, token_hash=_hash(token), seed=seed))
    db.session.commit()
    return token


def export(person: Person) -> list[dict]:
    rows = db.session.scalars(select(FeedToken).where(FeedToken.person_id == person.id).order_by(FeedToken.id))
    return [{"created_at": row.created_at.isoformat(),
             "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None} for row in rows]


def erase(person: Person) -> None:
    db.session.query(FeedToken).filter(FeedToken.person_id == person.id).delete()
