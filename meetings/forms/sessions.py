"""Forms for a meeting's programme: organisers add and change sessions, registrants choose them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..domain.sessions import SessionData
from ..models import MeetingFormat, MeetingSession
from .base import FlaskForm
from .meetings import LocalDateTimeField, NumberField


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SessionForm(FlaskForm):
    title = StringField(_l("Title"), filters=[_strip],
                        validators=[InputRequired(message=_l("Enter a title.")),
                                    Length(max=300, message=_l("At most 300 characters."))])
    # Typed in local time; ``data`` is the moment in UTC.
    starts_at = LocalDateTimeField(
        _l("Starts"), validators=[InputRequired(message=_l("Enter when the session starts."))])
    ends_at = LocalDateTimeField(
        _l("Ends"), validators=[InputRequired(message=_l("Enter when the session ends."))])
    room = StringField(_l("Room"), filters=[_strip],
                       validators=[Length(max=120, message=_l("At most 120 characters."))])
    format = SelectField(_l("How people take part"), coerce=str,
                         validators=[InputRequired(message=_l("Choose how people take part."))])
    capacity = NumberField(_l("Places"), validators=[
        Optional(), NumberRange(min=1, message=_l("Enter at least 1, or leave the field empty for no limit."))])
    description = TextAreaField(_l("Description"), filters=[_strip], render_kw={"rows": 5},
                                validators=[Length(max=5000, message=_l("At most 5000 characters."))])

    def configure(self, formats: list[MeetingFormat]) -> None:
        self.format.choices = [SelectChoice(f.value, f.label) for f in formats]

    def fill_from(self, session: MeetingSession) -> None:
        self.title.data, self.room.data = session.title, session.room
        self.starts_at.data, self.ends_at.data = session.starts_at, session.ends_at
        self.format.data, self.capacity.data = session.format.value, session.capacity
        self.description.data = session.description

    def validate_ends_at(self, field) -> None:
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The session must end after it starts."))

    def session_data(self) -> SessionData:
        return SessionData(title=self.title.data, starts_at=self.starts_at.data,
                           ends_at=self.ends_at.data, format=MeetingFormat(self.format.data),
                           room=self.room.data or "", capacity=self.capacity.data,
                           description=self.description.data or "")


class ChooseSessionsForm(FlaskForm):
    # Rendered by hand (sessions/choose.html): each box is labelled with the session's time and places.
    sessions = SelectMultipleField(_l("Sessions"), coerce=int, validate_choice=True)

    def configure(self, sessions: list[MeetingSession]) -> None:
        self.sessions.choices = [SelectChoice(s.id, s.title) for s in sessions]
