"""The organisation register and organisation pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from ..domain import queries
from ..extensions import db
from ..models import Organisation
from ..text import render_markdown

bp = Blueprint("organisations", __name__)


@bp.get("/organisations")
def index():
    return render_template("organisations/list.html", organisations=queries.organisations_in_order())


@bp.get("/organisations/<int:organisation_id>")
def detail(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    return render_template("organisations/detail.html", organisation=organisation,
                           description=render_markdown(organisation.description))
