"""The admins' view of e-mail that has not been sent: failed, failing and stuck, with a retry."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..auth import admin_required
from ..domain import mail as domain
from ..forms import EmptyForm
from ..models import utcnow

bp = Blueprint("outbox", __name__, url_prefix="/admin/outbox")

STATE_LABELS = {
    domain.MailState.FAILED: _l("Given up"),
    domain.MailState.FAILING: _l("Failing, will be tried again"),
    domain.MailState.STUCK: _l("Waiting too long"),
}


@bp.get("")
@admin_required
def overview():
    now = utcnow()
    return render_template("outbox/overview.html", messages=domain.mail_needing_attention(now), form=EmptyForm(),
                           state_of=lambda message: domain.mail_state(message, now) or domain.MailState.STUCK,
                           state_labels=STATE_LABELS)


@bp.post("/retry", defaults={"message_id": None})
@bp.post("/<int:message_id>/retry")
@admin_required
def retry(message_id: int | None):
    if EmptyForm().validate_on_submit():
        count = domain.retry_mail(None if message_id is None else [message_id])
        flash(ngettext("%(num)d e-mail will be tried again shortly.",
                       "%(num)d e-mails will be tried again shortly.", count), "success")
    return redirect(url_for(".overview"))
