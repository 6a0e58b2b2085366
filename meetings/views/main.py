"""Home page, language choice and the account page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import refresh

from ..auth import login_required
from ..auth import sign_out as end_session
from ..caching import kept_for_visitors
from ..domain.invitations import pending_invitations
from ..domain.people import coming_registrations, update_account
from ..domain.personal_data import erase_person, export_person
from ..domain.queries import upcoming_public_meetings
from ..extensions import csrf, db
from ..forms import AccountForm, EmptyForm, EraseAccountForm, LanguageForm
from ..i18n import remember_language, remembered_language
from ..models import Forum, Organisation
from ..plugins import panels
from ..urls import safe_next_path

bp = Blueprint("main", __name__)


@bp.get("/")
@kept_for_visitors
def home():
    return render_template(
        "home.html",
        meetings=upcoming_public_meetings(limit=10),
        forum_count=db.session.query(Forum).count(),
        organisation_count=db.session.query(Organisation).count(),
    )


@bp.post("/language")
@csrf.exempt
def set_language():
    """The language switcher of every page.

    A visitor's switch carries no CSRF token: all a forged post could do is change the language
    a visitor reads, and a token would need a session, so every public page would set a cookie and
    no shared cache could keep it. A signed-in person's choice is saved in their account, so their
    switcher (on pages that are private anyway) carries a token, checked here.
    """
    form = LanguageForm(meta={"csrf": g.person is not None})
    if not form.validate():
        abort(400)
    if g.person is not None:
        update_account(g.person, locale=form.locale.data)
    refresh()
    response = redirect(safe_next_path(form.next.data))
    remember_language(response, form.locale.data)
    return response


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = AccountForm(obj=g.person)
    if not form.is_submitted():
        form.locale.data = g.person.locale or remembered_language() or "sv"
    if form.validate_on_submit():
        update_account(g.person, name=form.name.data.strip(), locale=form.locale.data)
        refresh()
        flash(_("Your settings were saved."), "success")
        response = redirect("/account")
        remember_language(response, form.locale.data)
        return response
    return render_template("account.html", form=form, erase_form=EraseAccountForm(),
                           sign_out_form=EmptyForm(), registrations=coming_registrations(g.person),
                           invitations=pending_invitations(g.person),
                           panels=panels("account_panels", person=g.person))


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    if not EmptyForm().validate_on_submit():
        abort(400)
    end_session()
    flash(_("You are signed out on every device and browser."), "success")
    return redirect(url_for("main.home"))


@bp.get("/account/data.json")
@login_required
def my_data():
    """A copy of everything the service holds about the signed-in person."""
    response = jsonify(export_person(g.person))
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/account/delete")
@login_required
def delete_account():
    form = EraseAccountForm()
    if not form.validate_on_submit():
        account_form = AccountForm(obj=g.person)
        account_form.locale.data = g.person.locale or remembered_language() or "sv"
        return render_template("account.html", form=account_form, erase_form=form, sign_out_form=EmptyForm(),
                               registrations=coming_registrations(g.person),
                               invitations=pending_invitations(g.person),
                               panels=panels("account_panels", person=g.person)), 400
    erase_person(g.person)
    end_session()
    flash(_("Your account has been removed."), "success")
    return redirect(url_for("main.home"))
