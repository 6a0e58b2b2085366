"""Forums: standing dialogues such as a council, a network or the yearly meeting place."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, ForeignKeyConstraint, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enums import ForumMemberStatus, ParticipationLevel, enum_column
from .organisation import Organisation
from .person import Person
from .reference import Municipality, SubjectArea
from .types import UTCDateTime, utcnow

forum_subject_area = Table(
    "forum_subject_area",
    db.metadata,
    Column("forum_id", ForeignKey("forum.id", ondelete="CASCADE"), primary_key=True),
    Column("subject_area_id", ForeignKey("subject_area.id", ondelete="CASCADE"), primary_key=True),
)

forum_municipality = Table(
    "forum_municipality",
    db.metadata,
    Column("forum_id", ForeignKey("forum.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipality.id", ondelete="CASCADE"), primary_key=True),
)


class Forum(db.Model):
    __tablename__ = "forum"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participation_level: Mapped[ParticipationLevel] = mapped_column(
        enum_column(ParticipationLevel), default=ParticipationLevel.DIALOGUE)
    # Open forums take requests to join; closed ones are by the organiser's invitation only.
    membership_open: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organiser: Mapped[Organisation] = relationship()
    subject_areas: Mapped[list[SubjectArea]] = relationship(
        secondary=forum_subject_area, order_by=SubjectArea.name_sv)
    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=forum_municipality, order_by=Municipality.name)
    members: Mapped[list[ForumMember]] = relationship(
        back_populates="forum", cascade="all, delete-orphan")
    meetings: Mapped[list[Meeting]] = relationship(  # noqa: F821
        back_populates="forum", order_by="Meeting.starts_at", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Forum {self.slug}>"


class ForumMember(db.Model):
    """An organisation taking part in a forum, or asking to."""

    __tablename__ = "forum_member"

    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[ForumMemberStatus] = mapped_column(
        enum_column(ForumMemberStatus), default=ForumMemberStatus.MEMBER,
        server_default=ForumMemberStatus.MEMBER.value, index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    forum: Mapped[Forum] = relationship(back_populates="members")
    organisation: Mapped[Organisation] = relationship()
    representatives: Mapped[list[ForumRepresentative]] = relationship(
        cascade="all, delete-orphan",
        primaryjoin="and_(ForumRepresentative.forum_id == ForumMember.forum_id, "
                    "ForumRepresentative.organisation_id == ForumMember.organisation_id)",
        foreign_keys="[ForumRepresentative.forum_id, ForumRepresentative.organisation_id]")


class ForumRepresentative(db.Model):
    """Who speaks for an organisation in a forum ("vem för talan")."""

    __tablename__ = "forum_representative"
    __table_args__ = (
        ForeignKeyConstraint(["forum_id", "organisation_id"],
                             ["forum_member.forum_id", "forum_member.organisation_id"], ondelete="CASCADE"),
    )

    forum_id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)

    person: Mapped[Person] = relationship()
