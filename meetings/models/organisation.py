"""Organisations: civil-society associations, public bodies and municipalities."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enums import Level, OrganisationKind, enum_column
from .reference import Municipality, SubjectArea
from .types import UTCDateTime, utcnow

organisation_subject_area = Table(
    "organisation_subject_area",
    db.metadata,
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
    Column("subject_area_id", ForeignKey("subject_area.id", ondelete="CASCADE"), primary_key=True),
)

organisation_municipality = Table(
    "organisation_municipality",
    db.metadata,
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipality.id", ondelete="CASCADE"), primary_key=True),
)


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind))
    # Swedish organisationsnummer, stored as 10 digits without the hyphen.
    org_number: Mapped[str | None] = mapped_column(String(10), unique=True)
    level: Mapped[Level] = mapped_column(enum_column(Level), default=Level.REGIONAL)
    # ICNPO group (1–12), the classification the mapping report uses for civil society.
    icnpo_group: Mapped[int | None]
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))
    umbrella_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    umbrella: Mapped[Organisation | None] = relationship(
        remote_side=[id], back_populates="umbrella_members")
    umbrella_members: Mapped[list[Organisation]] = relationship(back_populates="umbrella")
    subject_areas: Mapped[list[SubjectArea]] = relationship(
        secondary=organisation_subject_area, order_by=SubjectArea.name_sv)
    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=organisation_municipality, order_by=Municipality.name)
    memberships: Mapped[list[Membership]] = relationship(  # noqa: F821
        back_populates="organisation", cascade="all, delete-orphan")

    @property
    def is_public_sector(self) -> bool:
        return self.kind in (OrganisationKind.PUBLIC_BODY, OrganisationKind.MUNICIPALITY)

    @property
    def formatted_org_number(self) -> str | None:
        if not self.org_number:
            return None
        return f"{self.org_number[:6]}-{self.org_number[6:]}"

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"
