"""Joining the register and keeping an entry: the registration form, editing, representatives,
umbrella membership, and the approval queue of admins and organisers.

The rules live in meetings.domain.organisations and meetings.domain.permissions; these views
only read forms, ask whether the person may, and show the result.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select

from ..auth import login_required
from ..collation import swedish_sort_key
from ..domain import organisations as domain
from ..domain.permissions import (
    curates_register,
    may_add_representative,
    may_answer_for_umbrella,
    may_edit_organisation,
    may_see_organisation,
)
from ..extensions import db, limiter
from ..forms import EmptyForm
from ..forms.organisations import (
    OrganisationForm,
    OwnListingForm,
    RegistrationForm,
    RejectForm,
    RepresentativeForm,
    UmbrellaForm,
)
from ..i18n import current_language
from ..models import (
    Level,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    SubjectArea,
)

bp = Blueprint("organisation_admin", __name__)


# --- helpers -----------------------------------------------------------------------------

def _reference_data() -> tuple[list[SubjectArea], list[Municipality]]:
    areas = sorted(db.session.scalars(select(SubjectArea)), key=lambda a: swedish_sort_key(a.name))
    places = sorted(db.session.scalars(select(Municipality)), key=lambda m: swedish_sort_key(m.name))
    return areas, places


def _chosen(model, ids: list[int]) -> list:
    return list(db.session.scalars(select(model).where(model.id.in_(ids or [])))) if ids else []


def _organisation_for_editing(organisation_id: int) -> Organisation:
    """The organisation if the signed-in person may edit it; 404 if they may not even see it, else 403."""
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if not may_see_organisation(g.person, organisation):
        abort(404)
    if not may_edit_organisation(g.person, organisation):
        abort(403)
    return organisation


def _duplicate_message(field: str, existing: Organisation) -> Markup:
    """What a duplicate error says: a link to the entry that exists, if it is public; else only that it waits."""
    if not existing.is_public:
        return escape(_("An organisation with this name was registered recently and awaits confirmation or "
                        "approval.") if field == "name" else
                      _("An organisation with this organisation number was registered recently and awaits "
                        "confirmation or approval."))
    link = Markup('<a href="{}">{}</a>').format(
        url_for("organisations.detail", organisation_id=existing.id), existing.name)
    # The translated sentence is escaped; only the link inside it is HTML.
    sentence = (_("An organisation with this name is already in the register: %(link)s. If you act for it, "
                  "ask its representatives to add you.") if field == "name" else
                _("An organisation with this organisation number is already in the register: %(link)s. If you "
                  "act for it, ask its representatives to add you."))
    return escape(sentence) % {"link": link}


def _mark_duplicates(form, duplicates: dict[str, Organisation]) -> bool:
    for field, existing in duplicates.items():
        form[field].errors = [*form[field].errors, _duplicate_message(field, existing)]
    return bool(duplicates)


def _valid_and_new(form, exclude_id: int | None = None) -> bool:
    """Validate a submitted form and look for duplicates too, so that every problem shows at once."""
    if not form.is_submitted():
        return False
    valid = form.validate()
    duplicates = domain.find_duplicates(form.name.data or "", form.org_number_digits, exclude_id=exclude_id)
    return not _mark_duplicates(form, duplicates) and valid


# --- joining -----------------------------------------------------------------------------

@bp.route("/organisations/new", methods=["GET", "POST"])
# Each registration mails an address someone typed: a limit keeps the form from being a mail cannon.
@limiter.limit("20 per hour", methods=["POST"])
def register():
    form = RegistrationForm()
    areas, places = _reference_data()
    form.set_choices(areas, places)
    if not form.is_submitted() and g.person is not None:
        form.contact_email.data = g.person.email
        form.registrant_name.data = g.person.name
    if _valid_and_new(form):
        try:
            organisation = domain.register_organisation(
                name=form.name.data, contact_email=form.contact_email.data,
                registrant_name=form.registrant_name.data, level=Level(form.level.data),
                subject_areas=_chosen(SubjectArea, form.subject_areas.data),
                municipalities=_chosen(Municipality, form.municipalities.data),
                org_number=form.org_number_digits, description=form.description.data or "",
                locale=current_language(), registrant=g.person)
        except domain.DuplicateOrganisation as duplicate:  # registered by someone else a moment ago
            _mark_duplicates(form, {duplicate.field: duplicate.existing})
        else:
            if organisation.status == OrganisationStatus.PENDING:
                flash(_("%(name)s is registered and awaits approval. We will e-mail you when it is "
                        "public.", name=organisation.name), "success")
                return redirect(url_for(".edit", organisation_id=organisation.id))
            return redirect(url_for(".registration_sent"))
    return render_template("organisation_admin/register.html", form=form)


@bp.get("/organisations/new/sent")
def registration_sent():
    return render_template("organisation_admin/registration_sent.html",
                           hours=int(domain.REGISTRATION_LINK_LIFETIME.total_seconds() // 3600))


# --- approval ----------------------------------------------------------------------------

def _curator_required() -> None:
    if not curates_register(g.person):
        abort(403)


@bp.get("/admin/organisations")
@login_required
def pending():
    _curator_required()
    return render_template("organisation_admin/pending.html", organisations=domain.pending_registrations(),
                           approve_form=EmptyForm(), reject_form=RejectForm(),
                           representatives_of=domain.representatives_of)


@bp.post("/admin/organisations/<int:organisation_id>/approve")
@login_required
def approve(organisation_id: int):
    _curator_required()
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    name = organisation.name
    if domain.approve_organisation(organisation):
        flash(_("%(name)s is approved and now public. Its representatives have been told.", name=name), "success")
    elif organisation.status == OrganisationStatus.APPROVED:
        flash(_("%(name)s was already approved.", name=name), "success")
    else:
        flash(_("%(name)s cannot be approved until its e-mail address is confirmed.", name=name), "error")
    return redirect(url_for(".pending"))


@bp.post("/admin/organisations/<int:organisation_id>/reject")
@login_required
def reject(organisation_id: int):
    _curator_required()
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    form = RejectForm()
    if not form.validate_on_submit():
        abort(400)
    name = organisation.name
    if domain.reject_organisation(organisation, reason=form.reason.data or ""):
        flash(_("The registration of %(name)s was removed.", name=name), "success")
    else:
        flash(_("%(name)s is approved and public; it is no longer in the queue.", name=name), "error")
    return redirect(url_for(".pending"))


# --- editing -----------------------------------------------------------------------------

@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(organisation_id: int):
    organisation = _organisation_for_editing(organisation_id)
    form = OrganisationForm(obj=organisation)
    curator = curates_register(g.person)
    if not curator:
        del form.kind
    areas, places = _reference_data()
    form.set_choices(areas, places)
    if not form.is_submitted():
        form.subject_areas.data = [a.id for a in organisation.subject_areas]
        form.municipalities.data = [m.id for m in organisation.municipalities]
        form.org_number.data = organisation.formatted_org_number or ""
        form.icnpo_group.data = str(organisation.icnpo_group or "")
        form.level.data = organisation.level.value
        if curator:
            form.kind.data = organisation.kind.value
    if _valid_and_new(form, exclude_id=organisation.id):
        try:
            domain.update_organisation(
                organisation, name=form.name.data, contact_email=form.contact_email.data,
                description=form.description.data or "", website=form.website.data or None,
                subject_areas=_chosen(SubjectArea, form.subject_areas.data),
                municipalities=_chosen(Municipality, form.municipalities.data),
                level=Level(form.level.data), icnpo_group=form.icnpo_value, org_number=form.org_number_digits,
                kind=OrganisationKind(form.kind.data) if curator else None)
        except domain.DuplicateOrganisation as duplicate:
            _mark_duplicates(form, {duplicate.field: duplicate.existing})
        else:
            flash(_("The changes were saved."), "success")
            return redirect(url_for(".edit", organisation_id=organisation.id))
    return render_template("organisation_admin/edit.html", organisation=organisation, form=form)


# --- representatives ---------------------------------------------------------------------

def _own_membership(organisation: Organisation) -> Membership | None:
    return next((m for m in domain.representatives_of(organisation) if m.person_id == g.person.id), None)


def _representatives_page(organisation: Organisation, add_form: RepresentativeForm,
                          own_form: OwnListingForm | None = None):
    own = _own_membership(organisation)
    if own is not None and own_form is None:
        own_form = OwnListingForm(obj=own, formdata=None)
    return render_template("organisation_admin/representatives.html", organisation=organisation,
                           representatives=domain.representatives_of(organisation),
                           form=add_form if may_add_representative(g.person, organisation) else None,
                           own=own, own_form=own_form, remove_form=EmptyForm())


@bp.route("/organisations/<int:organisation_id>/representatives", methods=["GET", "POST"])
@login_required
def representatives(organisation_id: int):
    organisation = _organisation_for_editing(organisation_id)
    form = RepresentativeForm()
    if request.method == "POST" and not may_add_representative(g.person, organisation):
        abort(403)
    if form.validate_on_submit():
        try:
            domain.add_representative(organisation, email=form.email.data, name=form.name.data,
                                      title=form.title.data or "", added_by=g.person)
        except domain.AlreadyRepresentative:
            form.email.errors = [*form.email.errors, _("This person already acts for %(name)s.",
                                                       name=organisation.name)]
        else:
            flash(_("%(name)s is now a representative and has been told by e-mail.",
                    name=form.name.data), "success")
            return redirect(url_for(".representatives", organisation_id=organisation.id))
    return _representatives_page(organisation, form)


@bp.post("/organisations/<int:organisation_id>/representatives/me")
@login_required
def own_listing(organisation_id: int):
    organisation = _organisation_for_editing(organisation_id)
    own = _own_membership(organisation) or abort(404)
    form = OwnListingForm()
    if form.validate_on_submit():
        domain.update_own_listing(own, shown_publicly=form.shown_publicly.data, title=form.title.data or "")
        flash(_("Your choice was saved."), "success")
        return redirect(url_for(".representatives", organisation_id=organisation.id))
    return _representatives_page(organisation, RepresentativeForm(formdata=None), own_form=form)


@bp.post("/organisations/<int:organisation_id>/representatives/<int:membership_id>/remove")
@login_required
def remove_representative(organisation_id: int, membership_id: int):
    organisation = _organisation_for_editing(organisation_id)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != organisation.id \
            or membership.role != MembershipRole.REPRESENTATIVE:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    name, removed_self = membership.person.display_name, membership.person_id == g.person.id
    try:
        domain.remove_representative(membership)
    except domain.LastRepresentative:
        flash(_("%(name)s is the only representative and cannot be removed. Add a colleague first.",
                name=name), "error")
        return redirect(url_for(".representatives", organisation_id=organisation.id))
    flash(_("%(name)s no longer represents %(organisation)s.", name=name, organisation=organisation.name),
          "success")
    if removed_self and not may_edit_organisation(g.person, organisation):
        return redirect(url_for("main.account"))
    return redirect(url_for(".representatives", organisation_id=organisation.id))


# --- umbrella organisations --------------------------------------------------------------

def _umbrella_page(organisation: Organisation, form: UmbrellaForm):
    waiting, confirmed = domain.member_requests(organisation)
    return render_template(
        "organisation_admin/umbrella.html", organisation=organisation, form=form,
        button_form=EmptyForm(), waiting=waiting, confirmed=confirmed,
        answers_for_umbrella=may_answer_for_umbrella(g.person, organisation),
        umbrella_has_representatives=bool(organisation.umbrella and domain.representatives_of(organisation.umbrella)),
    )


@bp.route("/organisations/<int:organisation_id>/umbrella", methods=["GET", "POST"])
@login_required
def umbrella(organisation_id: int):
    organisation = _organisation_for_editing(organisation_id)
    form = UmbrellaForm()
    form.set_choices(domain.umbrella_choices(organisation))
    if not form.is_submitted() and organisation.umbrella_id:
        form.umbrella.data = str(organisation.umbrella_id)
    if form.validate_on_submit():
        chosen = db.session.get(Organisation, int(form.umbrella.data)) or abort(400)
        try:
            domain.request_umbrella_membership(organisation, chosen)
        except domain.UmbrellaError:
            form.umbrella.errors = [*form.umbrella.errors, _("Choose an organisation from the list.")]
        else:
            flash(_("%(umbrella)s has been asked to confirm that %(name)s is a member.",
                    umbrella=chosen.name, name=organisation.name), "success")
            return redirect(url_for(".umbrella", organisation_id=organisation.id))
    return _umbrella_page(organisation, form)


@bp.post("/organisations/<int:organisation_id>/umbrella/leave")
@login_required
def leave_umbrella(organisation_id: int):
    organisation = _organisation_for_editing(organisation_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if organisation.umbrella is not None:
        name = organisation.umbrella.name
        domain.leave_umbrella(organisation)
        flash(_("%(name)s is no longer named as your umbrella organisation.", name=name), "success")
    return redirect(url_for(".umbrella", organisation_id=organisation.id))


@bp.post("/organisations/<int:organisation_id>/umbrella/members/<int:member_id>/<any(confirm, decline):answer>")
@login_required
def answer_member(organisation_id: int, member_id: int, answer: str):
    umbrella = db.session.get(Organisation, organisation_id) or abort(404)
    if not may_answer_for_umbrella(g.person, umbrella):
        abort(403)
    member = db.session.get(Organisation, member_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if domain.answer_umbrella_request(umbrella, member, confirm=answer == "confirm"):
        message = (_("%(name)s is confirmed as a member.", name=member.name) if answer == "confirm"
                   else _("%(name)s is not listed as a member.", name=member.name))
        flash(message, "success")
    else:
        flash(_("%(name)s no longer asks to be a member.", name=member.name), "error")
    return redirect(url_for(".umbrella", organisation_id=umbrella.id))
