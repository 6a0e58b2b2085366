"""Invitations, registrations, the programme of sessions, and attendance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false, func, select
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enums import (
    CheckInMethod,
    InvitationStatus,
    MeetingFormat,
    ParticipationMode,
    RegistrationStatus,
    enum_column,
)
from .meeting import Meeting
from .organisation import Organisation
from .person import Person
from .types import UTCDateTime, utcnow


class Invitation(db.Model):
    """An invitation to a meeting, for an organisation or a plain e-mail address.

    Its token (stored hashed) lets the invited answer without an account.
    """

    __tablename__ = "invitation"
    __table_args__ = (
        CheckConstraint("organisation_id IS NOT NULL OR email IS NOT NULL", name="has_recipient"),
        CheckConstraint("seats IS NULL OR seats > 0", name="seats_positive"),
        UniqueConstraint("meeting_id", "organisation_id", name="uq_invitation_meeting_organisation"),
        UniqueConstraint("meeting_id", "email", name="uq_invitation_meeting_email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    email: Mapped[str | None] = mapped_column(String(254))
    # How many people the organisation may register; None means no limit of its own.
    seats: Mapped[int | None]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[InvitationStatus] = mapped_column(
        enum_column(InvitationStatus), default=InvitationStatus.SENT, index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    registrations: Mapped[list[Registration]] = relationship(back_populates="invitation")

    @property
    def answered(self) -> bool:
        return self.status in (InvitationStatus.YES, InvitationStatus.NO)


class Registration(db.Model):
    """One person's place at a meeting: confirmed, on the waiting list, or cancelled."""

    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id", name="uq_registration_meeting_person"),
        UniqueConstraint("meeting_id", "code", name="uq_registration_meeting_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id", ondelete="SET NULL"))
    # The association someone registering openly says they come for, as they wrote it (not verified).
    organisation_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    mode: Mapped[ParticipationMode] = mapped_column(enum_column(ParticipationMode))
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus), index=True)
    # Order on the waiting list: who came first is promoted first.
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Seen only by the organisers.
    dietary_needs: Mapped[str] = mapped_column(Text, default="", server_default="")
    access_needs: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The public participant list shows only those who agreed.
    show_name_publicly: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Short code for checking in (also in the QR code of the confirmation e-mail).
    code: Mapped[str] = mapped_column(String(12))
    # Lets the registrant change or cancel without an account; stored hashed.
    manage_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship()
    person: Mapped[Person] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    invitation: Mapped[Invitation | None] = relationship(back_populates="registrations")
    session_choices: Mapped[list[SessionChoice]] = relationship(
        back_populates="registration", cascade="all, delete-orphan")
    attendance: Mapped[Attendance | None] = relationship(back_populates="registration", uselist=False)

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED

    @hybrid_property
    def organisation_label(self) -> str:
        """The organisation as lists show it: the one represented, else the one named on registering."""
        return self.organisation.name if self.organisation is not None else self.organisation_name

    @organisation_label.inplace.expression
    @classmethod
    def _organisation_label_expression(cls):
        # The same rule in SQL, for lists read as plain rows (the meeting page's participants).
        represented = select(Organisation.name).where(Organisation.id == cls.organisation_id).scalar_subquery()
        return func.coalesce(represented, cls.organisation_name)


class MeetingSession(db.Model):
    """A session in a meeting's programme (the yearly meeting place), with its own capacity."""

    __tablename__ = "meeting_session"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR confirmed_count <= capacity", name="within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room: Mapped[str] = mapped_column(String(120), default="")
    format: Mapped[MeetingFormat] = mapped_column(enum_column(MeetingFormat))
    capacity: Mapped[int | None]
    confirmed_count: Mapped[int] = mapped_column(default=0, server_default="0")

    meeting: Mapped[Meeting] = relationship(back_populates="sessions")
    choices: Mapped[list[SessionChoice]] = relationship(back_populates="session", cascade="all, delete-orphan")


class SessionChoice(db.Model):
    __tablename__ = "session_choice"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("meeting_session.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus))
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    registration: Mapped[Registration] = relationship(back_populates="session_choices")
    session: Mapped[MeetingSession] = relationship(back_populates="choices")


class Attendance(db.Model):
    """Someone was there, on site or online. Compensation and minutes rely on this record."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    # Null for walk-ins, who have no registration.
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # Indexed: the yearly follow-up finds each organisation's first attendance.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"),
                                                        index=True)
    # A walk-in's organisation as they said it, when it is not in the register.
    organisation_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    mode: Mapped[ParticipationMode] = mapped_column(enum_column(ParticipationMode))
    method: Mapped[CheckInMethod] = mapped_column(enum_column(CheckInMethod))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship()
    registration: Mapped[Registration | None] = relationship(back_populates="attendance")
    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])
    organisation: Mapped[Organisation | None] = relationship()
