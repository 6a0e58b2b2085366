"""Organisations: civil-society associations, public bodies and municipalities."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, event, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..collation import SORT_KEY_LENGTH, swedish_sort_key
from ..extensions import db
from .enums import ICNPOGroup, Level, OrganisationKind, OrganisationStatus, enum_column
from .reference import Municipality, SubjectArea
from .types import UTCDateTime, utcnow

# The second columns are indexed too: the register filters by area and municipality.
organisation_subject_area = Table(
    "organisation_subject_area",
    db.metadata,
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
    Column("subject_area_id", ForeignKey("subject_area.id", ondelete="CASCADE"), primary_key=True, index=True),
)

organisation_municipality = Table(
    "organisation_municipality",
    db.metadata,
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipality.id", ondelete="CASCADE"), primary_key=True, index=True),
)

# What an organisation wants to hear about: new forums and public meetings in these areas/places.
organisation_interest_area = Table(
    "organisation_interest_area",
    db.metadata,
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
    Column("subject_area_id", ForeignKey("subject_area.id", ondelete="CASCADE"), primary_key=True),
)

organisation_interest_municipality = Table(
    "organisation_interest_municipality",
    db.metadata,
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipality.id", ondelete="CASCADE"), primary_key=True),
)


def search_key(text: str) -> str:
    """Text folded for searching: case-insensitive for å, ä and ö too, which SQLite's LIKE is not."""
    return " ".join(text.casefold().split())


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
    # The umbrella's representatives confirm that the organisation really is a member.
    umbrella_confirmed: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[OrganisationStatus] = mapped_column(
        enum_column(OrganisationStatus), default=OrganisationStatus.APPROVED,
        server_default=OrganisationStatus.APPROVED.value, index=True)
    # Where the register's e-mail goes; representatives have their own addresses.
    contact_email: Mapped[str | None] = mapped_column(String(254))
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The name in Swedish alphabetical order (see meetings.collation); the register is sorted by it.
    # Both columns are kept up to date by _refresh_search_columns below.
    sort_key: Mapped[str] = mapped_column(String(SORT_KEY_LENGTH), default="", server_default="", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    umbrella: Mapped[Organisation | None] = relationship(
        remote_side=[id], back_populates="umbrella_members")
    umbrella_members: Mapped[list[Organisation]] = relationship(back_populates="umbrella")
    subject_areas: Mapped[list[SubjectArea]] = relationship(
        secondary=organisation_subject_area, order_by=SubjectArea.name_sv)
    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=organisation_municipality, order_by=Municipality.name)
    memberships: Mapped[list[Membership]] = relationship(  # noqa: F821
        back_populates="organisation", cascade="all, delete-orphan")
    interest_areas: Mapped[list[SubjectArea]] = relationship(
        secondary=organisation_interest_area, order_by=SubjectArea.name_sv)
    interest_municipalities: Mapped[list[Municipality]] = relationship(
        secondary=organisation_interest_municipality, order_by=Municipality.name)

    @property
    def is_public(self) -> bool:
        return self.status == OrganisationStatus.APPROVED

    @property
    def icnpo(self) -> ICNPOGroup | None:
        return ICNPOGroup(self.icnpo_group) if self.icnpo_group else None

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


@event.listens_for(Organisation, "before_insert")
@event.listens_for(Organisation, "before_update")
def _refresh_search_columns(mapper, connection, organisation: Organisation) -> None:
    organisation.search_text = search_key(f"{organisation.name} {organisation.description or ''}")
    organisation.sort_key = swedish_sort_key(organisation.name)
