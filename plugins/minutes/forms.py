"""The plugin's forms. Choices are filled in by the views from the meeting's people and organisations."""

from __future__ import annotations

from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from meetings import api

from .i18n import _l


class HeaderForm(api.FlaskForm):
    place = StringField(_l("Place"), validators=[Optional(), Length(max=300)])
    secretary = SelectField(_l("Secretary"), validate_choice=True)
    chair = SelectField(_l("Chair"), validators=[DataRequired(_l("Choose the chair."))])
    adjuster1 = SelectField(_l("Justerare"), validators=[DataRequired(_l("Choose at least one justerare."))])
    adjuster2 = SelectField(_l("Second justerare (optional)"))
    version = HiddenField()
    submit = SubmitField(_l("Save"))


class ParagraphForm(api.FlaskForm):
    title = StringField(_l("Heading"), validators=[DataRequired(_l("Give the paragraph a heading.")),
                                                   Length(max=300)])
    case_number = StringField(_l("Case number (Dnr)"), validators=[Optional(), Length(max=60)])
    discussion = TextAreaField(_l("Discussion"), render_kw={"rows": 8})
    decision = TextAreaField(_l("Decision"), render_kw={"rows": 4})
    immediate = BooleanField(_l("Approve this paragraph at the meeting (omedelbar justering)"))
    version = HiddenField()
    submit = SubmitField(_l("Save paragraph"))


class NewParagraphForm(api.FlaskForm):
    title = StringField(_l("Heading of the new paragraph"),
                        validators=[DataRequired(_l("Give the paragraph a heading.")), Length(max=300)])
    submit = SubmitField(_l("Add paragraph"))


class ActionForm(api.FlaskForm):
    what = TextAreaField(_l("What is to be done"), validators=[DataRequired(_l("Say what is to be done."))],
                         render_kw={"rows": 2})
    who = SelectField(_l("Who"), validators=[DataRequired(_l("Choose who is to do it."))])
    due = DateField(_l("Due date (optional)"), validators=[Optional()])
    submit = SubmitField(_l("Add action item"))


class CorrectionForm(api.FlaskForm):
    reason = TextAreaField(_l("What is corrected, and why"),
                           validators=[DataRequired(_l("Say what is to be corrected and why."))],
                           render_kw={"rows": 3})
    submit = SubmitField(_l("Start a correction"))


class ButtonForm(api.FlaskForm):
    submit = SubmitField()
