"""The forum catalogue, forum pages, and the organisers' pages for running a forum."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext, to_user_timezone
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..auth import login_required, organiser_required
from ..caching import kept_for_visitors
from ..domain import forums as domain
from ..domain import queries
from ..domain.paging import parse_page
from ..domain.permissions import may_create_forum, may_manage_forum
from ..exports import table_response
from ..extensions import db
from ..forms import EmptyForm
from ..forms.forums import (
    AddMembersForm,
    DecisionForm,
    FindOrganisationsForm,
    ForumFilterForm,
    ForumForm,
    JoinForm,
    RepresentativesForm,
)
from ..models import (
    Forum,
    ForumMemberStatus,
    MembershipRole,
    Municipality,
    Organisation,
    ParticipationLevel,
    SubjectArea,
)
from ..plugins import panels
from ..text import render_markdown

bp = Blueprint("forums", __name__)


def _forum_or_404(slug: str) -> Forum:
    return db.session.scalar(select(Forum).where(Forum.slug == slug)) or abort(404)


def _managed_forum(slug: str) -> Forum:
    forum = _forum_or_404(slug)
    if not may_manage_forum(g.person, forum):
        abort(403)
    return forum


def _person_label(person) -> str:
    """Managers choose among people they may need to tell apart: name and address."""
    return f"{person.name} ({person.email})" if person.name else person.email


def _organisation_or_404(organisation_id: int) -> Organisation:
    return db.session.get(Organisation, organisation_id) or abort(404)


# --- for everyone -------------------------------------------------------------------------

@bp.get("/forums")
@kept_for_visitors
def index():
    form = ForumFilterForm(formdata=request.args)
    form.set_choices(domain.all_subject_areas(), domain.forum_organisers(), domain.all_municipalities())
    chosen = form.chosen()
    filters = domain.ForumFilters(
        area=chosen.get("area"),
        organiser=int(chosen["organiser"]) if "organiser" in chosen else None,
        level=ParticipationLevel(chosen["level"]) if "level" in chosen else None,
        municipality=chosen.get("municipality"),
        membership=chosen.get("membership"),
    )
    # As in the register, a page number that is no number shows the first page, one past the end the last.
    page = domain.catalogue_page(filters, parse_page(request.args.get("page")))
    return render_template("forums/list.html", form=form, filters=filters, result=page,
                           covers_whole_county=domain.covers_whole_county, may_create=may_create_forum(g.person))


@bp.get("/forums/<slug>")
@kept_for_visitors
def detail(slug: str):
    forum = _forum_or_404(slug)
    meetings = queries.meetings_of_forum(forum, g.person, parse_page(request.args.get("page")))
    state = domain.join_state(forum, g.person)
    join_form = JoinForm()
    join_form.organisation.choices = [SelectChoice(o.id, o.name) for o in state.may_ask]
    return render_template("forums/detail.html", forum=forum, meetings=meetings,
                           description=render_markdown(forum.description),
                           speakers=domain.who_speaks_for_whom(forum, g.person,
                                                               page_size=domain.MEMBERS_ON_FORUM_PAGE),
                           state=state, join_form=join_form, manages=may_manage_forum(g.person, forum),
                           covers_whole_county=domain.covers_whole_county,
                           panels=panels("forum_panels", forum=forum, person=g.person))


@bp.get("/forums/<slug>/organisations")
def member_organisations(slug: str):
    """Every member organisation of a forum and who speaks for it, a page at a time."""
    forum = _forum_or_404(slug)
    return render_template("forums/organisations.html", forum=forum,
                           speakers=domain.who_speaks_for_whom(forum, g.person, parse_page(request.args.get("page"))))


@bp.post("/forums/<slug>/join")
@login_required
def join(slug: str):
    forum = _forum_or_404(slug)
    form = JoinForm()
    own = {o.id: o for o in g.person.organisations_with_role(MembershipRole.REPRESENTATIVE)}
    form.organisation.choices = [SelectChoice(o.id, o.name) for o in own.values()]
    if not form.validate_on_submit():
        # Asking for an organisation one does not represent is refused outright.
        abort(403 if form.organisation.data is not None and form.organisation.data not in own else 400)
    try:
        domain.request_to_join(forum, own[form.organisation.data], g.person)
    except domain.ForumRuleError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Your request was sent. The organiser of the forum will let you know by e-mail."), "success")
    return redirect(url_for("forums.detail", slug=forum.slug))


# --- creating and editing -----------------------------------------------------------------

def _forum_form(forum: Forum | None = None) -> ForumForm:
    form = ForumForm(obj=forum)
    organisers = domain.organisers_for(g.person)
    if forum is not None and forum.organiser not in organisers:
        organisers = [forum.organiser, *organisers]  # an admin keeps a forum's present organiser
    form.set_choices(organisers, domain.all_subject_areas(), domain.all_municipalities())
    if not form.is_submitted() and forum is not None:
        form.participation_level.data = forum.participation_level.value
        form.subject_areas.data = [a.id for a in forum.subject_areas]
        form.municipalities.data = [m.id for m in forum.municipalities]
        form.membership.data = "open" if forum.membership_open else "closed"
        form.organiser.data = forum.organiser_id
    return form


def _details(form: ForumForm) -> domain.ForumDetails:
    areas = db.session.scalars(select(SubjectArea).where(SubjectArea.id.in_(form.subject_areas.data or [])))
    places = db.session.scalars(select(Municipality).where(Municipality.id.in_(form.municipalities.data or [])))
    return domain.ForumDetails(
        name=form.name.data, slug=form.slug.data or "", organiser=db.session.get(Organisation, form.organiser.data),
        participation_level=ParticipationLevel(form.participation_level.data),
        description=form.description.data or "", subject_areas=list(areas), municipalities=list(places),
        membership_open=form.membership.data == "open")


@bp.route("/forums/new", methods=["GET", "POST"])
@organiser_required
def create():
    if not may_create_forum(g.person):
        abort(403)
    form = _forum_form()
    if form.validate_on_submit():
        try:
            forum = domain.create_forum(g.person, _details(form))
        except domain.SlugTaken as error:
            form.slug.errors.append(error.message)
        except domain.ForumRuleError as error:
            form.organiser.errors.append(error.message)
        else:
            flash(_("The forum was created."), "success")
            return redirect(url_for("forums.detail", slug=forum.slug))
    return _edit_page(form, None)


@bp.route("/forums/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    forum = _managed_forum(slug)
    form = _forum_form(forum)
    if form.validate_on_submit():
        try:
            domain.update_forum(g.person, forum, _details(form))
        except domain.SlugTaken as error:
            form.slug.errors.append(error.message)
        except domain.ForumRuleError as error:
            form.organiser.errors.append(error.message)
        else:
            flash(_("Your changes were saved."), "success")
            return redirect(url_for("forums.detail", slug=forum.slug))
        db.session.rollback()  # nothing of a refused change stays in the session
        forum = _forum_or_404(slug)
    return _edit_page(form, forum)


def _edit_page(form: ForumForm, forum: Forum | None):
    hints = {level.value: level.explanation for level in ParticipationLevel}
    return render_template("forums/edit.html", form=form, forum=forum, participation_hints=hints)


# --- members ------------------------------------------------------------------------------

@bp.get("/forums/<slug>/members")
@login_required
def members(slug: str):
    forum = _managed_forum(slug)
    current = domain.forum_members(forum)
    choices = domain.representative_choices(m.organisation_id for m in current)
    representative_forms = {}
    for member in current:
        form = RepresentativesForm(prefix=f"org{member.organisation_id}")
        form.people.choices = [SelectChoice(p.id, _person_label(p)) for p in choices[member.organisation_id]]
        form.people.data = [r.person_id for r in member.representatives]
        representative_forms[member.organisation_id] = form
    return render_template(
        "forums/members.html", forum=forum, current=current, choices=choices,
        representative_forms=representative_forms,
        requests=domain.forum_members(forum, ForumMemberStatus.REQUESTED),
        declined=domain.forum_members(forum, ForumMemberStatus.DECLINED),
        form=EmptyForm())


@bp.post("/forums/<slug>/members/<int:organisation_id>/decision")
@login_required
def decide(slug: str, organisation_id: int):
    forum = _managed_forum(slug)
    organisation = _organisation_or_404(organisation_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    accept = form.decision.data == "accept"
    try:
        domain.decide_join_request(forum, organisation, accept)
    except domain.ForumRuleError as error:
        flash(str(error.message), "error")
    else:
        flash(_("%(organisation)s is now a member of the forum.", organisation=organisation.name) if accept
              else _("The request from %(organisation)s was declined.", organisation=organisation.name), "success")
    return redirect(url_for("forums.members", slug=forum.slug))


@bp.post("/forums/<slug>/members/<int:organisation_id>/remove")
@login_required
def remove(slug: str, organisation_id: int):
    forum = _managed_forum(slug)
    organisation = _organisation_or_404(organisation_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if domain.remove_member(forum, organisation):
        flash(_("%(organisation)s is no longer a member of the forum.", organisation=organisation.name), "success")
    return redirect(url_for("forums.members", slug=forum.slug))


@bp.post("/forums/<slug>/members/<int:organisation_id>/representatives")
@login_required
def representatives(slug: str, organisation_id: int):
    forum = _managed_forum(slug)
    organisation = _organisation_or_404(organisation_id)
    form = RepresentativesForm(prefix=f"org{organisation_id}")
    choices = domain.representative_choices([organisation_id])[organisation_id]
    form.people.choices = [SelectChoice(p.id, _person_label(p)) for p in choices]
    if not form.validate_on_submit():
        abort(400)
    try:
        domain.set_forum_representatives(forum, organisation, form.people.data or [])
    except domain.ForumRuleError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Saved who speaks for %(organisation)s.", organisation=organisation.name), "success")
    return redirect(url_for("forums.members", slug=forum.slug) + f"#member-{organisation_id}")


@bp.get("/forums/<slug>/members.<fmt>")
@login_required
def export_members(slug: str, fmt: str):
    forum = _managed_forum(slug)
    headers = [_("Organisation"), _("Kind"), _("Level"), _("Municipalities"), _("Representatives in the forum"),
               _("E-mail addresses"), _("Member since")]
    rows = domain.member_rows(forum, lambda moment: to_user_timezone(moment).date())
    return table_response(fmt, f"{forum.slug}-members", headers, rows, sheet_title=_("Members"))


# --- finding whom to invite ---------------------------------------------------------------

@bp.route("/forums/<slug>/find-organisations", methods=["GET", "POST"])
@login_required
def find_organisations(slug: str):
    forum = _managed_forum(slug)
    add_form = AddMembersForm()
    if add_form.validate_on_submit():
        added = domain.add_members(forum, add_form.organisation.data)
        if added:
            flash(ngettext("%(num)d organisation was added to the forum: %(names)s.",
                           "%(num)d organisations were added to the forum: %(names)s.", len(added),
                           names=", ".join(o.name for o in added)), "success")
        else:
            flash(_("The organisations you chose were already members."), "success")
        return redirect(request.full_path.rstrip("?"))
    if add_form.is_submitted() and add_form.organisation.errors:
        flash(" ".join(str(e) for e in add_form.organisation.errors), "error")
    elif add_form.is_submitted():
        abort(400)

    form = FindOrganisationsForm(formdata=request.args)
    form.set_choices(domain.all_subject_areas(), domain.all_municipalities())
    candidates = domain.organisations_to_invite(forum, form.area.data, form.municipality.data,
                                                never_took_part=bool(form.never.data))
    return render_template("forums/find_organisations.html", forum=forum, form=form, add_form=add_form,
                           candidates=candidates, statuses=ForumMemberStatus)
