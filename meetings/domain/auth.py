"""Signing in without passwords: a one-time link sent by e-mail.

A link is good for one use within 15 minutes. Only a hash of its token is stored. Asking for a
link answers the same whether or not the address is known, so the form reveals nobody's address.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, select, update

from ..extensions import db
from ..models import Person, SignInToken, utcnow
from ..urls import safe_next_path
from .mail import queue_mail

LINK_LIFETIME = timedelta(minutes=15)


class SignInProblem(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


class SignInError(Exception):
    def __init__(self, problem: SignInProblem, registration: bool = False):
        self.problem = problem
        # The link was sent to confirm an organisation's registration (see domain.organisations).
        self.registration = registration
        super().__init__(problem.value)


def normalise_email(address: str) -> str:
    return address.strip().lower()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def request_sign_in_link(email: str, locale: str, next_path: str | None = None,
                         now: datetime | None = None) -> None:
    """Queue an e-mail with a fresh sign-in link for ``email`` and commit."""
    now = now or utcnow()
    email = normalise_email(email)
    token = secrets.token_urlsafe(32)
    db.session.add(SignInToken(token_hash=hash_token(token), email=email,
                               next_path=safe_next_path(next_path), created_at=now,
                               expires_at=now + LINK_LIFETIME))
    person = db.session.scalar(select(Person).where(Person.email == email))
    queue_mail("sign_in_link", email, "sign_in_link",
               locale=(person.locale if person and person.locale else locale),
               token=token,
               minutes=int(LINK_LIFETIME.total_seconds() // 60))
    db.session.commit()


def check_token(token: str, now: datetime | None = None) -> SignInToken:
    """The stored link for ``token`` if it can still be used; raises SignInError otherwise."""
    now = now or utcnow()
    stored = db.session.scalar(select(SignInToken).where(SignInToken.token_hash == hash_token(token)))
    if stored is None:
        raise SignInError(SignInProblem.UNKNOWN)
    registration = stored.organisation_id is not None
    if stored.used_at is not None:
        raise SignInError(SignInProblem.USED, registration)
    if stored.expires_at <= now:
        raise SignInError(SignInProblem.EXPIRED, registration)
    return stored


def use_token(token: str, locale: str, now: datetime | None = None) -> tuple[Person, str]:
    """Spend a sign-in link; returns the person (created on first sign-in) and where to go next.

    The link is marked used with a conditional update, so two clicks at the same moment cannot
    both succeed. A registration link also confirms the organisation, in the same transaction.
    """
    now = now or utcnow()
    stored = check_token(token, now)
    spent = db.session.execute(
        update(SignInToken).where(SignInToken.id == stored.id, SignInToken.used_at.is_(None))
        .values(used_at=now))
    if spent.rowcount != 1:
        db.session.rollback()
        raise SignInError(SignInProblem.USED)
    person = db.session.scalar(select(Person).where(Person.email == stored.email))
    if person is None:
        person = Person(email=stored.email, locale=locale)
        db.session.add(person)
    person.last_sign_in_at = now
    if stored.organisation_id is not None:
        from .organisations import confirm_registration  # imported here: that module builds on this one

        if not confirm_registration(stored, person):
            db.session.rollback()
            raise SignInError(SignInProblem.UNKNOWN, registration=True)
    next_path = safe_next_path(stored.next_path)  # checked again: it may have been stored long ago
    db.session.commit()
    return person, next_path


def end_sessions(person: Person) -> None:
    """Every session of ``person`` ends, on every device and in every copy of its cookie: the
    generation that each session carries no longer matches. Commits."""
    db.session.execute(update(Person).where(Person.id == person.id)
                       .values(session_generation=Person.session_generation + 1))
    db.session.commit()


def purge_spent_tokens(now: datetime | None = None) -> int:
    """Remove links that can no longer be used: they hold an address and serve no purpose.

    Registrations whose confirmation link ran out unused go with them.
    """
    from .organisations import purge_expired_registrations  # imported here: that module builds on this one

    now = now or utcnow()
    purge_expired_registrations(now)
    result = db.session.execute(delete(SignInToken).where(SignInToken.expires_at < now - timedelta(days=1)))
    db.session.commit()
    return result.rowcount


def create_admin(email: str) -> tuple[Person, bool]:
    """Make ``email`` an admin, creating the person if needed; returns (person, created)."""
    email = normalise_email(email)
    person = db.session.scalar(select(Person).where(Person.email == email))
    created = person is None
    if created:
        person = Person(email=email)
        db.session.add(person)
    person.is_admin = True
    db.session.commit()
    return person, created
