"""The compensation plugin's tables, all named ``compensation_…``, in its own Alembic branch."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings import api

# States of a claim (stored as text).
DRAFT, SUBMITTED, APPROVED, RETURNED, REJECTED, PAID = "draft", "submitted", "approved", "returned", "rejected", "paid"
STATES = (DRAFT, SUBMITTED, APPROVED, RETURNED, REJECTED, PAID)
EDITABLE = (DRAFT, RETURNED)
COUNTS_AGAINST_BUDGET = (APPROVED, PAID)


class ForumRules(api.db.Model):
    """A forum's compensation rules, set by its organisers."""

    __tablename__ = "compensation_forum_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id", ondelete="CASCADE"), unique=True)
    offered: Mapped[bool] = mapped_column(Boolean, default=False)
    # Kinds of organisation that may claim, comma-separated OrganisationKind values; never public bodies.
    kinds: Mapped[str] = mapped_column(String(100), default="civil_society")
    fee_on_site_ore: Mapped[int] = mapped_column(Integer, default=0)
    fee_online_ore: Mapped[int] = mapped_column(Integer, default=0)
    max_representatives: Mapped[int] = mapped_column(Integer, default=1)
    mileage: Mapped[bool] = mapped_column(Boolean, default=True)
    receipts: Mapped[bool] = mapped_column(Boolean, default=True)
    deadline_days: Mapped[int] = mapped_column(Integer, default=30)
    updated_at: Mapped[datetime] = mapped_column(api.UTCDateTime, default=api.utcnow, onupdate=api.utcnow)

    forum: Mapped[api.Forum] = relationship(api.Forum)


class MeetingRules(api.db.Model):
    """A meeting's exceptions to its forum's rules: a None column keeps the forum's value."""

    __tablename__ = "compensation_meeting_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), unique=True)
    offered: Mapped[bool | None] = mapped_column(Boolean)
    fee_on_site_ore: Mapped[int | None] = mapped_column(Integer)
    fee_online_ore: Mapped[int | None] = mapped_column(Integer)
    max_representatives: Mapped[int | None] = mapped_column(Integer)
    deadline_days: Mapped[int | None] = mapped_column(Integer)


class Budget(api.db.Model):
    """A forum's budget for one calendar year, and what approvals have used of it.

    ``used_ore`` changes only by one conditional UPDATE per approval (``used + amount <= amount``),
    so two organisers approving at once can never pass the budget."""

    __tablename__ = "compensation_budget"
    __table_args__ = (UniqueConstraint("forum_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    amount_ore: Mapped[int | None] = mapped_column(Integer)  # None: no limit set
    used_ore: Mapped[int] = mapped_column(Integer, default=0)


class PaymentDetails(api.db.Model):
    """Where an organisation is paid: entered once by a representative, reused for every claim."""

    __tablename__ = "compensation_payment_details"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), unique=True)
    method: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(api.UTCDateTime, default=api.utcnow, onupdate=api.utcnow)


class Claim(api.db.Model):
    """An organisation's claim for one meeting."""

    __tablename__ = "compensation_claim"
    __table_args__ = (UniqueConstraint("meeting_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    claimant_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    claimant_name: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    total_ore: Mapped[int] = mapped_column(Integer, default=0)
    fees_ore: Mapped[int] = mapped_column(Integer, default=0)
    mileage_ore: Mapped[int] = mapped_column(Integer, default=0)
    receipts_ore: Mapped[int] = mapped_column(Integer, default=0)
    # Payment details as they were when the claim was approved (an accounting record).
    pay_method: Mapped[str] = mapped_column(String(20), default="")
    pay_number: Mapped[str] = mapped_column(String(40), default="")
    budget_year: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(api.UTCDateTime, default=api.utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(api.UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(api.UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(api.UTCDateTime)

    meeting: Mapped[api.Meeting] = relationship(api.Meeting)
    organisation: Mapped[api.Organisation] = relationship(api.Organisation)
    claimant: Mapped[api.Person | None] = relationship(api.Person)
    attendees: Mapped[list[ClaimAttendee]] = relationship(cascade="all, delete-orphan", order_by="ClaimAttendee.id")
    trips: Mapped[list[ClaimTrip]] = relationship(cascade="all, delete-orphan", order_by="ClaimTrip.id")
    expenses: Mapped[list[ClaimExpense]] = relationship(cascade="all, delete-orphan", order_by="ClaimExpense.id")
    events: Mapped[list[ClaimEvent]] = relationship(cascade="all, delete-orphan", order_by="ClaimEvent.id")


class ClaimAttendee(api.db.Model):
    """Someone recorded present for the organisation, claimed for: the fee."""

    __tablename__ = "compensation_claim_attendee"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("compensation_claim.id", ondelete="CASCADE"), index=True)
    attendance_id: Mapped[int | None] = mapped_column(Integer, index=True)  # the core's Attendance, read via the API
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    online: Mapped[bool] = mapped_column(Boolean, default=False)


class ClaimTrip(api.db.Model):
    """A journey by own car; passengers ride along and are not paid a car of their own."""

    __tablename__ = "compensation_claim_trip"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("compensation_claim.id", ondelete="CASCADE"), index=True)
    driver: Mapped[str] = mapped_column(String(200))
    from_place: Mapped[str] = mapped_column(String(200))
    to_place: Mapped[str] = mapped_column(String(200))
    km: Mapped[int] = mapped_column(Integer)
    passengers: Mapped[str] = mapped_column(Text, default="")  # one name a line


class ClaimExpense(api.db.Model):
    """Public transport or another cost, against a receipt kept in the receipt directory."""

    __tablename__ = "compensation_claim_expense"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("compensation_claim.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # public_transport, other
    description: Mapped[str] = mapped_column(String(200))
    amount_ore: Mapped[int] = mapped_column(Integer)
    receipt_file: Mapped[str] = mapped_column(String(100))  # a random name in COMPENSATION_RECEIPT_DIR
    receipt_type: Mapped[str] = mapped_column(String(50))


class ClaimEvent(api.db.Model):
    """The audit trail: who changed what of a claim, when, from what to what."""

    __tablename__ = "compensation_claim_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("compensation_claim.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(api.UTCDateTime, default=api.utcnow)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(40))
    old: Mapped[str] = mapped_column(Text, default="")
    new: Mapped[str] = mapped_column(Text, default="")


class Reminder(api.db.Model):
    """A deadline reminder sent to an organisation for a meeting: sent once."""

    __tablename__ = "compensation_reminder"
    __table_args__ = (UniqueConstraint("meeting_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime] = mapped_column(api.UTCDateTime, default=api.utcnow)
