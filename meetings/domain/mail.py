"""Queuing and sending e-mail.

``queue_mail`` adds a row to the outbox in the caller's transaction, so a mail exists exactly
when the change it reports was committed. ``send_due_mail`` (a scheduler job) sends what is due
over SMTP; a failure is retried later with growing pauses, so an SMTP outage loses nothing.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import sys
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime as rfc2822_date
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import or_, select, update

from ..extensions import db
from ..models import Meeting, OutboxMessage, utcnow
from ..plugins import collect

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(minutes=1)
LONGEST_PAUSE = timedelta(hours=6)
CLAIM_FOR = timedelta(minutes=5)


def queue_mail(kind: str, recipient: str, template: str, locale: str | None,
               meeting: Meeting | None = None, **context: Any) -> OutboxMessage:
    """Render ``mail/<template>.txt`` and ``.html`` in the recipient's language and queue them.

    The first line of the text template is the subject. Nothing is committed here.
    """
    locale = locale or current_app.config["DEFAULT_LOCALE"]
    with force_locale(locale):
        context.update(meeting=meeting, base_url=current_app.config["BASE_URL"])
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    subject, _, body = text.partition("\n")
    attachments = collect("mail_attachments", kind=kind, meeting=meeting, recipient=recipient)
    message = OutboxMessage(kind=kind, recipient=recipient, subject=subject.strip(),
                            body_text=body.lstrip("\n"), body_html=html, attachments=attachments)
    db.session.add(message)
    return message


def retry_pause(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after each failure, at most six hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_PAUSE)


def send_due_mail(now: datetime | None = None, limit: int = 100) -> int:
    """Send every queued message that is due; returns how many were delivered."""
    now = now or utcnow()
    due_ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
               OutboxMessage.next_attempt_at <= now,
               or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .order_by(OutboxMessage.id).limit(limit)
    ).all()
    db.session.rollback()
    delivered = 0
    for message_id in due_ids:
        if not _claim(message_id, now):
            continue  # another worker took it
        message = db.session.get(OutboxMessage, message_id)
        try:
            deliver(message)
        except (OSError, smtplib.SMTPException) as exc:
            _record_failure(message, now, exc)
        else:
            message.sent_at = utcnow()
            message.claimed_until = None
            message.attempts += 1
            delivered += 1
        db.session.commit()
    return delivered


def _claim(message_id: int, now: datetime) -> bool:
    """Take a message for sending; an atomic compare-and-set, so it works on any database."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None),
               or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .values(claimed_until=now + CLAIM_FOR)
    )
    db.session.commit()
    return result.rowcount == 1


def _record_failure(message: OutboxMessage, now: datetime, exc: Exception) -> None:
    message.attempts += 1
    message.claimed_until = None
    message.last_error = f"{type(exc).__name__}: {exc}"[:500]
    if message.attempts >= MAX_ATTEMPTS:
        message.failed_at = now
        log.error("Giving up on outbox message %s after %s attempts", message.id, message.attempts)
    else:
        message.next_attempt_at = now + retry_pause(message.attempts)
        log.warning("Outbox message %s not sent (attempt %s): %s", message.id, message.attempts,
                    type(exc).__name__)


def build_email(message: OutboxMessage) -> EmailMessage:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = rfc2822_date(message.created_at)
    # Derived from the outbox row, so a mail that is sent twice after a crash can be recognised.
    host = urlsplit(config["BASE_URL"]).hostname or "localhost"
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain=host)
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    for attachment in message.attachments or ():
        maintype, _, rest = attachment["content_type"].partition("/")
        subtype, _, params = rest.partition(";")
        email.add_attachment(attachment["content"].encode("utf-8"), maintype=maintype,
                             subtype=subtype.strip(), filename=attachment["filename"])
        if "method=" in params:
            email.get_payload()[-1].set_param("method", params.split("method=")[1].strip())
    return email


def deliver(message: OutboxMessage) -> None:
    email = build_email(message)
    if current_app.config["MAIL_BACKEND"] == "demo":
        _print_for_demo(message)
        return
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def _print_for_demo(message: OutboxMessage) -> None:
    """In the demo no mail leaves the machine: it is printed and listed on /demo/mail."""
    rule = "-" * 72
    print(f"\n{rule}\nE-mail to {message.recipient}: {message.subject}\n{rule}\n"
          f"{message.body_text}\n{rule}", file=sys.stdout, flush=True)
