"""Forms of the forum pages: the catalogue's filters, a forum's details, and managing members."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..models import Municipality, Organisation, ParticipationLevel, SubjectArea
from .base import FlaskForm


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes; templates render it as a fieldset (see forums/_fields.html)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


MEMBERSHIP_CHOICES = [
    SelectChoice("open", _l("Open: organisations may ask to join")),
    SelectChoice("closed", _l("Closed: by invitation")),
]


class ForumFilterForm(FlaskForm):
    """The catalogue's filters, sent as a plain GET so that a filtered list has its own address."""

    class Meta:
        csrf = False

    area = SelectField(_l("Subject area"), default="")
    organiser = SelectField(_l("Organiser"), default="")
    level = SelectField(_l("Level of participation"), default="")
    municipality = SelectField(_l("Municipality"), default="")
    membership = SelectField(_l("Membership"), default="")

    def set_choices(self, areas: list[SubjectArea], organisers: list[Organisation],
                    municipalities: list[Municipality]) -> None:
        self.area.choices = [SelectChoice("", _l("All subject areas"))] + [
            SelectChoice(a.code, a.name) for a in areas]
        self.organiser.choices = [SelectChoice("", _l("All organisers"))] + [
            SelectChoice(str(o.id), o.name) for o in organisers]
        self.level.choices = [SelectChoice("", _l("All levels"))] + [
            SelectChoice(level.value, level.label) for level in ParticipationLevel]
        self.municipality.choices = [SelectChoice("", _l("All municipalities"))] + [
            SelectChoice(m.code, m.name) for m in municipalities]
        self.membership.choices = [SelectChoice("", _l("Open and closed"))] + [
            SelectChoice("open", _l("Open to requests")), SelectChoice("closed", _l("By invitation only"))]

    def chosen(self) -> dict[str, str]:
        """The filters that hold a known value; unknown values (an old link) are dropped."""
        self.validate()
        values = {}
        for name in ("area", "organiser", "level", "municipality", "membership"):
            field = self[name]
            if field.errors or not field.data:
                field.data = ""
            else:
                values[name] = field.data
        return values


class ForumForm(FlaskForm):
    name = StringField(_l("Name of the forum"), filters=[_strip],
                       validators=[DataRequired(message=_l("Enter the name of the forum.")),
                                   Length(max=200, message=_l("At most 200 characters."))])
    slug = StringField(_l("Web address"), filters=[_strip],
                       validators=[Optional(), Length(max=100, message=_l("At most 100 characters."))])
    organiser = SelectField(_l("Organiser"), coerce=int,
                            validators=[InputRequired(message=_l("Choose the organiser."))])
    description = TextAreaField(_l("Description"), filters=[_strip],
                                validators=[Length(max=20000, message=_l("At most 20,000 characters."))],
                                render_kw={"rows": 8})
    participation_level = RadioField(
        _l("Level of participation"),
        choices=[SelectChoice(level.value, level.label) for level in ParticipationLevel],
        validators=[InputRequired(message=_l("Choose the level of participation."))])
    subject_areas = MultiCheckboxField(_l("Subject areas"), coerce=int)
    municipalities = MultiCheckboxField(_l("Municipalities"), coerce=int)
    membership = RadioField(_l("Membership"), choices=MEMBERSHIP_CHOICES, default="open",
                            validators=[InputRequired(message=_l("Choose whether the forum is open."))])

    def set_choices(self, organisers: list[Organisation], areas: list[SubjectArea],
                    municipalities: list[Municipality]) -> None:
        self.organiser.choices = [SelectChoice(o.id, o.name) for o in organisers]
        self.subject_areas.choices = [SelectChoice(a.id, a.name) for a in areas]
        self.municipalities.choices = [SelectChoice(m.id, m.name) for m in municipalities]


class JoinForm(FlaskForm):
    organisation = SelectField(_l("Organisation"), coerce=int,
                               validators=[InputRequired(message=_l("Choose an organisation."))])


class DecisionForm(FlaskForm):
    """Accept or decline a request: the value of the button pressed."""

    decision = StringField(validators=[AnyOf(["accept", "decline"])])


class RepresentativesForm(FlaskForm):
    people = MultiCheckboxField(_l("Speaks for the organisation in this forum"), coerce=int)


class FindOrganisationsForm(FlaskForm):
    """The register's filters for finding whom to invite, sent as a plain GET."""

    class Meta:
        csrf = False

    area = MultiCheckboxField(_l("Subject areas"), validate_choice=False)
    municipality = MultiCheckboxField(_l("Municipalities"), validate_choice=False)
    never = BooleanField(_l("Only organisations that have never taken part in a forum on these subject areas"))

    def set_choices(self, areas: list[SubjectArea], municipalities: list[Municipality]) -> None:
        self.area.choices = [SelectChoice(a.code, a.name) for a in areas]
        self.municipality.choices = [SelectChoice(m.code, m.name) for m in municipalities]
        # Codes that no longer exist (an old link) are dropped rather than refused.
        self.area.data = [code for code in self.area.data or [] if code in {a.code for a in areas}]
        self.municipality.data = [code for code in self.municipality.data or []
                                  if code in {m.code for m in municipalities}]


class AddMembersForm(FlaskForm):
    organisation = MultiCheckboxField(coerce=int, validate_choice=False,
                                      validators=[InputRequired(message=_l("Choose at least one organisation."))])
