"""All models of the core, importable from one place."""

from .auth import SignInToken
from .enums import (
    CheckInMethod,
    ForumMemberStatus,
    ICNPOGroup,
    InvitationStatus,
    Level,
    MeetingFormat,
    MeetingStatus,
    MembershipRole,
    OrganisationKind,
    OrganisationStatus,
    ParticipationLevel,
    ParticipationMode,
    RegistrationStatus,
)
from .forum import Forum, ForumMember, ForumRepresentative
from .meeting import AgendaItem, Meeting
from .notification import PendingNotification
from .organisation import Organisation, search_key
from .outbox import OutboxAttempt, OutboxMessage
from .person import Membership, Person
from .reference import Municipality, SubjectArea
from .registration import Attendance, Invitation, MeetingSession, Registration, SessionChoice
from .types import UTCDateTime, utcnow

__all__ = [
    "AgendaItem", "Attendance", "CheckInMethod", "Invitation", "InvitationStatus", "MeetingSession",
    "ParticipationMode", "Registration", "RegistrationStatus", "SessionChoice",
    "Forum", "ForumMember", "ForumMemberStatus", "ForumRepresentative", "ICNPOGroup", "OrganisationStatus",
    "PendingNotification", "search_key", "Level", "Meeting", "MeetingFormat", "MeetingStatus", "Membership",
    "MembershipRole", "Municipality", "Organisation", "OrganisationKind", "OutboxAttempt", "OutboxMessage",
    "ParticipationLevel", "Person", "SignInToken", "SubjectArea", "UTCDateTime", "utcnow",
]
