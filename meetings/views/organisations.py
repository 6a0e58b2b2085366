"""The organisation register, its downloads, and organisation pages."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import to_user_timezone

from ..caching import kept_for_visitors
from ..domain import permissions, register
from ..domain.paging import parse_page
from ..exports import FORMATS, table_response
from ..extensions import db
from ..models import ICNPOGroup, Level, Organisation, OrganisationKind, utcnow
from ..plugins import panels
from ..text import render_markdown
from ..urls import public_url

bp = Blueprint("organisations", __name__)

EDIT_ENDPOINT = "organisation_admin.edit"


@bp.get("/organisations")
@kept_for_visitors
def index():
    choices = register.filter_choices()
    filters = register.parse_filters(request.args, choices)
    result = register.search_register(filters, parse_page(request.args.get("page")))
    return render_template("organisations/list.html", choices=choices, filters=filters, result=result,
                           levels=list(Level), kinds=list(OrganisationKind), icnpo_groups=list(ICNPOGroup),
                           excerpt=register.plain_excerpt, names_in_order=register.names_in_order)


@bp.get("/organisations/export.<fmt>")
def export(fmt: str):
    if fmt not in FORMATS:
        abort(404)
    filters = register.parse_filters(request.args, register.filter_choices())
    headers, rows = register.register_table(
        filters, lambda organisation: public_url("organisations.detail", organisation_id=organisation.id))
    today = to_user_timezone(utcnow()).date().isoformat()
    return table_response(fmt, f"register-{today}", headers, rows, sheet_title=_("Organisations"))


@bp.get("/organisations/<int:organisation_id>")
def detail(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id)
    # Not found, rather than forbidden: an entry awaiting approval must not be known to exist.
    if organisation is None or not permissions.may_see_organisation(g.person, organisation):
        abort(404)
    edit_url = None
    if EDIT_ENDPOINT in current_app.view_functions and permissions.may_edit_organisation(g.person, organisation):
        edit_url = url_for(EDIT_ENDPOINT, organisation_id=organisation.id)
    return render_template("organisations/detail.html", organisation=organisation,
                           profile=register.organisation_profile(organisation),
                           description=render_markdown(organisation.description), edit_url=edit_url,
                           names_in_order=register.names_in_order,
                           panels=panels("organisation_panels", organisation=organisation, person=g.person))
