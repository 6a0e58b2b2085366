"""Feeds, the one-meeting download, the subscribe page and the personal feed's page."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, make_response, redirect, request, url_for
from sqlalchemy import func, select

from meetings.api import meeting_filters
from meetings.auth import login_required
from meetings.caching import kept_for_visitors
from meetings.config import SUPPORTED_LOCALES
from meetings.domain import queries
from meetings.extensions import db, limiter
from meetings.forms import EmptyForm
from meetings.i18n import current_language
from meetings.models import Forum, Meeting, Municipality, Registration, SubjectArea
from meetings.plugins import render_plugin_template

from . import feeds, tokens
from .feeds import feed_links
from .i18n import _, domain

bp = Blueprint("ical", __name__, template_folder="templates", url_prefix="/calendar")


def _feed_language() -> str:
    language = request.args.get("lang")
    if language is None:
        return current_language()
    if language not in SUPPORTED_LOCALES:
        abort(Response(_("Unknown language “%(lang)s”.", lang=language), 400, mimetype="text/plain"))
    return language


def _respond(feed: feeds.RenderedFeed, filename: str, private: bool, same_for_all: bool = True) -> Response:
    """``same_for_all``: every reader of this address gets these bytes (a feed); else a signed-in
    reader may get other ones (one meeting's file, with the online link)."""
    gzipped = request.accept_encodings.quality("gzip") > 0
    response = Response(feed.gzipped if gzipped else feed.body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    if private:
        # Private feeds carry online links meant for one reader: never kept by a shared cache.
        response.headers["Cache-Control"] = "private, max-age=900"
        response.headers["X-Robots-Tag"] = "noindex"
    elif same_for_all:
        response.headers["Cache-Control"] = "public, max-age=900"
    else:
        # A browser asks again (cheaply: 304) so that one who signs in gets their own copy.
        response.headers["Cache-Control"] = "public, max-age=0, s-maxage=900"
    # Each encoding is its own representation, with its own validator.
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(f"{feed.etag}-gzip" if gzipped else feed.etag)
    response.vary.add("Accept-Encoding")
    if "lang" not in request.args:
        response.vary.add("Accept-Language")
    if feed.last_modified is not None:
        response.last_modified = feed.last_modified
    return response.make_conditional(request)


@bp.get("/meetings.ics")
def all_meetings():
    """Every public meeting in the feed's window, narrowed by the meetings directory's filters
    (the same parameters: ``area``, ``municipality``, ``from``, ``to``, ``forum``, ``organiser``,
    ``mode``, ``open``; ``when`` and ``page`` are the directory's own and ignored here)."""
    filters = meeting_filters(request.args).for_feed()
    if filters.problems:
        # A calendar program shows no page: a plain answer says what is wrong with the address.
        return Response(str(filters.problems[0].message), 400, mimetype="text/plain")
    language = _feed_language()
    feed = feeds.cached_feed(("all", feeds.filters_key(filters)), feeds.public_meetings(filters),
                             lambda: _("Dialogue meetings"),
                             lambda: _("Public dialogue meetings between public bodies and civil society"),
                             language)
    return _respond(feed, "meetings.ics", private=False)


@bp.get("/forums/<slug>.ics")
def forum_meetings(slug: str):
    forum = db.session.scalar(select(Forum).where(Forum.slug == slug)) or abort(404)
    language = _feed_language()
    feed = feeds.cached_feed(("forum", forum.id), feeds.public_meetings(forum=forum),
                             lambda: forum.name, lambda: _("Meetings of %(forum)s", forum=forum.name), language)
    return _respond(feed, f"{slug}.ics", private=False)


@bp.get("/meetings/<int:meeting_id>.ics")
@kept_for_visitors
def one_meeting(meeting_id: int):
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.status.value == "draft" or not queries.meeting_visible_to(meeting, g.person):
        abort(404)
    feed = feeds.meeting_file(meeting, _feed_language(), g.person)
    private = g.person is not None or meeting.members_only
    return _respond(feed, f"meeting-{meeting.id}.ics", private=private, same_for_all=False)


@bp.get("/private/<token>.ics")
@limiter.limit("120 per hour")
def personal(token: str):
    person = tokens.person_for(token)
    if person is None:
        # Unknown and revoked alike: nothing tells which.
        return Response(_("No calendar at this address."), 404, mimetype="text/plain")
    language = _feed_language() if "lang" in request.args else (person.locale or current_language())
    registrations_changed = db.session.scalar(
        select(func.max(Registration.updated_at)).where(Registration.person_id == person.id))
    feed = feeds.cached_feed(("person", person.id, registrations_changed), feeds.personal_meetings(person),
                             lambda: _("My meetings"),
                             lambda: _("Meetings I am registered for or invited to"), language, viewer=person)
    return _respond(feed, "my-meetings.ics", private=True)


@bp.get("")
def subscribe():
    areas = db.session.scalars(select(SubjectArea).order_by(SubjectArea.name_sv)).all()
    municipalities = db.session.scalars(select(Municipality).order_by(Municipality.name)).all()
    chosen_area, chosen_municipality = request.args.get("area", ""), request.args.get("municipality", "")
    filters = {"area": chosen_area or None, "municipality": chosen_municipality or None}
    links = feed_links("ical.all_meetings", lang=current_language(), **filters)
    return render_plugin_template(domain, "ical/subscribe.html", links=links, areas=areas,
                           municipalities=municipalities, chosen_area=chosen_area,
                           chosen_municipality=chosen_municipality, forums=queries.forums_in_order())


@bp.route("/personal", methods=["GET", "POST"])
@login_required
def personal_feed():
    """The signed-in person's own secret address: shown to them (and nobody else) whenever they
    look, made, renewed (the old one stops working) or stopped here."""
    form = EmptyForm()
    if form.validate_on_submit():
        action = request.form.get("action")
        if action == "revoke":
            tokens.revoke(g.person)
            flash(_("Your personal calendar address has stopped working."), "success")
        elif action in ("create", "renew"):
            tokens.renew(g.person)
            flash(_("Your new address is ready. The old one, if you had one, has stopped working."), "success")
        # After a change, a fresh page: reloading it shows the address and never makes another one.
        return redirect(url_for("ical.personal_feed"))
    token = tokens.current_token(g.person)
    response = make_response(render_plugin_template(
        domain, "ical/personal.html", form=form, active=tokens.active(g.person),
        link=feed_links("ical.personal", token=token) if token else None))
    # The page holds a secret address: never kept by a cache, a shared one or the browser's own.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
