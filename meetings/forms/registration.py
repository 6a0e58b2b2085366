"""Forms for registering for a meeting and changing a registration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional

from ..models import Meeting, Organisation, ParticipationMode
from .base import FlaskForm

NEEDS_MAX = 1000
NAME_MAX = 200


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def mode_choices(modes: list[ParticipationMode]) -> list[SelectChoice]:
    return [SelectChoice(mode.value, mode.label) for mode in modes]


class RegistrationForm(FlaskForm):
    mode = RadioField(_l("How will you take part?"),
                      validators=[InputRequired(message=_l("Choose how you will take part."))])
    # The page leaves the field out when "Myself" is the only choice; the default stands in for it.
    organisation = SelectField(_l("On behalf of"), coerce=str, default="")
    dietary_needs = TextAreaField(
        _l("Food and allergies"), validators=[Length(max=NEEDS_MAX, message=_l("At most 1000 characters."))])
    access_needs = TextAreaField(
        _l("Accessibility needs"), validators=[Length(max=NEEDS_MAX, message=_l("At most 1000 characters."))])
    show_name_publicly = BooleanField(_l("Show my name in the public list of participants"))

    def configure(self, meeting: Meeting, modes: list[ParticipationMode], organisations: list[Organisation]) -> None:
        self.mode.choices = mode_choices(modes)
        if len(modes) == 1 and not self.mode.data:
            self.mode.data = modes[0].value
        self.organisation.choices = [SelectChoice("", _l("Myself (no organisation)"))] + [
            SelectChoice(str(o.id), o.name) for o in organisations]


class OpenRegistrationForm(RegistrationForm):
    """Registering with a name and an e-mail address, without an account."""

    organisation = None  # nobody is represented without signing in; the association is named instead
    name = StringField(_l("Your name"), filters=[_strip],
                       validators=[InputRequired(message=_l("Enter your name.")),
                                   Length(max=NAME_MAX, message=_l("At most 200 characters."))],
                       render_kw={"autocomplete": "name"})
    email = EmailField(_l("Your e-mail address"), filters=[_strip],
                       validators=[InputRequired(message=_l("Enter your e-mail address.")),
                                   Email(message=_l("Enter an e-mail address like name@example.org."),
                                         check_deliverability=False),
                                   Length(max=254, message=_l("The address is too long."))],
                       render_kw={"autocomplete": "email"})
    organisation_name = StringField(
        _l("Association or organisation you come for (optional)"), filters=[_strip],
        validators=[Optional(), Length(max=NAME_MAX, message=_l("At most 200 characters."))],
        render_kw={"autocomplete": "organization", "list": "register-organisations"})
    # A field people never see (hidden by the style sheet); forms filled in by robots fill it in.
    website = StringField(_l("Leave this field empty"), render_kw={"autocomplete": "off", "tabindex": "-1"})

    def configure(self, meeting: Meeting, modes: list[ParticipationMode]) -> None:
        self.mode.choices = mode_choices(modes)
        if len(modes) == 1 and not self.mode.data:
            self.mode.data = modes[0].value


class ChangeModeForm(FlaskForm):
    mode = RadioField(_l("How will you take part?"),
                      validators=[InputRequired(message=_l("Choose how you will take part."))])


class CancelRegistrationForm(FlaskForm):
    """Cancelling asks once: the first press shows the question, the second (with ``confirm``) cancels."""

    confirm = HiddenField()


class UndoCancelForm(FlaskForm):
    """Only the CSRF token: taking back a cancellation is one button."""
