"""The plugin's forms: every one carries its CSRF token (Flask-WTF)."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from meetings import api

from .i18n import _l


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def required():
    return DataRequired(message=_l("Fill in this field."))


class EmptyForm(api.FlaskForm):
    """Only the CSRF token: for buttons that do one thing."""


class AttendeesForm(api.FlaskForm):
    attendees = MultiCheckboxField(_l("Who attended for the organisation"), coerce=int, validate_choice=False)


class TripForm(api.FlaskForm):
    driver = StringField(_l("Driver"), validators=[required(), Length(max=200)])
    from_place = StringField(_l("From"), validators=[required(), Length(max=200)])
    to_place = StringField(_l("To"), validators=[required(), Length(max=200)])
    km = StringField(_l("Distance there and back, in whole km"), validators=[required()])
    passengers = TextAreaField(_l("Passengers riding along (one name a line)"), validators=[Length(max=2000)])


class ExpenseForm(api.FlaskForm):
    kind = SelectField(_l("Kind of cost"), choices=[SelectChoice("public_transport", _l("Public transport")),
                                                    SelectChoice("other", _l("Other cost"))])
    description = StringField(_l("What it was for"), validators=[required(), Length(max=200)])
    amount = StringField(_l("Amount in kronor"), validators=[required()])
    receipt = FileField(_l("Receipt (PDF, JPEG or PNG)"))


class PaymentForm(api.FlaskForm):
    method = RadioField(_l("Paid to"), choices=[SelectChoice("bankgiro", _l("Bankgiro")),
                                               SelectChoice("plusgiro", _l("Plusgiro")),
                                               SelectChoice("iban", _l("Bank account (IBAN)"))],
                        validators=[DataRequired(message=_l("Choose how the organisation is paid."))])
    number = StringField(_l("Number"), validators=[required(), Length(max=60)])


class RulesForm(api.FlaskForm):
    offered = BooleanField(_l("Compensation is offered to civil-society organisations at this forum's meetings"))
    fee_on_site = StringField(_l("Participation fee on site, per representative (kronor)"), default="0")
    fee_online = StringField(_l("Participation fee online, per representative (kronor)"), default="0")
    max_representatives = StringField(_l("The fee is paid for at most this many representatives per organisation"),
                                      default="1")
    mileage = BooleanField(_l("Mileage for own car is paid"), default=True)
    receipts = BooleanField(_l("Public transport and other costs are paid against receipts"), default=True)
    deadline_days = StringField(_l("Days after the meeting to claim"), default="30")
    budget = StringField(_l("Budget for the year (kronor; empty for no limit)"), validators=[Optional()])


class MeetingRulesForm(api.FlaskForm):
    offered = SelectField(_l("Compensation at this meeting"),
                          choices=[SelectChoice("", _l("As the forum's rules say")),
                                   SelectChoice("yes", _l("Offered")), SelectChoice("no", _l("Not offered"))])
    fee_on_site = StringField(_l("Participation fee on site (kronor; empty: the forum's)"))
    fee_online = StringField(_l("Participation fee online (kronor; empty: the forum's)"))
    max_representatives = StringField(_l("Representatives paid per organisation (empty: the forum's)"))
    deadline_days = StringField(_l("Days after the meeting to claim (empty: the forum's)"))


class DecideForm(api.FlaskForm):
    reason = TextAreaField(_l("Reason (required to return or reject; the organisation sees it)"),
                           validators=[Length(max=2000)])


class PaidForm(api.FlaskForm):
    claims = MultiCheckboxField(_l("Approved claims"), coerce=int, validate_choice=False)
