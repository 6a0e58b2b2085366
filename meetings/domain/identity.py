"""Who speaks: the site's name and operator, the person to ask about a meeting, and whose name
mail is sent in.

Each question is answered here once; the meeting page, every e-mail (core and plugins, through
``queue_mail``), the calendar feed, the footer and the law pages ask these functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from ..config import EMAIL_ADDRESS
from ..models import Meeting, Person

# A phone number as people write it: digits with spaces, dashes, brackets, a slash, a leading +.
PHONE_CHARACTERS = re.compile(r"\+?[0-9 ()/-]+")
PHONE_DIGITS = (5, 20)


@dataclass(frozen=True)
class Site:
    """The service as its pages and e-mails name it (settings SITE_NAME, SITE_OPERATOR, …)."""

    name: str
    operator: str
    operator_email: str | None
    footer_text: str
    statement_date: date
    known_gaps: str
    response_days: int
    needs_retention_days: int


def site() -> Site:
    """The site's identity in the language of the request or e-mail being made: an empty setting
    gives the service's own words, translated."""
    config = current_app.config
    name = config.get("SITE_NAME") or _("Dialogue meetings")
    return Site(
        name=name,
        operator=config.get("SITE_OPERATOR") or name,
        operator_email=config.get("SITE_OPERATOR_EMAIL") or None,
        footer_text=config.get("FOOTER_TEXT") or _("A free service for dialogue between public bodies and "
                                                   "civil society."),
        statement_date=config["ACCESSIBILITY_STATEMENT_DATE"],
        known_gaps=config.get("ACCESSIBILITY_KNOWN_GAPS") or "",
        response_days=config["ACCESSIBILITY_RESPONSE_DAYS"],
        needs_retention_days=config["NEEDS_RETENTION_DAYS"])


# --- the person to ask about a meeting -----------------------------------------------------------

@dataclass(frozen=True)
class Contact:
    """Whom to ask about a meeting: a person (or only the organising body) with an address and/or
    a phone number. ``organisation`` is the body organising the meeting."""

    name: str
    organisation: str
    email: str | None
    phone: str | None

    @property
    def label(self) -> str:
        """The person and the body they work for ("Sara Lundberg, Region Norrbotten"), or the body alone."""
        if self.organisation and self.name != self.organisation:
            return f"{self.name}, {self.organisation}"
        return self.name

    @property
    def tel(self) -> str | None:
        """The phone number for a ``tel:`` link: its digits, with a leading + kept."""
        if not self.phone:
            return None
        digits = re.sub(r"[^0-9]", "", self.phone)
        return ("+" if self.phone.strip().startswith("+") else "") + digits


def meeting_contact(meeting: Meeting) -> Contact | None:
    """The contact of ``meeting``: the person the organisers named, with the organising body's
    contact address when they gave none; only the body (and its address) when nobody is named;
    None when there is neither a name, an address nor a phone number."""
    organiser = meeting.forum.organiser
    email = next((a for a in (meeting.contact_email, organiser.contact_email) if a and _plain_address(a)), None)
    if not (meeting.contact_name or email or meeting.contact_phone):
        return None
    return Contact(name=meeting.contact_name or organiser.name, organisation=organiser.name, email=email,
                   phone=meeting.contact_phone or None)


def _plain_address(address: str) -> bool:
    """One plain address: what forms let through. Anything else (a row written by other means) is
    left out rather than put into a header, a mailto: link or a calendar entry."""
    return EMAIL_ADDRESS.fullmatch(address) is not None


def suggested_contact(person: Person | None) -> Contact | None:
    """What a new meeting's form offers as its contact: the organiser creating it."""
    if person is None:
        return None
    return Contact(name=person.name or "", organisation="", email=person.email, phone=None)


def email_problem(address: str) -> LazyString | None:
    """Why ``address`` cannot be a contact address (in the reader's language), or None."""
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return _l("Enter an e-mail address like name@example.org.")
    return None


def phone_problem(number: str) -> LazyString | None:
    """Why ``number`` cannot be called, or None."""
    digits = sum(character.isdigit() for character in number)
    low, high = PHONE_DIGITS
    if not PHONE_CHARACTERS.fullmatch(number) or not low <= digits <= high:
        return _l("Enter a phone number, for example 070-123 45 67 or +46 70 123 45 67.")
    return None


# --- whose name mail is sent in ------------------------------------------------------------------

@dataclass(frozen=True)
class Sender:
    """The From display name of an e-mail (the address is always MAIL_FROM) and its Reply-To."""

    name: str
    reply_to: str | None


def mail_sender(meeting: Meeting | None = None) -> Sender:
    """Mail about a meeting is sent in the name of the body that organises it, and answers go to
    the meeting's contact (see ``meeting_contact``); other mail is sent in the site's name, answers
    going to the operator (SITE_OPERATOR_EMAIL), if set."""
    if meeting is not None:
        contact = meeting_contact(meeting)
        return Sender(meeting.forum.organiser.name, contact.email if contact else None)
    identity = site()
    return Sender(identity.name, identity.operator_email)
