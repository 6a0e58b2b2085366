"""Fixed vocabularies of the domain, with their user-facing labels."""

from enum import IntEnum, StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum


def enum_column(enum_cls: type[StrEnum]) -> Enum:
    """A portable enum column: a string with a CHECK constraint, the same on SQLite and PostgreSQL."""
    return Enum(enum_cls, native_enum=False, create_constraint=True, length=20,
                values_callable=lambda members: [m.value for m in members],
                name=enum_cls.__name__.lower())


class OrganisationKind(StrEnum):
    CIVIL_SOCIETY = "civil_society"
    PUBLIC_BODY = "public_body"
    MUNICIPALITY = "municipality"

    @property
    def label(self):
        return {
            "civil_society": _l("Civil-society organisation"),
            "public_body": _l("Public body"),
            "municipality": _l("Municipality"),
        }[self.value]


class Level(StrEnum):
    LOCAL = "local"
    REGIONAL = "regional"
    NATIONAL = "national"

    @property
    def label(self):
        return {"local": _l("Local"), "regional": _l("Regional"), "national": _l("National")}[self.value]


class MembershipRole(StrEnum):
    REPRESENTATIVE = "representative"
    ORGANISER = "organiser"

    @property
    def label(self):
        return {"representative": _l("Representative"), "organiser": _l("Organiser")}[self.value]


class ParticipationLevel(StrEnum):
    """The levels of the Council of Europe's Code of Good Practice for Civil Participation."""

    INFORMATION = "information"
    CONSULTATION = "consultation"
    DIALOGUE = "dialogue"
    PARTNERSHIP = "partnership"

    @property
    def label(self):
        return {
            "information": _l("Information"),
            "consultation": _l("Consultation"),
            "dialogue": _l("Dialogue"),
            "partnership": _l("Partnership"),
        }[self.value]

    @property
    def explanation(self):
        return {
            "information": _l("The public body tells the organisations what is planned or decided."),
            "consultation": _l("The public body asks the organisations for their views before it decides."),
            "dialogue": _l("Public body and organisations meet regularly to talk about shared questions."),
            "partnership": _l("Public body and organisations plan and carry out work together."),
        }[self.value]


class MeetingFormat(StrEnum):
    ON_SITE = "on_site"
    DIGITAL = "digital"
    HYBRID = "hybrid"

    @property
    def label(self):
        return {"on_site": _l("On site"), "digital": _l("Online"),
                "hybrid": _l("On site and online")}[self.value]


class MeetingStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"

    @property
    def label(self):
        return {"draft": _l("Draft"), "published": _l("Published"),
                "cancelled": _l("Cancelled")}[self.value]


class OrganisationStatus(StrEnum):
    """A self-registered organisation is public only once its e-mail is confirmed and it is approved."""

    UNCONFIRMED = "unconfirmed"
    PENDING = "pending"
    APPROVED = "approved"

    @property
    def label(self):
        return {"unconfirmed": _l("E-mail not yet confirmed"), "pending": _l("Awaiting approval"),
                "approved": _l("Approved")}[self.value]


class ForumMemberStatus(StrEnum):
    REQUESTED = "requested"
    MEMBER = "member"
    DECLINED = "declined"

    @property
    def label(self):
        return {"requested": _l("Asked to join"), "member": _l("Member"),
                "declined": _l("Declined")}[self.value]


class ICNPOGroup(IntEnum):
    """The International Classification of Non-Profit Organisations, used by the mapping report."""

    CULTURE = 1
    EDUCATION = 2
    HEALTH = 3
    SOCIAL_SERVICES = 4
    ENVIRONMENT = 5
    DEVELOPMENT = 6
    ADVOCACY = 7
    PHILANTHROPY = 8
    INTERNATIONAL = 9
    RELIGION = 10
    PROFESSIONAL = 11
    OTHER = 12

    @property
    def label(self):
        return {
            1: _l("Culture and recreation"),
            2: _l("Education and research"),
            3: _l("Health"),
            4: _l("Social services"),
            5: _l("Environment"),
            6: _l("Development and housing"),
            7: _l("Law, advocacy and politics"),
            8: _l("Philanthropy and volunteering"),
            9: _l("International activities"),
            10: _l("Religion"),
            11: _l("Business, professional associations and unions"),
            12: _l("Other"),
        }[self.value]


class ParticipationMode(StrEnum):
    """How one person takes part in a meeting: in the room or online."""

    ON_SITE = "on_site"
    ONLINE = "online"

    @property
    def label(self):
        return {"on_site": _l("On site"), "online": _l("Online")}[self.value]


class RegistrationStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"

    @property
    def label(self):
        return {"confirmed": _l("Confirmed"), "waiting": _l("On the waiting list"),
                "cancelled": _l("Registration cancelled")}[self.value]


class InvitationStatus(StrEnum):
    SENT = "sent"
    OPENED = "opened"
    YES = "yes"
    NO = "no"

    @property
    def label(self):
        return {"sent": _l("Sent"), "opened": _l("Opened"), "yes": _l("Yes"), "no": _l("No")}[self.value]


class CheckInMethod(StrEnum):
    LIST = "list"
    CODE = "code"
    SELF = "self"
    WALK_IN = "walk_in"

    @property
    def label(self):
        return {"list": _l("Checked in from the list"), "code": _l("Checked in with code"),
                "self": _l("Confirmed online by themselves"), "walk_in": _l("Walk-in")}[self.value]
