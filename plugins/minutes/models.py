"""The minutes plugin's tables: protocols, their people, § paragraphs, action items, approvals,
revisions, extracts, and the counter that numbers § per forum and calendar year."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings import api

db = api.db

# A protocol's states. Approved minutes are public records: they change only through a revision.
DRAFT = "draft"
PENDING = "pending"      # sent for approval (justering)
APPROVED = "approved"    # the chair and every justerare confirmed
PUBLISHED = "published"

CHAIR = "chair"
ADJUSTER = "adjuster"    # justerare

ON_SITE = "on_site"
ONLINE = "online"
ABSENT = "absent"


class Counter(db.Model):
    """The last § number given in a forum in a calendar year."""

    __tablename__ = "minutes_counter"

    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Protocol(db.Model):
    __tablename__ = "minutes_protocol"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), unique=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    # Raised on every change of the header, the present list or a paragraph: an editor's form carries
    # the version it was opened at, and a save against an older one is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    place: Mapped[str] = mapped_column(String(300), default="")
    secretary_name: Mapped[str] = mapped_column(String(200), default="")
    secretary_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(api.UTCDateTime, default=api.utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(api.UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(api.UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(api.UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(api.UTCDateTime)

    meeting: Mapped[api.Meeting] = relationship()
    forum: Mapped[api.Forum] = relationship()
    secretary: Mapped[api.Person | None] = relationship()
    signers: Mapped[list[Signer]] = relationship(back_populates="protocol", cascade="all, delete-orphan",
                                                 order_by="Signer.id")
    attendees: Mapped[list[Attendee]] = relationship(back_populates="protocol", cascade="all, delete-orphan",
                                                     order_by="Attendee.name")
    paragraphs: Mapped[list[Paragraph]] = relationship(back_populates="protocol", cascade="all, delete-orphan",
                                                       order_by="Paragraph.number")
    revisions: Mapped[list[Revision]] = relationship(back_populates="protocol", cascade="all, delete-orphan",
                                                     order_by="Revision.number")
    extracts: Mapped[list[Extract]] = relationship(back_populates="protocol", cascade="all, delete-orphan",
                                                   order_by="Extract.sent_at")

    @property
    def is_public(self) -> bool:
        return self.status == PUBLISHED

    @property
    def is_locked(self) -> bool:
        return self.status in (APPROVED, PUBLISHED)

    @property
    def chair(self) -> Signer | None:
        return next((s for s in self.signers if s.role == CHAIR), None)

    @property
    def adjusters(self) -> list[Signer]:
        return [s for s in self.signers if s.role == ADJUSTER]


class Signer(db.Model):
    """The chair or a justerare of a protocol, and when they confirmed the current revision."""

    __tablename__ = "minutes_signer"
    __table_args__ = (UniqueConstraint("protocol_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    protocol_id: Mapped[int] = mapped_column(ForeignKey("minutes_protocol.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    approved_at: Mapped[datetime | None] = mapped_column(api.UTCDateTime)

    protocol: Mapped[Protocol] = relationship(back_populates="signers")
    person: Mapped[api.Person | None] = relationship()


class Attendee(db.Model):
    """Someone on the present list (on site or online) or noted absent."""

    __tablename__ = "minutes_attendee"

    id: Mapped[int] = mapped_column(primary_key=True)
    protocol_id: Mapped[int] = mapped_column(ForeignKey("minutes_protocol.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    organisation_name: Mapped[str] = mapped_column(String(200), default="")
    mode: Mapped[str] = mapped_column(String(20), default=ON_SITE)

    protocol: Mapped[Protocol] = relationship(back_populates="attendees")


class Paragraph(db.Model):
    __tablename__ = "minutes_paragraph"
    __table_args__ = (UniqueConstraint("forum_id", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    protocol_id: Mapped[int] = mapped_column(ForeignKey("minutes_protocol.id", ondelete="CASCADE"), index=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    case_number: Mapped[str] = mapped_column(String(60), default="")
    discussion: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(Text, default="")
    immediate: Mapped[bool] = mapped_column(default=False)  # omedelbar justering asked for
    immediate_approved_at: Mapped[datetime | None] = mapped_column(api.UTCDateTime)

    protocol: Mapped[Protocol] = relationship(back_populates="paragraphs")
    speakers: Mapped[list[api.Organisation]] = relationship(secondary="minutes_speaker", order_by="Organisation.name")
    actions: Mapped[list[Action]] = relationship(back_populates="paragraph", cascade="all, delete-orphan",
                                                 order_by="Action.id")
    approvals: Mapped[list[ParagraphApproval]] = relationship(cascade="all, delete-orphan")

    @property
    def is_locked(self) -> bool:
        return self.immediate_approved_at is not None or self.protocol.is_locked


class Speaker(db.Model):
    """An organisation that spoke to a paragraph."""

    __tablename__ = "minutes_speaker"

    paragraph_id: Mapped[int] = mapped_column(ForeignKey("minutes_paragraph.id", ondelete="CASCADE"),
                                              primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"),
                                                 primary_key=True)


class ParagraphApproval(db.Model):
    """A signer confirmed one paragraph at the meeting (omedelbar justering)."""

    __tablename__ = "minutes_paragraph_approval"

    paragraph_id: Mapped[int] = mapped_column(ForeignKey("minutes_paragraph.id", ondelete="CASCADE"),
                                              primary_key=True)
    signer_id: Mapped[int] = mapped_column(ForeignKey("minutes_signer.id", ondelete="CASCADE"), primary_key=True)
    approved_at: Mapped[datetime] = mapped_column(api.UTCDateTime, default=api.utcnow)

    signer: Mapped[Signer] = relationship()


class Action(db.Model):
    """An action item of a paragraph: what, who (a person or an organisation), by when."""

    __tablename__ = "minutes_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    paragraph_id: Mapped[int] = mapped_column(ForeignKey("minutes_paragraph.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(Text)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"),
                                                        index=True)
    who_name: Mapped[str] = mapped_column(String(200), default="")
    due: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(api.UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(api.UTCDateTime)

    paragraph: Mapped[Paragraph] = relationship(back_populates="actions")
    person: Mapped[api.Person | None] = relationship()
    organisation: Mapped[api.Organisation | None] = relationship()


class Revision(db.Model):
    """A correction of approved minutes: why, the text before and after, and who approved it."""

    __tablename__ = "minutes_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    protocol_id: Mapped[int] = mapped_column(ForeignKey("minutes_protocol.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    started_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(api.UTCDateTime, default=api.utcnow)
    before_text: Mapped[str] = mapped_column(Text, default="")
    after_text: Mapped[str] = mapped_column(Text, default="")
    approved_by: Mapped[str] = mapped_column(Text, default="")  # "Name (time)" lines
    approved_at: Mapped[datetime | None] = mapped_column(api.UTCDateTime)

    protocol: Mapped[Protocol] = relationship(back_populates="revisions")


class Extract(db.Model):
    """A protocol extract (protokollsutdrag) sent: which paragraphs, to whom."""

    __tablename__ = "minutes_extract"

    id: Mapped[int] = mapped_column(primary_key=True)
    protocol_id: Mapped[int] = mapped_column(ForeignKey("minutes_protocol.id", ondelete="CASCADE"), index=True)
    paragraphs: Mapped[str] = mapped_column(String(300))   # "§ 3, § 4"
    recipients: Mapped[str] = mapped_column(Text)           # names, one per line
    sent_at: Mapped[datetime] = mapped_column(api.UTCDateTime, default=api.utcnow)
    sent_by: Mapped[str] = mapped_column(String(200), default="")

    protocol: Mapped[Protocol] = relationship(back_populates="extracts")
