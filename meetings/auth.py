"""Who is signed in, and the decorators that guard views."""

from __future__ import annotations

from functools import wraps

from flask import abort, g, redirect, request, session, url_for

from .extensions import db
from .models import Person

SESSION_PERSON_KEY = "person_id"


def load_signed_in_person() -> None:
    person_id = session.get(SESSION_PERSON_KEY)
    g.person = db.session.get(Person, person_id) if person_id is not None else None
    if person_id is not None and g.person is None:
        session.clear()  # the person was erased


def sign_in(person: Person) -> None:
    # A fresh session on sign-in, so nothing set before (by anyone) carries over.
    locale = person.locale or session.get("locale")
    session.clear()
    session[SESSION_PERSON_KEY] = person.id
    if locale:
        session["locale"] = locale
    session.permanent = True
    g.person = person


def sign_out() -> None:
    session.clear()
    g.person = None


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.person is None:
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not g.person.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def organiser_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not g.person.is_organiser:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
