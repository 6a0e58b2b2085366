"""Forms of the check-in pages: one tap per person, a code, a walk-in, and confirming online."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from ..models import ParticipationMode
from .base import FlaskForm

NAME_MAX = 200


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def mode_choices(modes: list[ParticipationMode]) -> list[SelectChoice]:
    return [SelectChoice(mode.value, mode.label) for mode in modes]


class CheckInForm(FlaskForm):
    """Sent by the button "present on site" or "present online"; the button carries the mode."""

    mode = RadioField(validators=[InputRequired()])


class UndoCheckInForm(FlaskForm):
    """Only the CSRF token: undoing is one button."""


class CodeForm(FlaskForm):
    code = StringField(_l("Check-in code"), filters=[_strip],
                       validators=[InputRequired(message=_l("Enter the code.")),
                                   Length(max=20, message=_l("A check-in code has six characters."))],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


class WalkInForm(FlaskForm):
    name = StringField(_l("Name"), filters=[_strip],
                       validators=[InputRequired(message=_l("Enter the name of the person who came.")),
                                   Length(max=NAME_MAX, message=_l("At most 200 characters."))],
                       render_kw={"autocomplete": "off"})
    organisation = StringField(_l("Organisation (optional)"), filters=[_strip],
                               validators=[Optional(), Length(max=NAME_MAX, message=_l("At most 200 characters."))],
                               render_kw={"autocomplete": "off", "list": "registered-organisations"})
    mode = RadioField(_l("Taking part"), validators=[InputRequired(message=_l("Choose how they take part."))])

    def configure(self, modes: list[ParticipationMode]) -> None:
        self.mode.choices = mode_choices(modes)
        if not self.mode.data:
            self.mode.data = modes[0].value


class SelfConfirmForm(FlaskForm):
    """Only the CSRF token: confirming is one button."""
