"""The core's forms. Every form validates on the server; Flask-WTF adds the CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length

from ..config import SUPPORTED_LOCALES
from ..i18n import LANGUAGE_NAMES
from .base import FlaskForm


class SignInForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[InputRequired(message=_l("Enter your e-mail address.")),
                    Email(message=_l("Enter an e-mail address like name@example.org."),
                          check_deliverability=False),
                    Length(max=254, message=_l("The address is too long."))],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"autocomplete": "email"},
    )
    next = HiddenField()


class ConfirmSignInForm(FlaskForm):
    """The sign-in link opens a page with this button: mail scanners that follow links
    must not use up the one-time link."""


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons such as sign out."""


class LanguageForm(FlaskForm):
    locale = HiddenField(validators=[InputRequired()])
    next = HiddenField()

    def validate_locale(self, field):
        if field.data not in SUPPORTED_LOCALES:
            from wtforms import ValidationError

            raise ValidationError(_l("Unknown language."))


class AccountForm(FlaskForm):
    name = StringField(_l("Your name"),
                       validators=[Length(max=200, message=_l("At most 200 characters."))],
                       render_kw={"autocomplete": "name"})
    locale = RadioField(_l("Language"), choices=[SelectChoice(code, LANGUAGE_NAMES[code], render_kw={"lang": code})
                                 for code in SUPPORTED_LOCALES],
                        validators=[InputRequired(message=_l("Choose a language."))])


class EraseAccountForm(FlaskForm):
    understood = BooleanField(
        _l("I understand that my account and what it holds are removed for good"),
        validators=[InputRequired(message=_l("Tick the box to confirm that you want your account removed."))])
