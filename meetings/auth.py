"""Who is signed in, and the decorators that guard views.

The session lives in a signed cookie, so the server cannot delete a copy of it. Instead each
session carries the person's session generation, checked on every request: signing out raises
it (``domain.auth.end_sessions``), and every copy of every earlier session stops working. A
session also ends after ``IDLE_LIMIT`` without a request, and ``PERMANENT_SESSION_LIFETIME``
after signing in, however busy.
"""

from __future__ import annotations

import time
from datetime import timedelta
from functools import wraps

from flask import abort, g, redirect, request, session, url_for

from .extensions import db
from .models import Person

SESSION_PERSON_KEY = "person_id"
SESSION_GENERATION_KEY = "generation"
SESSION_SEEN_KEY = "seen"  # when the session was last used, in whole seconds since the epoch
IDLE_LIMIT = timedelta(hours=12)
SEEN_PRECISION = timedelta(minutes=5)  # the cookie is rewritten at most this often


def load_signed_in_person() -> None:
    g.person = None
    person_id = session.get(SESSION_PERSON_KEY)
    if person_id is None:
        return
    person = db.session.get(Person, person_id) if isinstance(person_id, int) else None
    now = int(time.time())
    seen = session.get(SESSION_SEEN_KEY)
    idle = isinstance(seen, int) and now - seen > IDLE_LIMIT.total_seconds()
    # A session from before generations were kept counts as generation 0 until the person signs out.
    if person is None or idle or session.get(SESSION_GENERATION_KEY, 0) != person.session_generation:
        _forget_person()  # erased, idle too long, or signed out (on this or any other device)
        return
    if not isinstance(seen, int) or now - seen > SEEN_PRECISION.total_seconds():
        session[SESSION_SEEN_KEY] = now
    g.person = person


def _forget_person() -> None:
    for key in (SESSION_PERSON_KEY, SESSION_GENERATION_KEY, SESSION_SEEN_KEY):
        session.pop(key, None)


def sign_in(person: Person) -> None:
    # A fresh session on sign-in, so nothing set before (by anyone) carries over. The language a
    # visitor chose is a cookie of its own (meetings.i18n) and stays.
    session.clear()
    session[SESSION_PERSON_KEY] = person.id
    session[SESSION_GENERATION_KEY] = person.session_generation
    session[SESSION_SEEN_KEY] = int(time.time())
    session.permanent = True
    g.person = person


def sign_out() -> None:
    """End the person's sessions everywhere, copies of this one included, and this one here."""
    from .domain.auth import end_sessions

    if g.get("person") is not None:
        end_sessions(g.person)
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
