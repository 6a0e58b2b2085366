"""Fixed vocabularies of the domain, with their user-facing labels."""

from enum import StrEnum

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
