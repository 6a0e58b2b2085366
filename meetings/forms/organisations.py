"""Forms for joining the register and keeping an entry: registration, editing, representatives,
umbrella membership and the approval queue."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain.orgnumber import normalise_org_number
from ..models import ICNPOGroup, Level, Municipality, OrganisationKind, SubjectArea
from .base import FlaskForm

DESCRIPTION_LENGTH = 5000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CheckboxGroupField(SelectMultipleField):
    """Several choices as checkboxes; organisation_admin/_fields.html lays them out in a fieldset."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _email_field(label, required_message):
    return EmailField(
        label,
        validators=[InputRequired(message=required_message),
                    Email(message=_l("Enter an e-mail address like name@example.org."),
                          check_deliverability=False),
                    Length(max=254, message=_l("The address is too long."))],
        filters=[_strip])


def _org_number_field():
    return StringField(_l("Organisation number (optional)"), filters=[_strip],
                       validators=[Length(max=20, message=_l("Enter ten digits, like 802002-4280."))],
                       render_kw={"inputmode": "numeric", "autocomplete": "off"})


def _validate_org_number(form, field) -> None:
    """Stores the ten digits in ``form.org_number_digits`` (None when left empty)."""
    form.org_number_digits = None
    if not field.data:
        return
    try:
        form.org_number_digits = normalise_org_number(field.data)
    except ValueError:
        raise ValidationError(_l("This is not a valid organisation number. Check the digits: it is written "
                                 "like 802002-4280 and is on the association's papers from Skatteverket.")) from None


def _level_field():
    return RadioField(_l("Level"), default=Level.LOCAL.value,
                      choices=[SelectChoice(level.value, level.label) for level in Level],
                      validators=[InputRequired(message=_l("Choose the level the organisation works at."))])


def _description_field(label):
    return TextAreaField(label, filters=[_strip], render_kw={"rows": 6},
                         validators=[Length(max=DESCRIPTION_LENGTH,
                                            message=_l("At most %(max)d characters.", max=DESCRIPTION_LENGTH))])


def _name_field():
    return StringField(_l("Name of the organisation"), filters=[_strip],
                       validators=[InputRequired(message=_l("Enter the organisation's name.")),
                                   Length(max=200, message=_l("At most 200 characters."))],
                       render_kw={"autocomplete": "organization"})


class _OrganisationFields(FlaskForm):
    """What registration and editing share (the fields themselves are declared in each form, in the
    order they are shown). Choices come from the reference data: see set_choices."""

    org_number_digits: str | None = None

    def set_choices(self, areas: list[SubjectArea], municipalities: list[Municipality]) -> None:
        self.subject_areas.choices = [SelectChoice(a.id, a.name) for a in areas]
        self.municipalities.choices = [SelectChoice(m.id, m.name) for m in municipalities]

    def validate_org_number(self, field) -> None:
        _validate_org_number(self, field)


class RegistrationForm(_OrganisationFields):
    name = _name_field()
    contact_email = _email_field(_l("The organisation's e-mail address"),
                                 _l("Enter an e-mail address for the organisation."))
    registrant_name = StringField(_l("Your name"), filters=[_strip],
                                  validators=[InputRequired(message=_l("Enter your name.")),
                                              Length(max=200, message=_l("At most 200 characters."))],
                                  render_kw={"autocomplete": "name"})
    subject_areas = CheckboxGroupField(_l("Subject areas"), coerce=int, choices=[])
    municipalities = CheckboxGroupField(_l("Municipalities"), coerce=int, choices=[])
    level = _level_field()
    org_number = _org_number_field()
    description = _description_field(_l("Short description (optional)"))

    def validate_municipalities(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one municipality where the organisation is active."))


def _website(value):
    """People type "www.example.org"; the link needs a scheme."""
    value = _strip(value)
    if value and "://" not in value:
        value = "https://" + value
    return value


def _validate_website(form, field) -> None:
    if not field.data:
        return
    parts = urlsplit(field.data)
    # Only web addresses: anything else (javascript:, data:) would be a trap behind a link.
    if parts.scheme not in ("http", "https") or "." not in (parts.hostname or "") or " " in field.data:
        raise ValidationError(_l("Enter a web address like https://www.example.org."))


ICNPO_CHOICES = [SelectChoice("", _l("Not chosen"))] + [
    SelectChoice(str(group.value), group.label) for group in ICNPOGroup]


class OrganisationForm(_OrganisationFields):
    """Editing an entry. Curators also see ``kind``; the view removes it for everyone else."""

    name = _name_field()
    kind = RadioField(_l("Kind of organisation"),
                      choices=[SelectChoice(kind.value, kind.label) for kind in OrganisationKind],
                      validators=[InputRequired(message=_l("Choose the kind of organisation."))])
    # Optional here: entries that curators added (public bodies, say) may have no address of their own.
    contact_email = EmailField(
        _l("The organisation's e-mail address"), filters=[_strip],
        validators=[Optional(), Email(message=_l("Enter an e-mail address like name@example.org."),
                                      check_deliverability=False),
                    Length(max=254, message=_l("The address is too long."))])
    org_number = _org_number_field()
    level = _level_field()
    icnpo_group = SelectField(_l("Field of activity"), choices=ICNPO_CHOICES, default="",
                              validators=[Optional()])
    subject_areas = CheckboxGroupField(_l("Subject areas"), coerce=int, choices=[])
    municipalities = CheckboxGroupField(_l("Municipalities"), coerce=int, choices=[])
    website = StringField(_l("Website (optional)"), filters=[_website],
                          validators=[Length(max=300, message=_l("At most 300 characters.")), _validate_website],
                          render_kw={"autocomplete": "url", "inputmode": "url"})
    description = _description_field(_l("Description"))

    @property
    def icnpo_value(self) -> int | None:
        return int(self.icnpo_group.data) if self.icnpo_group.data else None


class RepresentativeForm(FlaskForm):
    email = _email_field(_l("Their e-mail address"), _l("Enter your colleague's e-mail address."))
    name = StringField(_l("Their name"), filters=[_strip],
                       validators=[InputRequired(message=_l("Enter your colleague's name.")),
                                   Length(max=200, message=_l("At most 200 characters."))])
    title = StringField(_l("Role in the organisation (optional)"), filters=[_strip],
                        validators=[Length(max=120, message=_l("At most 120 characters."))])


class OwnListingForm(FlaskForm):
    shown_publicly = BooleanField(_l("Show my name in the public register"))
    title = StringField(_l("My role in the organisation (optional)"), filters=[_strip],
                        validators=[Length(max=120, message=_l("At most 120 characters."))])


class UmbrellaForm(FlaskForm):
    umbrella = SelectField(_l("Umbrella organisation"), choices=[],
                           validators=[InputRequired(message=_l("Choose an umbrella organisation."))])

    def set_choices(self, umbrellas) -> None:
        self.umbrella.choices = [SelectChoice("", _l("Choose…"))] + [
            SelectChoice(str(o.id), o.name) for o in umbrellas]


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional, sent to the applicant)"), filters=[_strip],
                           validators=[Length(max=1000, message=_l("At most 1000 characters."))],
                           render_kw={"rows": 2})
