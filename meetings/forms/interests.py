"""Choosing what an organisation wants to hear about."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from .base import FlaskForm


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes; the template lays them out in a fieldset."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InterestsForm(FlaskForm):
    # Choices are the current reference data, set by the view before validating. Something not
    # offered comes only from a tampered or very old form; the message says what to do.
    subject_areas = CheckboxesField(
        _l("Subject areas"), coerce=int, choices=[],
        invalid_choice_message=_l("Choose among the subject areas listed."),
        invalid_value_message=_l("Choose among the subject areas listed."))
    municipalities = CheckboxesField(
        _l("Municipalities"), coerce=int, choices=[],
        invalid_choice_message=_l("Choose among the municipalities listed."),
        invalid_value_message=_l("Choose among the municipalities listed."))
