"""People and whom they act for."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enums import MembershipRole, enum_column
from .organisation import Organisation
from .types import UTCDateTime, utcnow


class Person(db.Model):
    """Someone who can sign in. Only what the service needs: a name, an address, a language."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Always stored in lower case so that an address is one person however it is typed.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str | None] = mapped_column(String(10))
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Raised on signing out; a session made under an earlier generation no longer counts (see auth.py).
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="person", cascade="all, delete-orphan", foreign_keys="Membership.person_id")

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def organisations_with_role(self, role: MembershipRole) -> list[Organisation]:
        return [m.organisation for m in self.memberships if m.role == role]

    @property
    def is_organiser(self) -> bool:
        return self.is_admin or any(m.role == MembershipRole.ORGANISER for m in self.memberships)

    @property
    def is_representative(self) -> bool:
        return any(m.role == MembershipRole.REPRESENTATIVE for m in self.memberships)

    def organises_for(self, organisation: Organisation) -> bool:
        return self.is_admin or any(
            m.role == MembershipRole.ORGANISER and m.organisation_id == organisation.id
            for m in self.memberships)

    def represents(self, organisation: Organisation) -> bool:
        return any(m.organisation_id == organisation.id for m in self.memberships)

    def __repr__(self) -> str:
        return f"<Person {self.id}>"  # never the address: reprs end up in logs


class Membership(db.Model):
    """A person acts for an organisation: as its representative, or as an organiser of a public body."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("person_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    role: Mapped[MembershipRole] = mapped_column(enum_column(MembershipRole))
    title: Mapped[str] = mapped_column(String(120), default="")
    # Representatives choose whether the public register shows their name.
    shown_publicly: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # An admin who made someone a representative of an organisation that is not theirs (None when
    # the organisation's own people did, or the person joined through its registration).
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    person: Mapped[Person] = relationship(back_populates="memberships", foreign_keys=[person_id])
    added_by: Mapped[Person | None] = relationship(foreign_keys=[added_by_id])
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
