"""The page where an organisation chooses what news it wants by e-mail."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..auth import login_required
from ..collation import swedish_sort_key
from ..domain.interests import interest_choices, set_interests
from ..domain.permissions import may_edit_organisation, may_see_organisation
from ..extensions import db
from ..forms.interests import InterestsForm
from ..models import Membership, Organisation

bp = Blueprint("interests", __name__)


@bp.route("/organisations/<int:organisation_id>/interests", methods=["GET", "POST"])
@login_required
def edit(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not may_see_organisation(g.person, organisation):
        abort(404)
    if not may_edit_organisation(g.person, organisation):
        abort(403)
    areas, municipalities = interest_choices()
    form = InterestsForm()
    form.subject_areas.choices = [SelectChoice(area.id, area.name) for area in areas]
    form.municipalities.choices = [SelectChoice(municipality.id, municipality.name)
                                   for municipality in municipalities]
    if not form.is_submitted():
        form.subject_areas.data = [area.id for area in organisation.interest_areas]
        form.municipalities.data = [municipality.id for municipality in organisation.interest_municipalities]
    if form.validate_on_submit():
        set_interests(organisation, form.subject_areas.data or [], form.municipalities.data or [])
        flash(_("Your choices were saved."), "success")
        return redirect(url_for("interests.edit", organisation_id=organisation.id))
    recipients = db.session.scalars(
        select(Membership).where(Membership.organisation_id == organisation.id)).all()
    return render_template("interests/edit.html", form=form, organisation=organisation,
                           recipients=sorted((m.person.display_name for m in recipients), key=swedish_sort_key))
