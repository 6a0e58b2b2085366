"""Forms for registering for a meeting and changing a registration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from ..models import Meeting, Organisation, ParticipationMode
from .base import FlaskForm

NEEDS_MAX = 1000


def mode_choices(modes: list[ParticipationMode]) -> list[SelectChoice]:
    return [SelectChoice(mode.value, mode.label) for mode in modes]


class RegistrationForm(FlaskForm):
    mode = RadioField(_l("How will you take part?"),
                      validators=[InputRequired(message=_l("Choose how you will take part."))])
    organisation = SelectField(_l("On behalf of"), coerce=str)
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


class ChangeModeForm(FlaskForm):
    mode = RadioField(_l("How will you take part?"),
                      validators=[InputRequired(message=_l("Choose how you will take part."))])


class CancelRegistrationForm(FlaskForm):
    """Only the CSRF token: cancelling is one button."""
