"""Demo-only pages: every e-mail the system sent, and signing in as an example person.

Registered only when DEMO_MODE is on, which the configuration refuses in production.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth import sign_in
from ..extensions import db
from ..forms import EmptyForm
from ..models import OutboxMessage, Person
from ..urls import safe_next_path

bp = Blueprint("demo", __name__, url_prefix="/demo")


@bp.get("/mail")
def mail():
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200))
    return render_template("demo/mail.html", messages=list(messages))


@bp.get("/mail/<int:message_id>")
def mail_message(message_id: int):
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    return render_template("demo/mail_message.html", message=message)


@bp.get("/mail/<int:message_id>/html")
def mail_html(message_id: int):
    """The HTML part on its own, as a mail program would show it."""
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    return message.body_html or "", 200, {"Content-Type": "text/html; charset=utf-8"}


@bp.get("/people")
def people():
    people = db.session.scalars(select(Person).order_by(Person.is_admin.desc(), Person.name))
    return render_template("demo/people.html", people=list(people))


@bp.post("/sign-in-as/<int:person_id>")
def sign_in_as(person_id: int):
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    person = db.session.get(Person, person_id) or abort(404)
    sign_in(person)
    flash(_("You are signed in as %(name)s.", name=person.display_name), "success")
    return redirect(safe_next_path(request.form.get("next")) or url_for("main.home"))
