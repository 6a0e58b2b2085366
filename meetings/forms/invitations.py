"""Forms for inviting to a meeting and for answering an invitation."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..models import Municipality, Organisation, ParticipationMode, SubjectArea
from .base import FlaskForm, Form
from .registration import NEEDS_MAX, mode_choices

MOST_SEATS = 500
MOST_ADDRESSES = 200
# Rows for people on the answer page; without JavaScript, more are added by a button.
FIRST_ROWS = 5
MORE_ROWS = 3
MOST_ROWS = 50


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _seats_field() -> IntegerField:
    return IntegerField(
        _l("Seats per invitation"),
        validators=[Optional(), NumberRange(min=1, max=MOST_SEATS,
                                            message=_l("Enter a number from 1 to 500, or leave it empty."))],
        render_kw={"inputmode": "numeric", "min": 1, "max": MOST_SEATS})


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InviteMembersForm(FlaskForm):
    seats = _seats_field()


class InviteOrganisationsForm(FlaskForm):
    organisation = MultiCheckboxField(_l("Organisations"), coerce=int)
    seats = _seats_field()

    def set_choices(self, organisations: list[Organisation]) -> None:
        # Every approved organisation may be chosen; the filter only narrows what is shown.
        self.organisation.choices = [SelectChoice(o.id, o.name) for o in organisations]

    def validate_organisation(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one organisation."))


class InviteEmailsForm(FlaskForm):
    emails = TextAreaField(_l("E-mail addresses"), render_kw={"rows": 6, "autocomplete": "off"})
    seats = _seats_field()

    def validate_emails(self, field) -> None:
        """Every line must be an address; the bad lines are named, and nothing is sent."""
        lines = [line.strip().strip(",;") for line in (field.data or "").splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise ValidationError(_l("Enter at least one e-mail address."))
        if len(lines) > MOST_ADDRESSES:
            raise ValidationError(_l("At most 200 addresses at a time."))
        bad = []
        for line in lines:
            try:
                validate_email(line, check_deliverability=False)
            except EmailNotValidError:
                bad.append(line)
            else:
                if len(line) > 254:
                    bad.append(line)
        if bad:
            raise ValidationError(_l("These lines are not e-mail addresses: %(lines)s. Correct them; nothing was sent.",
                                     lines="; ".join(bad)))
        self.addresses = [line.lower() for line in lines]


class RegisterFilterForm(FlaskForm):
    """Narrows the register's list by subject area and municipality, as a plain GET."""

    class Meta:
        csrf = False

    area = SelectField(_l("Subject area"), default="")
    municipality = SelectField(_l("Municipality"), default="")

    def set_choices(self, areas: list[SubjectArea], municipalities: list[Municipality]) -> None:
        self.area.choices = [SelectChoice("", _l("All subject areas"))] + [
            SelectChoice(a.code, a.name) for a in areas]
        self.municipality.choices = [SelectChoice("", _l("All municipalities"))] + [
            SelectChoice(m.code, m.name) for m in municipalities]

    def chosen(self) -> tuple[str | None, str | None]:
        """(area code, municipality code); unknown values (an old link) count as none."""
        self.validate()
        values = []
        for field in (self.area, self.municipality):
            if field.errors or not field.data:
                field.data = ""
                values.append(None)
            else:
                values.append(field.data)
        return values[0], values[1]


class AttendeeForm(Form):
    """One person who will come. A row left empty is ignored."""

    name = StringField(_l("Name"), filters=[_strip], render_kw={"autocomplete": "off"},
                       validators=[Length(max=200, message=_l("At most 200 characters."))])
    email = EmailField(_l("E-mail address"), filters=[_strip],
                       validators=[Length(max=254, message=_l("The address is too long."))],
                       render_kw={"autocomplete": "off"})
    mode = RadioField(_l("How will they take part?"), validate_choice=False)
    dietary_needs = TextAreaField(_l("Food and allergies"), filters=[_strip], render_kw={"rows": 2},
                                  validators=[Length(max=NEEDS_MAX, message=_l("At most 1000 characters."))])
    access_needs = TextAreaField(_l("Accessibility needs"), filters=[_strip], render_kw={"rows": 2},
                                 validators=[Length(max=NEEDS_MAX, message=_l("At most 1000 characters."))])
    show_name_publicly = BooleanField(_l("Show the name in the public list of participants"))

    @property
    def is_empty(self) -> bool:
        return not (self.name.data or self.email.data or self.dietary_needs.data or self.access_needs.data)


class AnswerForm(FlaskForm):
    answer = RadioField(_l("Will you take part?"),
                        choices=[SelectChoice("yes", _l("Yes, we will come")),
                                 SelectChoice("no", _l("No, we cannot come"))],
                        validators=[InputRequired(message=_l("Answer yes or no."))])
    attendees = FieldList(FormField(AttendeeForm), min_entries=1, max_entries=MOST_ROWS)

    def configure(self, modes: list[ParticipationMode], rows: int) -> None:
        """``rows`` empty rows at least (as many as are already filled in, if more)."""
        while len(self.attendees) < rows:
            self.attendees.append_entry()
        for entry in self.attendees:
            entry.form.mode.choices = mode_choices(modes)
            if len(modes) == 1:
                entry.form.mode.data = modes[0].value
        self._modes = modes

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.answer.data != "yes":
            return valid
        named = 0
        for entry in self.attendees:
            row = entry.form
            if row.is_empty:
                continue
            named += 1
            if not row.name.data:
                row.name.errors.append(_l("Enter the person's name."))
                valid = False
            if not row.email.data:
                row.email.errors.append(_l("Enter the person's e-mail address."))
                valid = False
            elif not _is_address(row.email.data):
                row.email.errors.append(_l("Enter an e-mail address like name@example.org."))
                valid = False
            if row.mode.data not in {mode.value for mode in self._modes}:
                row.mode.errors.append(_l("Choose how the person will take part."))
                valid = False
        if named == 0:
            self.attendees.entries[0].form.name.errors.append(_l("Name at least one person who will come."))
            valid = False
        return valid

    def filled_rows(self) -> list[AttendeeForm]:
        return [entry.form for entry in self.attendees if not entry.form.is_empty]


def _is_address(text: str) -> bool:
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True
