"""All models of the core, importable from one place."""

from .auth import SignInToken
from .enums import (
    Level,
    MeetingFormat,
    MeetingStatus,
    MembershipRole,
    OrganisationKind,
    ParticipationLevel,
)
from .forum import Forum, ForumMember
from .meeting import Meeting
from .organisation import Organisation
from .outbox import OutboxMessage
from .person import Membership, Person
from .reference import Municipality, SubjectArea
from .types import UTCDateTime, utcnow

__all__ = [
    "Forum", "ForumMember", "Level", "Meeting", "MeetingFormat", "MeetingStatus", "Membership",
    "MembershipRole", "Municipality", "Organisation", "OrganisationKind", "OutboxMessage",
    "ParticipationLevel", "Person", "SignInToken", "SubjectArea", "UTCDateTime", "utcnow",
]
