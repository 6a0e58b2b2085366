"""The organisers' pages for a meeting: create, edit, publish, cancel, and keep its agenda.

Only people who may manage the forum (meetings.domain.permissions.may_manage_forum) get here;
everyone else gets 403 and changes nothing.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from ..auth import login_required
from ..domain import meetings as domain
from ..domain.identity import suggested_contact
from ..domain.permissions import may_manage_forum
from ..extensions import db
from ..forms import EmptyForm
from ..forms.meetings import AgendaItemForm, CancelMeetingForm, MeetingForm, MoveAgendaItemForm
from ..models import AgendaItem, Forum, Meeting, MeetingStatus, Municipality

bp = Blueprint("meeting_admin", __name__)


def _managed_forum(slug: str) -> Forum:
    forum = db.session.scalar(select(Forum).where(Forum.slug == slug)) or abort(404)
    if not may_manage_forum(g.person, forum):
        abort(403)
    return forum


def _managed_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id) or abort(404)
    if not may_manage_forum(g.person, meeting.forum):
        abort(403)
    return meeting


def _agenda_item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    return item


def _meeting_form() -> MeetingForm:
    form = MeetingForm()
    form.set_choices(list(db.session.scalars(select(Municipality).order_by(Municipality.name))))
    return form


def _back_to_meeting(meeting: Meeting):
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


# --- details -------------------------------------------------------------------------------------

@bp.route("/forums/<slug>/meetings/new", methods=["GET", "POST"])
@login_required
def create(slug: str):
    forum = _managed_forum(slug)
    form = _meeting_form()
    if not form.is_submitted():
        form.suggest_contact(suggested_contact(g.person))
    if form.validate_on_submit():
        try:
            meeting = domain.create_meeting(forum, form.details())
        except domain.MeetingRuleError as error:
            form.show_problems(error.problems)
        else:
            flash(_("The meeting was saved as a draft that only the organisers see. "
                    "Add the agenda, then publish it when it is ready."), "success")
            return _back_to_meeting(meeting)
    return render_template("meeting_admin/edit.html", form=form, forum=forum, meeting=None, registered=0)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    if meeting.status == MeetingStatus.CANCELLED:
        flash(str(domain.CANCELLED_IS_FINAL), "error")
        return _back_to_meeting(meeting)
    form = _meeting_form()
    if not form.is_submitted():
        form.fill_from(meeting)
    if form.validate_on_submit():
        try:
            update = domain.update_meeting(meeting, form.details())
        except domain.MeetingRuleError as error:
            form.show_problems(error.problems)
        except domain.MeetingStateError as error:
            flash(error.message, "error")
            return _back_to_meeting(meeting)
        else:
            if update.moved and update.told:
                flash(ngettext("Your changes were saved. %(num)d registered person is told about the new time "
                               "or place by e-mail.",
                               "Your changes were saved. %(num)d registered people are told about the new time "
                               "or place by e-mail.", update.told), "success")
            else:
                flash(_("Your changes were saved."), "success")
            return _back_to_meeting(meeting)
    return render_template("meeting_admin/edit.html", form=form, forum=meeting.forum, meeting=meeting,
                           registered=domain.active_registration_count(meeting))


@bp.post("/meetings/<int:meeting_id>/publish")
@login_required
def publish(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        published = domain.publish_meeting(meeting)
    except domain.MeetingStateError as error:
        flash(error.message, "error")
    else:
        if published:
            flash(_("The meeting is published. People can now see it and register."), "success")
    return _back_to_meeting(meeting)


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    form = CancelMeetingForm()
    if meeting.status == MeetingStatus.PUBLISHED and form.validate_on_submit():
        try:
            told = domain.cancel_meeting(meeting, form.message.data or "")
        except domain.MeetingStateError as error:
            flash(error.message, "error")
        else:
            flash(ngettext("The meeting is cancelled. %(num)d registered person is told by e-mail.",
                           "The meeting is cancelled. %(num)d registered people are told by e-mail.", told),
                  "success")
        return _back_to_meeting(meeting)
    return render_template("meeting_admin/cancel.html", meeting=meeting, form=form, delete_form=EmptyForm(),
                           registered=domain.active_registration_count(meeting))


@bp.post("/meetings/<int:meeting_id>/delete")
@login_required
def delete(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    forum_slug = meeting.forum.slug
    try:
        domain.delete_draft(meeting)
    except domain.MeetingStateError as error:
        flash(error.message, "error")
        return _back_to_meeting(meeting)
    flash(_("The draft was deleted."), "success")
    return redirect(url_for("forums.detail", slug=forum_slug))


# --- agenda -----------------------------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>/agenda", methods=["GET", "POST"])
@login_required
def agenda(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    form = AgendaItemForm()
    if form.validate_on_submit():
        try:
            domain.add_agenda_item(meeting, form.title.data, form.description.data or "")
        except domain.MeetingStateError as error:
            flash(error.message, "error")
        else:
            flash(_("The item was added to the agenda."), "success")
        return redirect(url_for("meeting_admin.agenda", meeting_id=meeting.id) + "#add-item")
    return render_template("meeting_admin/agenda.html", meeting=meeting, form=form, button_form=EmptyForm())


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>", methods=["GET", "POST"])
@login_required
def agenda_item(meeting_id: int, item_id: int):
    meeting = _managed_meeting(meeting_id)
    item = _agenda_item(meeting, item_id)
    form = AgendaItemForm(obj=item)
    if form.validate_on_submit():
        try:
            domain.update_agenda_item(item, form.title.data, form.description.data or "")
        except domain.MeetingStateError as error:
            flash(error.message, "error")
        else:
            flash(_("The item was saved."), "success")
        return redirect(url_for("meeting_admin.agenda", meeting_id=meeting.id))
    return render_template("meeting_admin/agenda_item.html", meeting=meeting, item=item, form=form)


@bp.post("/meetings/<int:meeting_id>/agenda/<int:item_id>/move")
@login_required
def move_agenda_item(meeting_id: int, item_id: int):
    meeting = _managed_meeting(meeting_id)
    item = _agenda_item(meeting, item_id)
    form = MoveAgendaItemForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        domain.move_agenda_item(item, -1 if form.direction.data == "up" else 1)
    except domain.MeetingStateError as error:
        flash(error.message, "error")
    return redirect(url_for("meeting_admin.agenda", meeting_id=meeting.id) + f"#item-{item_id}")


@bp.post("/meetings/<int:meeting_id>/agenda/<int:item_id>/remove")
@login_required
def remove_agenda_item(meeting_id: int, item_id: int):
    meeting = _managed_meeting(meeting_id)
    item = _agenda_item(meeting, item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    title = item.title
    try:
        domain.remove_agenda_item(item)
    except domain.MeetingStateError as error:
        flash(error.message, "error")
    else:
        flash(_("“%(title)s” was removed from the agenda.", title=title), "success")
    return redirect(url_for("meeting_admin.agenda", meeting_id=meeting.id))
