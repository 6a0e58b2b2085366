"""Queuing and sending e-mail.

``queue_mail`` adds a row to the outbox in the caller's transaction, so a mail exists exactly
when the change it reports was committed. ``send_due_mail`` (a scheduler job) sends what is due
over SMTP; a failure is retried later with growing pauses, so an SMTP outage loses nothing.

Each row is claimed with a compare-and-set UPDATE before it is sent, so two workers (or a
worker and the demo's in-process scheduler) never send the same row at the same time. No
database transaction is held open while talking to the SMTP server.
"""

from __future__ import annotations

import base64
import logging
import smtplib
import ssl
import sys
from contextlib import ExitStack
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime as rfc2822_date
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import or_, select, update

from ..config import SUPPORTED_LOCALES
from ..extensions import db
from ..i18n import babel_locale
from ..models import Meeting, OutboxMessage, utcnow
from ..plugins import collect

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(minutes=1)
LONGEST_PAUSE = timedelta(hours=6)
# Longer than a send can take (SMTP timeouts included); a worker that dies while holding a
# claim leaves the row to be sent by another once the claim has run out.
CLAIM_FOR = timedelta(minutes=5)
SMTP_TIMEOUT_SECONDS = 30
SUBJECT_LENGTH = OutboxMessage.__table__.c.subject.type.length
ERROR_LENGTH = OutboxMessage.__table__.c.last_error.type.length


def queue_mail(kind: str, recipient: str, template: str, locale: str | None,
               meeting: Meeting | None = None, attachments: list[dict[str, str]] | None = None,
               *, plugin: str | None = None, **context: Any) -> OutboxMessage:
    """Render ``mail/<template>.txt`` and ``.html`` in the recipient's language and queue them.

    With ``plugin``, the templates are the plugin's own: ``<plugin>/mail/<template>.txt`` and
    ``.html``. The first line of the text template is the subject. ``attachments`` are added after those of
    the ``mail_attachments`` hook (same format; see ``build_email``). Nothing is committed here:
    the mail is sent only if the caller's transaction commits.
    """
    if locale not in SUPPORTED_LOCALES:
        locale = current_app.config["DEFAULT_LOCALE"]
    context.update(meeting=meeting, base_url=current_app.config["BASE_URL"])
    with ExitStack() as stack:
        # Links made with url_for(..., _external=True) point at the public site (BASE_URL), whether
        # the mail is queued by a job or during a request that came through a proxy.
        stack.enter_context(current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]))
        stack.enter_context(force_locale(babel_locale(locale)))
        folder = f"{plugin}/mail" if plugin else "mail"
        text = _render(f"{folder}/{template}.txt", context)
        html = _render(f"{folder}/{template}.html", context)
    subject, _, body = text.strip("\n").partition("\n")
    subject = " ".join(subject.split())  # one line, whatever the template's whitespace
    if len(subject) > SUBJECT_LENGTH:
        subject = subject[:SUBJECT_LENGTH - 1] + "…"
    files = collect("mail_attachments", kind=kind, meeting=meeting, recipient=recipient) + list(attachments or ())
    message = OutboxMessage(kind=kind, recipient=recipient, subject=subject,
                            body_text=body.lstrip("\n"), body_html=html, attachments=files)
    db.session.add(message)
    return message


def _render(name: str, context: dict[str, Any]) -> str:
    """A mail template with only what the mail is given: the page context (the signed-in person,
    navigation, …) is someone else's and stays out of it."""
    return current_app.jinja_env.get_template(name).render(context)


def retry_pause(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after each failure, at most six hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_PAUSE)


def _is_due(now: datetime):
    return (OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))


def send_due_mail(now: datetime | None = None, limit: int = 100) -> int:
    """Send every queued message that is due; returns how many were delivered.

    Runs as a job in its own session: anything uncommitted in the session is discarded.
    """
    now = now or utcnow()
    due_ids = db.session.scalars(
        select(OutboxMessage.id).where(*_is_due(now)).order_by(OutboxMessage.id).limit(limit)
    ).all()
    db.session.rollback()
    delivered = 0
    for message_id in due_ids:
        if not _claim(message_id, now):
            continue  # another worker took it, or sent it, since the list was read
        message = db.session.get(OutboxMessage, message_id)
        if message is None:  # deleted meanwhile
            db.session.rollback()
            continue
        attempts = message.attempts + 1
        try:
            email = build_email(message)
            demo = current_app.config["MAIL_BACKEND"] == "demo"
            if demo:
                _print_for_demo(message)
            db.session.rollback()  # no transaction stays open while the SMTP server answers
            if not demo:
                send_email(email)
        except Exception as exc:  # whatever went wrong, the row is kept and tried again later
            db.session.rollback()
            _record_failure(message_id, attempts, now, exc)
        else:
            db.session.execute(
                update(OutboxMessage).where(OutboxMessage.id == message_id)
                .values(sent_at=utcnow(), claimed_until=None, attempts=attempts, last_error=None))
            db.session.commit()
            delivered += 1
    return delivered


def _claim(message_id: int, now: datetime) -> bool:
    """Take a message for sending; an atomic compare-and-set, so it works on any database."""
    result = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, *_is_due(now))
        .values(claimed_until=now + CLAIM_FOR)
    )
    db.session.commit()
    return result.rowcount == 1


def _record_failure(message_id: int, attempts: int, now: datetime, exc: Exception) -> None:
    # The error names the exception and what the server said; it never holds the password,
    # which only goes to the server inside the AUTH exchange.
    values: dict[str, Any] = {"attempts": attempts, "claimed_until": None,
                              "last_error": f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]}
    if attempts >= MAX_ATTEMPTS:
        values["failed_at"] = now
        log.error("Giving up on outbox message %s after %s attempts (%s)", message_id, attempts,
                  type(exc).__name__)
    else:
        values["next_attempt_at"] = now + retry_pause(attempts)
        log.warning("Outbox message %s not sent (attempt %s of %s, next try in %s): %s", message_id,
                    attempts, MAX_ATTEMPTS, retry_pause(attempts), type(exc).__name__)
    if not isinstance(exc, OSError | smtplib.SMTPException):
        log.error("Outbox message %s cannot be built or sent", message_id, exc_info=exc)
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values))
    db.session.commit()


def message_id_header(message: OutboxMessage) -> str:
    """The Message-ID of an outbox row: the same every time the row is sent.

    A mail sent again after a crash (sent, but not yet marked as sent) thus carries the same id,
    so mail programs can recognise the duplicate.
    """
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"<outbox.{message.id}.{message.created_at:%Y%m%d%H%M%S}@{host}>"


def build_email(message: OutboxMessage) -> EmailMessage:
    """The e-mail of an outbox row, with its attachments.

    An attachment is ``{"filename", "content_type", "content"}``; ``content`` is text unless
    ``"encoding": "base64"`` says it is base64 of bytes (an image), or ``"qr_code_for"`` gives the text
    of a QR code to draw as a PNG when the mail is sent. One with a ``"content_id"``
    (``"<qr@host>"``) is an inline part that the HTML shows with ``<img src="cid:qr@host">``.
    """
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = rfc2822_date(message.created_at)
    email["Message-ID"] = message_id_header(message)
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    attachments = list(message.attachments or ())
    inline = [a for a in attachments if a.get("content_id") and message.body_html]
    # Inline parts first: they turn the HTML part into multipart/related, beside which files go.
    for attachment in inline:
        maintype, subtype, _params = _content_type(attachment)
        email.get_body(preferencelist=("html",)).add_related(
            _attachment_bytes(attachment), maintype=maintype, subtype=subtype, cid=attachment["content_id"],
            filename=attachment["filename"], disposition="inline")
    for attachment in (a for a in attachments if a not in inline):
        maintype, subtype, params = _content_type(attachment)
        email.add_attachment(_attachment_bytes(attachment), maintype=maintype,
                             subtype=subtype, filename=attachment["filename"])
        part = email.get_payload()[-1]
        for name, value in params:
            part.set_param(name, value)
    return email


def _content_type(attachment: dict[str, str]) -> tuple[str, str, list[tuple[str, str]]]:
    content_type, *raw_params = (part.strip() for part in attachment["content_type"].split(";"))
    maintype, _, subtype = content_type.partition("/")
    params = []
    for param in raw_params:
        name, _, value = param.partition("=")
        if name and value:
            params.append((name.strip(), value.strip().strip('"')))
    return maintype, subtype, params


def _attachment_bytes(attachment: dict[str, str]) -> bytes:
    if "qr_code_for" in attachment:
        # Drawn when sent rather than when queued: it keeps registering fast and the outbox small.
        from .checkin_qr import qr_code_png

        return qr_code_png(attachment["qr_code_for"])
    if attachment.get("encoding") == "base64":
        return base64.b64decode(attachment["content"], validate=True)
    return attachment["content"].encode("utf-8")


def send_email(email: EmailMessage) -> None:
    """Hand one e-mail to the SMTP server; raises OSError or SMTPException on failure."""
    config = current_app.config
    context = ssl.create_default_context()
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"],
                                timeout=SMTP_TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT_SECONDS)
    with smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=context)
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def _print_for_demo(message: OutboxMessage) -> None:
    """In the demo no mail leaves the machine: it is printed and listed on /demo/mail."""
    rule = "-" * 72
    print(f"\n{rule}\nE-mail to {message.recipient}: {message.subject}\n{rule}\n"
          f"{message.body_text}\n{rule}", file=sys.stdout, flush=True)
