"""The public organisation register: search, filters, paging, exports and the organisation's page.

Only approved organisations are ever listed or exported. Filter values come from the query string
so that a search can be shared as a link; a value the register does not know (an old subject-area
code, a misspelt level) is ignored rather than refused, so an old link still shows a useful list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import selectinload

from ..collation import swedish_sort_key
from ..extensions import db
from ..models import (
    Forum,
    ForumMember,
    ForumMemberStatus,
    ForumRepresentative,
    ICNPOGroup,
    Level,
    Membership,
    Municipality,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    SubjectArea,
    search_key,
)
from ..models.organisation import organisation_municipality, organisation_subject_area
from .paging import Page, page_of

PAGE_SIZE = 25
MAX_SEARCH_WORDS = 10
MAX_SEARCH_LENGTH = 200


@dataclass(frozen=True)
class FilterChoices:
    """What the filter form offers; also the only values the filters accept."""

    subject_areas: list[SubjectArea]
    municipalities: list[Municipality]


def filter_choices() -> FilterChoices:
    areas = sorted(db.session.scalars(select(SubjectArea)), key=lambda area: swedish_sort_key(area.name))
    municipalities = sorted(db.session.scalars(select(Municipality)), key=lambda m: swedish_sort_key(m.name))
    return FilterChoices(subject_areas=areas, municipalities=municipalities)


@dataclass(frozen=True)
class RegisterFilters:
    text: str = ""
    areas: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    level: Level | None = None
    kind: OrganisationKind | None = None
    icnpo: ICNPOGroup | None = None

    @property
    def active(self) -> bool:
        return any((self.text, self.areas, self.municipalities, self.level, self.kind, self.icnpo))

    def query_args(self) -> dict[str, Any]:
        """The filters as query-string arguments for url_for, leaving out those not in use."""
        args: dict[str, Any] = {
            "q": self.text, "area": list(self.areas), "municipality": list(self.municipalities),
            "level": self.level.value if self.level else None,
            "kind": self.kind.value if self.kind else None,
            "icnpo": int(self.icnpo) if self.icnpo else None,
        }
        return {name: value for name, value in args.items() if value}


def parse_filters(args: Mapping[str, Any], choices: FilterChoices) -> RegisterFilters:
    """Filters from a request's query string (a MultiDict); unknown values are left out."""
    area_codes = {area.code for area in choices.subject_areas}
    municipality_codes = {municipality.code for municipality in choices.municipalities}
    return RegisterFilters(
        text=" ".join((args.get("q") or "").split())[:MAX_SEARCH_LENGTH],
        areas=_known(_all_values(args, "area"), area_codes),
        municipalities=_known(_all_values(args, "municipality"), municipality_codes),
        level=_enum_value(Level, args.get("level")),
        kind=_enum_value(OrganisationKind, args.get("kind")),
        icnpo=_icnpo(args.get("icnpo")),
    )


def _all_values(args: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(args, "getlist", None)
    if getlist is not None:
        return list(getlist(name))
    value = args.get(name)
    return [value] if value else []


def _known(values: Sequence[str], known: set[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value in known))  # in order, once each


def _enum_value(enum_cls, raw: str | None):
    try:
        return enum_cls(raw) if raw else None
    except ValueError:
        return None


def _icnpo(raw: str | None) -> ICNPOGroup | None:
    try:
        return ICNPOGroup(int(raw)) if raw else None
    except ValueError:
        return None


def search_words(text: str) -> list[str]:
    """The words of a search, folded the way Organisation.search_text is; each must occur."""
    return search_key(text).split()[:MAX_SEARCH_WORDS]


def _conditions(filters: RegisterFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Organisation.status == OrganisationStatus.APPROVED]
    conditions += [Organisation.search_text.contains(word, autoescape=True) for word in search_words(filters.text)]
    if filters.areas:
        conditions.append(Organisation.id.in_(
            select(organisation_subject_area.c.organisation_id)
            .join(SubjectArea, SubjectArea.id == organisation_subject_area.c.subject_area_id)
            .where(SubjectArea.code.in_(filters.areas))))
    if filters.municipalities:
        conditions.append(Organisation.id.in_(
            select(organisation_municipality.c.organisation_id)
            .join(Municipality, Municipality.id == organisation_municipality.c.municipality_id)
            .where(Municipality.code.in_(filters.municipalities))))
    if filters.level:
        conditions.append(Organisation.level == filters.level)
    if filters.kind:
        conditions.append(Organisation.kind == filters.kind)
    if filters.icnpo:
        conditions.append(Organisation.icnpo_group == int(filters.icnpo))
    return conditions


def _ordered(filters: RegisterFilters):
    return (select(Organisation).where(*_conditions(filters))
            .order_by(Organisation.sort_key, Organisation.id))


def search_register(filters: RegisterFilters, page: int = 1, page_size: int = PAGE_SIZE) -> Page[Organisation]:
    """The approved organisations matching ``filters``, in Swedish alphabetical order, one page of them
    (a page past the end is the last page)."""
    return page_of(_ordered(filters).options(selectinload(Organisation.subject_areas),
                                             selectinload(Organisation.municipalities)), page, page_size)


# --- exports ---------------------------------------------------------------------------------

EXPORT_HEADERS = (
    _l("Name"), _l("Kind"), _l("Level"), _l("Organisation number"), _l("Field of activity"),
    _l("Subject areas"), _l("Municipalities"), _l("Website"), _l("Member of"), _l("Page in the register"),
)


def register_table(filters: RegisterFilters, page_url: Callable[[Organisation], str]
                   ) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of every approved organisation matching ``filters``: public data only.

    ``page_url(organisation)`` gives the address of the organisation's page.
    """
    organisations = db.session.scalars(_ordered(filters).options(
        selectinload(Organisation.subject_areas), selectinload(Organisation.municipalities),
        selectinload(Organisation.umbrella)))
    rows = []
    for organisation in organisations:
        umbrella = public_umbrella(organisation)
        rows.append([
            organisation.name, str(organisation.kind.label), str(organisation.level.label),
            organisation.formatted_org_number, str(organisation.icnpo.label) if organisation.icnpo else None,
            ", ".join(names_in_order(organisation.subject_areas)),
            ", ".join(names_in_order(organisation.municipalities)),
            public_website(organisation), umbrella.name if umbrella else None, page_url(organisation),
        ])
    return [str(header) for header in EXPORT_HEADERS], rows


# --- the organisation's page -----------------------------------------------------------------

def public_umbrella(organisation: Organisation) -> Organisation | None:
    """The umbrella organisation, once it has confirmed the membership and is itself public."""
    umbrella = organisation.umbrella
    if umbrella is None or not organisation.umbrella_confirmed or not umbrella.is_public:
        return None
    return umbrella


def public_website(organisation: Organisation) -> str | None:
    """The website, only as a web address: anything else (javascript:, data:) is never a link."""
    website = (organisation.website or "").strip()
    return website if re.match(r"https?://\S+$", website, re.IGNORECASE) else None


@dataclass(frozen=True)
class ForumTakingPart:
    forum: Forum
    speakers: list[str]  # names of the people who speak for the organisation in this forum


@dataclass
class OrganisationProfile:
    """What the public page of an organisation shows besides the organisation's own columns."""

    organisation: Organisation
    umbrella: Organisation | None
    website: str | None
    members: list[Organisation] = field(default_factory=list)
    forums: list[ForumTakingPart] = field(default_factory=list)
    organised_forums: list[Forum] = field(default_factory=list)
    people: list[Membership] = field(default_factory=list)

    @property
    def subject_area_names(self) -> list[str]:
        return names_in_order(self.organisation.subject_areas)


def organisation_profile(organisation: Organisation) -> OrganisationProfile:
    """Everything public about an organisation. People appear only if they chose to be shown."""
    shown = db.session.scalars(select(Membership).where(
        Membership.organisation_id == organisation.id, Membership.shown_publicly.is_(True))
        .options(selectinload(Membership.person)))
    # Only a name is ever shown: without one there is nothing public to show (never the address).
    people = sorted((m for m in shown if m.person.name), key=lambda m: swedish_sort_key(m.person.name))
    shown_person_ids = {membership.person_id for membership in people}
    return OrganisationProfile(
        organisation=organisation,
        umbrella=public_umbrella(organisation),
        website=public_website(organisation),
        members=_confirmed_members(organisation),
        forums=_forums_taking_part(organisation, shown_person_ids),
        organised_forums=_by_name(db.session.scalars(select(Forum).where(Forum.organiser_id == organisation.id))),
        people=people,
    )


def _by_name(items) -> list:
    return sorted(items, key=lambda item: swedish_sort_key(item.name))


def names_in_order(items) -> list[str]:
    """The ``name`` of each item (in the current language for subject areas), in Swedish order."""
    return sorted((item.name for item in items), key=swedish_sort_key)


def _confirmed_members(umbrella: Organisation) -> list[Organisation]:
    return _by_name(db.session.scalars(select(Organisation).where(
        Organisation.umbrella_id == umbrella.id, Organisation.umbrella_confirmed.is_(True),
        Organisation.status == OrganisationStatus.APPROVED)))


def _forums_taking_part(organisation: Organisation, shown_person_ids: set[int]) -> list[ForumTakingPart]:
    memberships = db.session.scalars(
        select(ForumMember)
        .where(ForumMember.organisation_id == organisation.id, ForumMember.status == ForumMemberStatus.MEMBER)
        .options(selectinload(ForumMember.forum),
                 selectinload(ForumMember.representatives).selectinload(ForumRepresentative.person)))
    taking_part = [
        ForumTakingPart(forum=member.forum, speakers=sorted(
            (r.person.name for r in member.representatives if r.person_id in shown_person_ids),
            key=swedish_sort_key))
        for member in memberships]
    return sorted(taking_part, key=lambda item: swedish_sort_key(item.forum.name))


# --- text --------------------------------------------------------------------------------------

_MARKDOWN_SYMBOLS = re.compile(r"[*_`#>\[\]|]|^\s*(?:[-+]|\d+\.)\s+", re.MULTILINE)


def plain_excerpt(markdown_text: str | None, length: int = 180) -> str:
    """The start of a Markdown text as plain words, cut at a word, for a line in a list."""
    text = re.sub(r"\]\([^)]*\)", "]", markdown_text or "")  # keep a link's words, drop its address
    text = " ".join(_MARKDOWN_SYMBOLS.sub(" ", text).split())
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(",.;:–-") + "…"
