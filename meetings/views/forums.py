"""The forum catalogue and forum pages."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template
from sqlalchemy import select

from ..domain import queries
from ..extensions import db
from ..models import Forum
from ..text import render_markdown

bp = Blueprint("forums", __name__)


@bp.get("/forums")
def index():
    return render_template("forums/list.html", forums=queries.forums_in_order())


@bp.get("/forums/<slug>")
def detail(slug: str):
    forum = db.session.scalar(select(Forum).where(Forum.slug == slug)) or abort(404)
    coming, past = queries.meetings_of_forum(forum, g.person)
    return render_template("forums/detail.html", forum=forum, coming=coming, past=past,
                           description=render_markdown(forum.description))
