"""Signing in with a one-time link, and signing out."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..auth import sign_in as start_session
from ..auth import sign_out as end_session
from ..domain.auth import (
    SignInError,
    SignInProblem,
    check_token,
    normalise_email,
    request_sign_in_link,
    use_token,
)
from ..extensions import db, limiter
from ..forms import ConfirmSignInForm, EmptyForm, SignInForm
from ..i18n import current_language
from ..models import Organisation

bp = Blueprint("auth", __name__)


def _email_key() -> str:
    return "sign-in:" + normalise_email(request.form.get("email", ""))


@bp.route("/sign-in", methods=["GET", "POST"])
# Per visitor, and per address so nobody can flood one inbox from many machines.
@limiter.limit("10 per 15 minutes", methods=["POST"])
@limiter.limit("5 per hour", key_func=_email_key, methods=["POST"])
def sign_in():
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        request_sign_in_link(form.email.data, locale=current_language(), next_path=form.next.data)
        return redirect(url_for("auth.link_sent"))
    return render_template("auth/sign_in.html", form=form)


@bp.get("/sign-in/sent")
def link_sent():
    return render_template("auth/link_sent.html")


def _problem_message(problem: SignInProblem) -> str:
    return {
        SignInProblem.UNKNOWN: _("This sign-in link is not valid. Check that you copied the whole "
                                 "address, or ask for a new link."),
        SignInProblem.USED: _("This sign-in link has already been used. Each link works once; "
                              "ask for a new one."),
        SignInProblem.EXPIRED: _("This sign-in link has expired. Links work for 15 minutes; "
                                 "ask for a new one."),
    }[problem]


def _registration_problem_message(problem: SignInProblem) -> str:
    return {
        SignInProblem.UNKNOWN: _("This confirmation link is not valid. Check that you copied the whole "
                                 "address. A registration that was not confirmed within 48 hours has "
                                 "been removed; you are welcome to register again."),
        SignInProblem.USED: _("This confirmation link has already been used, so the address is confirmed. "
                              "Sign in to see your organisation's entry."),
        SignInProblem.EXPIRED: _("This confirmation link has expired. Links work for 48 hours; "
                                 "please register the organisation again."),
    }[problem]


@bp.route("/sign-in/<token>", methods=["GET", "POST"])
@limiter.limit("30 per 15 minutes", methods=["POST"])
def confirm(token: str):
    form = ConfirmSignInForm()
    try:
        stored = check_token(token)
        organisation = db.session.get(Organisation, stored.organisation_id) if stored.organisation_id else None
        if stored.organisation_id and organisation is None:
            raise SignInError(SignInProblem.UNKNOWN, registration=True)
        if form.validate_on_submit():
            person, next_path = use_token(token, locale=current_language())
            start_session(person)
            if organisation is not None:
                flash(_("Thank you – the address is confirmed and you represent %(name)s. The entry becomes "
                        "public once an administrator has approved it; we will tell you by e-mail.",
                        name=organisation.name), "success")
            else:
                flash(_("You are signed in."), "success")
            return redirect(next_path)
    except SignInError as error:
        status = 410 if error.problem != SignInProblem.UNKNOWN else 404
        if error.registration:
            return render_template("organisation_admin/link_problem.html",
                                   message=_registration_problem_message(error.problem),
                                   problem=error.problem.value, form=SignInForm()), status
        return render_template("auth/link_problem.html", message=_problem_message(error.problem),
                               form=SignInForm()), status
    if organisation is not None:
        return render_template("organisation_admin/confirm_registration.html", form=form, email=stored.email,
                               organisation=organisation)
    return render_template("auth/confirm.html", form=form, email=stored.email)


@bp.post("/sign-out")
def sign_out():
    form = EmptyForm()
    if form.validate_on_submit() and g.person is not None:
        end_session()
        flash(_("You are signed out."), "success")
    return redirect(url_for("main.home"))
