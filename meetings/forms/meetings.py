"""Forms of the organisers' meeting pages: a meeting's details, cancelling it, and its agenda.

Times are typed in local time (the site's time zone, Europe/Stockholm) and stored in UTC. The
rules that tie fields together (end after start, the registration window, a venue for meetings
on site …) live in meetings.domain.meetings; the view shows their problems beside the fields.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields import DateTimeLocalField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from ..domain.identity import Contact
from ..domain.meetings import MeetingDetails, Problem
from ..models import Meeting, MeetingFormat, Municipality
from .base import FlaskForm

INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
# A date outside these is a slip of the keyboard; year 1 cannot even be turned into UTC.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2200


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIME_ZONE"])


class LocalDateTimeField(DateTimeLocalField):
    """A date and time typed in local time; ``data`` is the moment in UTC (timezone-aware)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", INPUT_FORMATS)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip()
        for fmt in self.format:
            try:
                naive = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            self.data = None
            raise ValueError(_l("Enter a date and time like 2027-03-12 13:00."))
        if not EARLIEST_YEAR <= naive.year <= LATEST_YEAR:
            self.data = None
            raise ValueError(_l("Enter a date between the years %(earliest)s and %(latest)s.",
                                earliest=EARLIEST_YEAR, latest=LATEST_YEAR))
        zone = local_zone()
        moment = naive.replace(tzinfo=zone)
        if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
            self.data = None
            raise ValueError(_l("That time does not exist on that day, because the clocks are put forward."))
        self.data = moment.astimezone(UTC)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        if self.data is None:
            return ""
        return self.data.astimezone(local_zone()).strftime("%Y-%m-%dT%H:%M")


class NumberField(IntegerField):
    """A whole number, with a message in the user's language when it is not one."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError(_l("Enter a whole number, for example 40.")) from None


FORMAT_CHOICES = [SelectChoice(fmt.value, fmt.label) for fmt in MeetingFormat]
VISIBILITY_CHOICES = [
    SelectChoice("public", _l("Everyone: the meeting is public and anyone may register")),
    SelectChoice("members", _l("Members only: the forum's member organisations and those invited")),
]
MORE_THAN_20000 = _l("At most 20,000 characters.")


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), filters=[_strip],
                        validators=[DataRequired(message=_l("Enter the title of the meeting.")),
                                    Length(max=200, message=_l("At most 200 characters."))])
    description = TextAreaField(_l("Description"), filters=[_strip],
                                validators=[Length(max=20000, message=MORE_THAN_20000)], render_kw={"rows": 8})
    starts_at = LocalDateTimeField(_l("Starts"),
                                   validators=[InputRequired(message=_l("Enter when the meeting starts."))])
    ends_at = LocalDateTimeField(_l("Ends"), validators=[InputRequired(message=_l("Enter when the meeting ends."))])
    format = RadioField(_l("How do people take part?"), choices=FORMAT_CHOICES,
                        validators=[InputRequired(message=_l("Choose how people take part."))])
    venue_name = StringField(_l("Venue"), filters=[_strip],
                             validators=[Length(max=200, message=_l("At most 200 characters."))])
    venue_address = StringField(_l("Street address"), filters=[_strip],
                                validators=[Length(max=300, message=_l("At most 300 characters."))],
                                render_kw={"autocomplete": "street-address"})
    municipality_id = SelectField(_l("Municipality"), coerce=str, default="")
    access_info = TextAreaField(_l("Access information"), filters=[_strip],
                                validators=[Length(max=5000, message=_l("At most 5,000 characters."))],
                                render_kw={"rows": 3})
    online_url = URLField(_l("Link to the online meeting"), filters=[_strip],
                          validators=[Length(max=500, message=_l("At most 500 characters."))])
    capacity = NumberField(_l("Seats on site"), render_kw={"inputmode": "numeric", "min": 0})
    online_capacity = NumberField(_l("Places online"), render_kw={"inputmode": "numeric", "min": 0})
    registration_opens_at = LocalDateTimeField(_l("Registration opens"), validators=[Optional()])
    registration_closes_at = LocalDateTimeField(_l("Registration closes"), validators=[Optional()])
    visibility = RadioField(_l("Who may see the meeting and register?"), choices=VISIBILITY_CHOICES, default="public",
                            validators=[InputRequired(message=_l("Choose who may see the meeting."))])
    reminder_enabled = BooleanField(_l("Send a reminder by e-mail before the meeting"), default=True)
    reminder_hours = NumberField(_l("Hours before the meeting"), default=24,
                                 render_kw={"inputmode": "numeric", "min": 1})
    reminder_text = TextAreaField(_l("Text to add to the reminder"), filters=[_strip],
                                  validators=[Length(max=2000, message=_l("At most 2,000 characters."))],
                                  render_kw={"rows": 3})

    contact_name = StringField(_l("Contact person's name"), filters=[_strip],
                               validators=[Length(max=200, message=_l("At most 200 characters."))],
                               render_kw={"autocomplete": "off"})
    contact_email = EmailField(_l("Contact person's e-mail address"), filters=[_strip],
                               validators=[Length(max=254, message=_l("The address is too long."))],
                               render_kw={"autocomplete": "off"})
    contact_phone = StringField(_l("Contact person's phone number"), filters=[_strip],
                                validators=[Length(max=40, message=_l("At most 40 characters."))],
                                render_kw={"autocomplete": "off", "inputmode": "tel"})

    def validate_reminder_hours(self, field) -> None:
        if self.reminder_enabled.data and field.data is None and not field.errors:
            raise ValidationError(_l("Enter how many hours before the meeting the reminder is sent."))

    def set_choices(self, municipalities: list[Municipality]) -> None:
        self.municipality_id.choices = [SelectChoice("", _l("Choose a municipality"))] + [
            SelectChoice(str(m.id), m.name) for m in municipalities]

    def fill_from(self, meeting: Meeting) -> None:
        """Show a saved meeting (on GET: a submitted form keeps what was typed)."""
        for name in ("title", "description", "starts_at", "ends_at", "venue_name", "venue_address", "access_info",
                     "online_url", "capacity", "online_capacity", "registration_opens_at", "registration_closes_at",
                     "reminder_enabled", "reminder_hours", "reminder_text", "contact_name", "contact_email",
                     "contact_phone"):
            self[name].data = getattr(meeting, name)
        self.format.data = meeting.format.value
        self.municipality_id.data = str(meeting.municipality_id) if meeting.municipality_id else ""
        self.visibility.data = "members" if meeting.members_only else "public"

    def details(self) -> MeetingDetails:
        return MeetingDetails(
            title=self.title.data or "", description=self.description.data or "",
            starts_at=self.starts_at.data, ends_at=self.ends_at.data, format=MeetingFormat(self.format.data),
            venue_name=self.venue_name.data or "", venue_address=self.venue_address.data or "",
            municipality_id=int(self.municipality_id.data) if self.municipality_id.data else None,
            access_info=self.access_info.data or "", online_url=self.online_url.data or None,
            capacity=self.capacity.data, online_capacity=self.online_capacity.data,
            registration_opens_at=self.registration_opens_at.data,
            registration_closes_at=self.registration_closes_at.data,
            members_only=self.visibility.data == "members", reminder_enabled=bool(self.reminder_enabled.data),
            reminder_hours=self.reminder_hours.data if self.reminder_hours.data is not None else 24,
            reminder_text=self.reminder_text.data or "", contact_name=self.contact_name.data or None,
            contact_email=self.contact_email.data or None, contact_phone=self.contact_phone.data or None)

    def suggest_contact(self, contact: Contact | None) -> None:
        """A new meeting's contact, until the organiser types another (on GET only)."""
        if contact is not None:
            self.contact_name.data, self.contact_email.data = contact.name, contact.email

    def show_problems(self, problems: list[Problem]) -> None:
        """Put the domain's problems beside the fields they concern."""
        for problem in problems:
            field = self._fields.get(problem.field, self.title)
            field.errors = [*field.errors, problem.message]


class CancelMeetingForm(FlaskForm):
    message = TextAreaField(_l("Message to those registered (optional)"), filters=[_strip],
                            validators=[Length(max=2000, message=_l("At most 2,000 characters."))],
                            render_kw={"rows": 4})


class AgendaItemForm(FlaskForm):
    title = StringField(_l("Item"), filters=[_strip],
                        validators=[DataRequired(message=_l("Enter the item.")),
                                    Length(max=300, message=_l("At most 300 characters."))])
    description = TextAreaField(_l("Notes (optional)"), filters=[_strip],
                                validators=[Length(max=5000, message=_l("At most 5,000 characters."))],
                                render_kw={"rows": 3})


class MoveAgendaItemForm(FlaskForm):
    direction = StringField(validators=[AnyOf(["up", "down"])])
