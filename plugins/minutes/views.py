"""Pages of the minutes plugin: thin views over ``domain``."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from meetings import api

from . import pdf, rules
from .forms import ActionForm, ButtonForm, CorrectionForm, HeaderForm, NewParagraphForm, ParagraphForm
from .i18n import _, domain
from .models import ABSENT, ON_SITE, ONLINE, Action, Paragraph

bp = Blueprint("minutes", __name__, template_folder="templates")

db = api.db


def _render(template: str, **context):
    return api.render_plugin_template(domain, f"minutes/{template}", **context)


def _protocol_or_404(meeting: api.Meeting):
    protocol = rules.protocol_of(meeting)
    if protocol is None:
        abort(404)
    return protocol


def _version() -> int | None:
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        return None


def _people_choices(protocol) -> list[tuple[str, str]]:
    """Who may be named secretary, chair or justerare: people with an account who took part, and the organiser."""
    people = {}
    for attendee in protocol.attendees:
        if attendee.person_id:
            person = api.get_person(attendee.person_id)
            people[person.id] = person
    for registration in api.registrations(protocol.meeting):
        people.setdefault(registration.person.id, registration.person)
    for signer in protocol.signers:
        if signer.person is not None:
            people.setdefault(signer.person.id, signer.person)
    me = api.current_person()
    if me is not None:
        people.setdefault(me.id, me)
    if protocol.secretary is not None:
        people.setdefault(protocol.secretary.id, protocol.secretary)
    return sorted(((str(p.id), p.display_name) for p in people.values()), key=lambda c: c[1])


def _select(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as the choices of a select field."""
    return [SelectChoice(value, label) for value, label in pairs]


def _who_choices(protocol) -> list[tuple[str, str]]:
    people = [(f"p:{value}", label) for value, label in _people_choices(protocol)]
    organisations = {m.organisation.id: m.organisation for m in api.forum_members(protocol.meeting.forum)}
    for attendee in protocol.attendees:
        if attendee.organisation_id:
            organisation = api.get_organisation(attendee.organisation_id)
            organisations.setdefault(organisation.id, organisation)
    organisations.setdefault(protocol.meeting.forum.organiser.id, protocol.meeting.forum.organiser)
    orgs = sorted(((f"o:{o.id}", o.name) for o in organisations.values()), key=lambda c: c[1])
    return [("", _("Choose…")), *people, *orgs]


# --- The organiser's pages --------------------------------------------------------------------


@bp.get("/meetings/<int:meeting_id>/minutes")
@api.permission_required(api.manages_meeting)
def manage(meeting):
    protocol = rules.protocol_of(meeting)
    return _render("manage.html", meeting=meeting, protocol=protocol, button=ButtonForm(),
                   new_paragraph=NewParagraphForm(), correction=CorrectionForm(), rules=rules)


@bp.post("/meetings/<int:meeting_id>/minutes/start")
@api.permission_required(api.manages_meeting)
def start(meeting):
    if ButtonForm().validate_on_submit():
        try:
            rules.start_minutes(meeting, api.current_person())
            db.session.commit()
            flash(_("The minutes were started from the agenda and the attendance."), "success")
        except IntegrityError:  # another organiser started them at the same moment: theirs stand
            db.session.rollback()
    return redirect(url_for("minutes.manage", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/minutes/details", methods=["GET", "POST"])
@api.permission_required(api.manages_meeting)
def details(meeting):
    protocol = _protocol_or_404(meeting)
    form = HeaderForm()
    choices = _people_choices(protocol)
    none = [("", _("Nobody"))]
    form.secretary.choices = _select(none + choices)
    form.chair.choices = _select([("", _("Choose…"))] + choices)
    form.adjuster1.choices = _select([("", _("Choose…"))] + choices)
    form.adjuster2.choices = _select(none + choices)
    if request.method == "GET":
        form.place.data = protocol.place
        form.secretary.data = str(protocol.secretary_id or "")
        form.chair.data = str(protocol.chair.person_id or "") if protocol.chair else ""
        adjusters = protocol.adjusters
        form.adjuster1.data = str(adjusters[0].person_id or "") if adjusters else ""
        form.adjuster2.data = str(adjusters[1].person_id or "") if len(adjusters) > 1 else ""
        form.version.data = protocol.version
    elif form.validate_on_submit():
        ids = [form.chair.data, form.adjuster1.data, form.adjuster2.data]
        people = [api.get_person(int(i)) if i else None for i in ids]
        header = rules.Header(place=form.place.data or "",
                              secretary=api.get_person(int(form.secretary.data)) if form.secretary.data else None,
                              chair=people[0], adjusters=[p for p in people[1:] if p is not None])
        try:
            rules.save_header(protocol, header, _version())
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("minutes.manage", meeting_id=meeting.id))
        except rules.MinutesError as error:
            db.session.rollback()
            target = next((f for f in form if f.name == error.field), form.chair)
            target.errors = [*target.errors, str(error)]
    return _render("details.html", meeting=meeting, protocol=protocol, form=form)


@bp.route("/meetings/<int:meeting_id>/minutes/present", methods=["GET", "POST"])
@api.permission_required(api.manages_meeting)
def present(meeting):
    protocol = _protocol_or_404(meeting)
    error = None
    rows = [rules.AttendeeRow(a.id, a.name, a.organisation_name, a.mode) for a in protocol.attendees]
    version = protocol.version
    if request.method == "POST":
        if not ButtonForm().validate_on_submit():
            abort(400)
        rows = []
        for key in request.form:
            if key.startswith("name-"):
                suffix = key[5:]
                row_id = int(suffix) if suffix.isdigit() else None
                rows.append(rules.AttendeeRow(row_id, request.form.get(key, ""),
                                              request.form.get(f"organisation-{suffix}", ""),
                                              request.form.get(f"mode-{suffix}", ON_SITE)))
        version = _version()
        try:
            rules.save_attendees(protocol, rows, version)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("minutes.manage", meeting_id=meeting.id))
        except rules.MinutesError as problem:
            db.session.rollback()
            error = str(problem)
    modes = [(ON_SITE, _("On site")), (ONLINE, _("Online")), (ABSENT, _("Absent"))]
    return _render("present.html", meeting=meeting, protocol=protocol, rows=rows, modes=modes, error=error,
                   version=version, form=ButtonForm())


@bp.post("/meetings/<int:meeting_id>/minutes/paragraphs")
@api.permission_required(api.manages_meeting)
def add_paragraph(meeting):
    protocol = _protocol_or_404(meeting)
    form = NewParagraphForm()
    if form.validate_on_submit():
        try:
            paragraph = rules.add_paragraph(protocol, form.title.data)
            db.session.commit()
            return redirect(url_for("minutes.paragraph", meeting_id=meeting.id, paragraph_id=paragraph.id))
        except rules.MinutesError as error:
            db.session.rollback()
            form.title.errors = [str(error)]
    return _render("manage.html", meeting=meeting, protocol=protocol, button=ButtonForm(), new_paragraph=form,
                   correction=CorrectionForm(), rules=rules), 422


def _paragraph_or_404(protocol, paragraph_id: int) -> Paragraph:
    paragraph = db.session.get(Paragraph, paragraph_id)
    if paragraph is None or paragraph.protocol_id != protocol.id:
        abort(404)
    return paragraph


def _speaker_choices(protocol):
    organisations = {m.organisation.id: m.organisation for m in api.forum_members(protocol.meeting.forum)}
    for attendee in protocol.attendees:
        if attendee.organisation_id:
            organisations.setdefault(attendee.organisation_id, api.get_organisation(attendee.organisation_id))
    return sorted(organisations.values(), key=lambda o: o.name)


@bp.route("/meetings/<int:meeting_id>/minutes/paragraphs/<int:paragraph_id>", methods=["GET", "POST"])
@api.permission_required(api.manages_meeting)
def paragraph(meeting, paragraph_id):
    protocol = _protocol_or_404(meeting)
    paragraph = _paragraph_or_404(protocol, paragraph_id)
    form = ParagraphForm(obj=paragraph if request.method == "GET" else None)
    speakers = _speaker_choices(protocol)
    chosen = {o.id for o in paragraph.speakers}
    conflict = None
    if request.method == "GET":
        form.version.data = protocol.version
    else:
        chosen = {int(i) for i in request.form.getlist("speakers") if i.isdigit()}
        if form.validate_on_submit():
            text = rules.ParagraphText(form.title.data, form.case_number.data or "", form.discussion.data or "",
                                       form.decision.data or "", form.immediate.data, sorted(chosen))
            try:
                rules.save_paragraph(paragraph, text, _version())
                db.session.commit()
                flash(_("§ %(number)s was saved.", number=paragraph.number), "success")
                return redirect(url_for("minutes.manage", meeting_id=meeting.id) + f"#p{paragraph.id}")
            except rules.StaleVersion as error:
                db.session.rollback()
                paragraph = _paragraph_or_404(protocol, paragraph_id)
                conflict = paragraph
                form.discussion.errors = [str(error)]
                form.version.data = protocol.version
            except rules.MinutesError as error:
                db.session.rollback()
                form.title.errors = [str(error)]
    action_form = ActionForm()
    action_form.who.choices = _select(_who_choices(protocol))
    return _render("paragraph.html", meeting=meeting, protocol=protocol, paragraph=paragraph, form=form,
                   speakers=speakers, chosen=chosen, conflict=conflict, action_form=action_form)


@bp.post("/meetings/<int:meeting_id>/minutes/paragraphs/<int:paragraph_id>/actions")
@api.permission_required(api.manages_meeting)
def add_action(meeting, paragraph_id):
    protocol = _protocol_or_404(meeting)
    paragraph = _paragraph_or_404(protocol, paragraph_id)
    action_form = ActionForm()
    action_form.who.choices = _select(_who_choices(protocol))
    if action_form.validate_on_submit():
        kind, _sep, ident = action_form.who.data.partition(":")
        who = api.get_person(int(ident)) if kind == "p" else api.get_organisation(int(ident))
        try:
            rules.add_action(paragraph, action_form.what.data, who, action_form.due.data)
            db.session.commit()
            flash(_("The action item was added."), "success")
            return redirect(url_for("minutes.paragraph", meeting_id=meeting.id, paragraph_id=paragraph.id))
        except rules.MinutesError as error:
            db.session.rollback()
            action_form.what.errors = [str(error)]
    form = ParagraphForm(obj=paragraph)
    form.version.data = protocol.version
    return _render("paragraph.html", meeting=meeting, protocol=protocol, paragraph=paragraph, form=form,
                   speakers=_speaker_choices(protocol), chosen={o.id for o in paragraph.speakers}, conflict=None,
                   action_form=action_form), 422


def _step(meeting, step, success: str):
    protocol = _protocol_or_404(meeting)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        step(protocol)
        db.session.commit()
        flash(success, "success")
    except rules.MinutesError as error:
        db.session.rollback()
        flash(str(error), "error")
    return redirect(url_for("minutes.manage", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/minutes/send")
@api.permission_required(api.manages_meeting)
def send(meeting):
    return _step(meeting, rules.send_for_approval, _("The minutes were sent to the chair and the justerare."))


@bp.post("/meetings/<int:meeting_id>/minutes/back")
@api.permission_required(api.manages_meeting)
def back(meeting):
    return _step(meeting, rules.back_to_draft, _("The minutes are a draft again."))


@bp.post("/meetings/<int:meeting_id>/minutes/publish")
@api.permission_required(api.manages_meeting)
def publish(meeting):
    return _step(meeting, rules.publish, _("The minutes were published."))


@bp.post("/meetings/<int:meeting_id>/minutes/correct")
@api.permission_required(api.manages_meeting)
def correct(meeting):
    protocol = _protocol_or_404(meeting)
    form = CorrectionForm()
    if form.validate_on_submit():
        try:
            rules.start_correction(protocol, form.reason.data, api.current_person())
            db.session.commit()
            flash(_("A correction was started: edit the minutes and send them for approval again."), "success")
            return redirect(url_for("minutes.manage", meeting_id=meeting.id))
        except rules.MinutesError as error:
            db.session.rollback()
            form.reason.errors = [str(error)]
    return _render("manage.html", meeting=meeting, protocol=protocol, button=ButtonForm(),
                   new_paragraph=NewParagraphForm(), correction=form, rules=rules), 422


@bp.route("/meetings/<int:meeting_id>/minutes/extract", methods=["GET", "POST"])
@api.permission_required(api.manages_meeting)
def extract(meeting):
    protocol = _protocol_or_404(meeting)
    people = [p for p in (api.get_person(int(v)) for v, _label in _people_choices(protocol)) if p]
    organisations = [o for o in _speaker_choices(protocol)]
    errors: dict[str, str] = {}
    chosen = {"paragraphs": set(), "people": set(), "organisations": set()}
    form = ButtonForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        chosen = {key: {int(v) for v in request.form.getlist(key) if v.isdigit()} for key in chosen}
        paragraphs = [p for p in rules.extractable(protocol) if p.id in chosen["paragraphs"]]
        if not paragraphs:
            errors["paragraphs"] = _("Choose at least one paragraph.")
        recipients = [p for p in people if p.id in chosen["people"]]
        orgs = [o for o in organisations if o.id in chosen["organisations"]]
        if not recipients and not orgs:
            errors["recipients"] = _("Choose at least one person or organisation to send the extract to.")
        if not errors:
            try:
                document = pdf.render(protocol, paragraphs)
                rules.send_extract(protocol, paragraphs, recipients, orgs, document, api.current_person())
                db.session.commit()
                flash(_("The protocol extract was sent."), "success")
                return redirect(url_for("minutes.manage", meeting_id=meeting.id))
            except rules.MinutesError as error:
                db.session.rollback()
                errors["recipients"] = str(error)
    return _render("extract.html", meeting=meeting, protocol=protocol, paragraphs=rules.extractable(protocol),
                   people=people, organisations=organisations,
                   errors=errors, chosen=chosen, form=form), (422 if errors else 200)


@bp.route("/forums/<slug>/actions", methods=["GET", "POST"])
@api.permission_required(api.manages_forum)
def forum_actions(forum):
    if request.method == "POST":
        if not ButtonForm().validate_on_submit():
            abort(400)
        action = db.session.get(Action, int(request.form.get("action", "0") or 0))
        if action is None or action.paragraph.protocol.forum_id != forum.id:
            abort(404)
        rules.set_action_done(action, request.form.get("done") == "1")
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("minutes.forum_actions", slug=forum.slug))
    return _render("actions.html", forum=forum, actions=rules.actions_of_forum(forum), form=ButtonForm())


# --- Reading and approving --------------------------------------------------------------------


@bp.get("/forums/<slug>/minutes")
def forum_minutes(slug):
    """Every published minutes of a forum, newest meeting first, a page at a time."""
    forum = api.get_forum(slug) or abort(404)
    person = api.current_person()
    return _render("forum_minutes.html", forum=forum,
                   minutes=rules.published_for_forum(forum, person, api.parse_page(request.args.get("page"))))


def _readable(protocol_id: int):
    protocol = rules.get_protocol(protocol_id)
    if protocol is None or not rules.may_read(api.current_person(), protocol):
        abort(404)
    return protocol


@bp.get("/minutes/<int:protocol_id>")
def show(protocol_id):
    protocol = _readable(protocol_id)
    person = api.current_person()
    return _render("show.html", protocol=protocol, meeting=protocol.meeting, signer=rules.signer_of(person, protocol),
                   may_edit=rules.may_edit(person, protocol), form=ButtonForm(), changes=rules.changes,
                   markdown=api.render_markdown)


@bp.get("/minutes/<int:protocol_id>/protocol.pdf")
def download(protocol_id):
    protocol = _readable(protocol_id)
    person = api.current_person()
    if protocol.status != "published" and not (rules.may_edit(person, protocol) or rules.is_signer(person, protocol)):
        abort(404)  # published minutes being corrected: the draft of the correction is not public
    response = Response(pdf.render(protocol), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="protokoll-{protocol.meeting.forum.slug}.pdf"'
    return response


@bp.post("/minutes/<int:protocol_id>/approve")
@api.login_required
def approve(protocol_id):
    protocol = _readable(protocol_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        rules.approve(protocol, api.current_person())
        db.session.commit()
        flash(_("You approved the minutes."), "success")
    except rules.MinutesError as error:
        db.session.rollback()
        flash(str(error), "error")
    return redirect(url_for("minutes.show", protocol_id=protocol.id))


@bp.post("/minutes/<int:protocol_id>/paragraphs/<int:paragraph_id>/approve")
@api.login_required
def approve_paragraph(protocol_id, paragraph_id):
    protocol = _readable(protocol_id)
    paragraph = _paragraph_or_404(protocol, paragraph_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        rules.approve_paragraph(paragraph, api.current_person())
        db.session.commit()
        flash(_("You approved § %(number)s.", number=paragraph.number), "success")
    except rules.MinutesError as error:
        db.session.rollback()
        flash(str(error), "error")
    return redirect(url_for("minutes.show", protocol_id=protocol.id))
