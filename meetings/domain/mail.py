"""Queuing and sending e-mail.

``queue_mail`` adds a row to the outbox in the caller's transaction, so a mail exists exactly
when the change it reports was committed. ``send_due_mail`` (a scheduler job) sends what is due
over SMTP; a failure is retried later with growing pauses, so an SMTP outage loses nothing.

Each row is claimed with a compare-and-set UPDATE just before it is sent, for a lease counted
from that moment, so two workers (or a worker and the demo's in-process scheduler) never send the
same row at the same time, however slow the SMTP server. Every try is recorded (``OutboxAttempt``:
worker, start, end, error). No database transaction is held open while talking to the SMTP server.
A mail that keeps failing stays listed for admins (``mail_needing_attention``, ``retry_mail``), and
they are told by e-mail once it has failed for an hour (``alert_failing_mail``).
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
import smtplib
import socket
import ssl
import sys
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime as rfc2822_date
from email.utils import parseaddr
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, or_, select, update

from ..config import SUPPORTED_LOCALES
from ..extensions import db
from ..i18n import babel_locale
from ..models import Meeting, OutboxAttempt, OutboxMessage, Person, utcnow
from ..plugins import collect
from .identity import mail_sender, meeting_contact, site

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(minutes=1)
LONGEST_PAUSE = timedelta(hours=6)
# Counted from the moment one message is claimed, just before it is sent: longer than one send
# can take (SMTP timeouts included). A worker that dies while holding a claim leaves the row to
# be sent by another once the claim has run out.
CLAIM_FOR = timedelta(minutes=5)  # the default of OUTBOX_CLAIM_SECONDS
# Mail due this long and not sent is "stuck" on the admins' page; failing this long, admins are told.
STUCK_AFTER = timedelta(minutes=15)
ALERT_AFTER = timedelta(hours=1)
ALERT_KIND = "outbox_failing"
SMTP_TIMEOUT_SECONDS = 30  # per exchange with the server; keep OUTBOX_CLAIM_SECONDS well above
SUBJECT_LENGTH = OutboxMessage.__table__.c.subject.type.length
ERROR_LENGTH = OutboxMessage.__table__.c.last_error.type.length
FROM_NAME_LENGTH = OutboxMessage.__table__.c.from_name.type.length


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
    context.update(meeting=meeting, base_url=current_app.config["BASE_URL"],
                   contact=meeting_contact(meeting) if meeting is not None else None)
    with ExitStack() as stack:
        # Mail templates make links with public_url (BASE_URL). The request context is the public
        # site's too, so nothing in a template sees the host of the request that queued the mail.
        stack.enter_context(current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]))
        stack.enter_context(force_locale(babel_locale(locale)))
        context["site"] = site()
        folder = f"{plugin}/mail" if plugin else "mail"
        text = _render(f"{folder}/{template}.txt", context)
        html = _render(f"{folder}/{template}.html", context)
        # Every mail ends alike, whoever wrote its template: whom to ask about the meeting, and the site.
        signature = _render("mail/_signature.txt", context)
        sender = mail_sender(meeting)
    subject, _, body = text.strip("\n").partition("\n")
    subject = " ".join(subject.split())  # one line, whatever the template's whitespace
    if len(subject) > SUBJECT_LENGTH:
        subject = subject[:SUBJECT_LENGTH - 1] + "…"
    files = collect("mail_attachments", kind=kind, meeting=meeting, recipient=recipient) + list(attachments or ())
    body = body.strip("\n") + "\n\n" + signature.strip("\n") + "\n"
    message = OutboxMessage(kind=kind, recipient=recipient, subject=subject, body_text=body, body_html=html,
                            attachments=files, from_name=_one_line(sender.name, FROM_NAME_LENGTH),
                            reply_to=sender.reply_to)
    db.session.add(message)
    return message


def _one_line(text: str, length: int) -> str:
    """Text for a header: one line, without control characters, at most ``length`` characters."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())[:length]


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


@dataclass(frozen=True)
class Claim:
    """One message taken for sending: its claim token and the row recording this try."""

    message_id: int
    token: str
    attempt_id: int
    attempts: int


def _claim_for() -> timedelta:
    return timedelta(seconds=current_app.config.get("OUTBOX_CLAIM_SECONDS", CLAIM_FOR.total_seconds()))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def send_due_mail(now: datetime | None = None, limit: int = 100) -> int:
    """Send queued messages that are due, one at a time; returns how many were delivered.

    Each message is claimed just before it is sent, for ``OUTBOX_CLAIM_SECONDS`` from that moment, so a slow
    SMTP server never lets a second worker take a message still in flight. Each row is visited
    at most once per call. Runs as a job in its own session: anything uncommitted is discarded.
    """
    db.session.rollback()
    delivered, after_id = 0, 0
    for _ in range(limit):
        claim = _claim_next(now or utcnow(), after_id)
        if claim is None:
            break
        after_id = claim.message_id
        if _send_claimed(claim, now):
            delivered += 1
    return delivered


def _claim_next(now: datetime, after_id: int) -> Claim | None:
    """Take the next due message: an atomic compare-and-set that counts the attempt, on any database."""
    while True:
        message_id = db.session.scalar(
            select(OutboxMessage.id).where(*_is_due(now), OutboxMessage.id > after_id)
            .order_by(OutboxMessage.id).limit(1))
        if message_id is None:
            db.session.rollback()
            return None
        token = secrets.token_hex(16)
        claimed = db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id, *_is_due(now))
            .values(claimed_until=now + _claim_for(), claim_token=token, attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False))
        if claimed.rowcount != 1:  # another worker took it, or sent it, since it was read
            db.session.rollback()
            after_id = message_id
            continue
        attempt = OutboxAttempt(message_id=message_id, worker=worker_name(), started_at=utcnow())
        db.session.add(attempt)
        db.session.flush()
        attempts = db.session.scalar(select(OutboxMessage.attempts).where(OutboxMessage.id == message_id))
        claim = Claim(message_id, token, attempt.id, attempts)
        db.session.commit()
        return claim


def _send_claimed(claim: Claim, now: datetime | None) -> bool:
    message = db.session.get(OutboxMessage, claim.message_id)
    if message is None:  # deleted meanwhile
        db.session.rollback()
        return False
    accepted: list[bool] = []

    def record_accepted() -> None:
        accepted.append(True)
        _record_success(claim)

    try:
        email = build_email(message)
        demo = current_app.config["MAIL_BACKEND"] == "demo"
        if demo:
            _print_for_demo(message)
        db.session.rollback()  # no transaction stays open while the SMTP server answers
        if demo:
            record_accepted()
        else:
            send_email(email, accepted=record_accepted)
    except Exception as exc:  # whatever went wrong, the row is kept and tried again later
        db.session.rollback()
        if accepted:  # the server took it, but it could not be marked sent: the claim runs out
            log.error("Outbox message %s was sent but could not be marked sent; it may go out again",
                      claim.message_id, exc_info=exc)
            return True
        _record_failure(claim, now or utcnow(), exc)
        return False
    return True


def _record_success(claim: Claim) -> None:
    finished = utcnow()
    done = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == claim.message_id, OutboxMessage.claim_token == claim.token)
        .values(sent_at=finished, claimed_until=None, claim_token=None, last_error=None, failing_since=None)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        # The claim ran out while the server was answering and another worker took the message:
        # it may go out twice (with the same Message-ID). Still, it counts as sent from now on.
        log.warning("Outbox message %s: the claim ran out while sending; it may be sent twice", claim.message_id)
        db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == claim.message_id, OutboxMessage.sent_at.is_(None))
            .values(sent_at=finished).execution_options(synchronize_session=False))
    db.session.execute(update(OutboxAttempt).where(OutboxAttempt.id == claim.attempt_id)
                       .values(finished_at=finished).execution_options(synchronize_session=False))
    db.session.commit()


def _record_failure(claim: Claim, now: datetime, exc: Exception) -> None:
    # The error names the exception and what the server said; it never holds the password,
    # which only goes to the server inside the AUTH exchange.
    error = f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]
    attempts = claim.attempts
    values: dict[str, Any] = {"claimed_until": None, "claim_token": None, "last_error": error,
                              "failing_since": func.coalesce(OutboxMessage.failing_since, now)}
    if attempts >= MAX_ATTEMPTS:
        values["failed_at"] = now
        log.error("Giving up on outbox message %s after %s attempts (%s)", claim.message_id, attempts,
                  type(exc).__name__)
    else:
        values["next_attempt_at"] = now + retry_pause(attempts)
        log.warning("Outbox message %s not sent (attempt %s of %s, next try in %s): %s", claim.message_id,
                    attempts, MAX_ATTEMPTS, retry_pause(attempts), type(exc).__name__)
    if not isinstance(exc, OSError | smtplib.SMTPException):
        log.error("Outbox message %s cannot be built or sent", claim.message_id, exc_info=exc)
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == claim.message_id, OutboxMessage.claim_token == claim.token)
        .values(**values).execution_options(synchronize_session=False))
    db.session.execute(update(OutboxAttempt).where(OutboxAttempt.id == claim.attempt_id)
                       .values(finished_at=utcnow(), error=error).execution_options(synchronize_session=False))
    db.session.commit()


# --- mail that needs an admin --------------------------------------------------------------------

class MailState(StrEnum):
    FAILED = "failed"  # given up after MAX_ATTEMPTS; only an admin's retry sends it
    FAILING = "failing"  # failed at least once, will be tried again
    STUCK = "stuck"  # due for a long while but not sent: no worker runs, or one died while sending


def mail_state(message: OutboxMessage, now: datetime) -> MailState | None:
    if message.sent_at is not None:
        return None
    if message.failed_at is not None:
        return MailState.FAILED
    if message.failing_since is not None:
        return MailState.FAILING
    if message.next_attempt_at <= now - STUCK_AFTER or (
            message.claimed_until is not None and message.claimed_until < now):
        return MailState.STUCK
    return None


def mail_needing_attention(now: datetime | None = None, limit: int = 500) -> list[OutboxMessage]:
    """Failed, failing and stuck mail, oldest first, for the admins' page and ``flask meetings outbox``."""
    now = now or utcnow()
    return list(db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None),
               or_(OutboxMessage.failed_at.is_not(None), OutboxMessage.failing_since.is_not(None),
                   OutboxMessage.next_attempt_at <= now - STUCK_AFTER,
                   OutboxMessage.claimed_until < now))
        .order_by(OutboxMessage.id).limit(limit)))


def retry_mail(message_ids: list[int] | None = None, now: datetime | None = None) -> int:
    """Make failed or stuck mail due again now (all of it when ``message_ids`` is None); commits.

    A message being sent (claimed) is left alone; a failed one gets one more try, and again the
    usual pauses if it has tries left. Returns how many messages were made due.
    """
    now = now or utcnow()
    query = update(OutboxMessage).where(
        OutboxMessage.sent_at.is_(None),
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
    if message_ids is not None:
        query = query.where(OutboxMessage.id.in_(message_ids))
    result = db.session.execute(
        query.values(failed_at=None, next_attempt_at=now, claimed_until=None, claim_token=None,
                     failing_since=None, alerted_at=None).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount


def alert_failing_mail(now: datetime | None = None) -> int:
    """Tell every admin by e-mail about mail that has been failing for an hour; commits.

    Each message is reported once (claimed with ``alerted_at``), so several workers send one
    alert. The alert goes through the outbox too: if the SMTP server takes nothing at all, the
    log's errors and the admins' page are what remains. Returns how many messages were reported.
    """
    now = now or utcnow()
    overdue = (OutboxMessage.sent_at.is_(None), OutboxMessage.alerted_at.is_(None),
               OutboxMessage.failing_since <= now - ALERT_AFTER, OutboxMessage.kind != ALERT_KIND)
    ids = db.session.scalars(select(OutboxMessage.id).where(*overdue)).all()
    if not ids:
        db.session.rollback()
        return 0
    claimed = db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids), *overdue)
                                 .values(alerted_at=now).execution_options(synchronize_session=False)).rowcount
    if claimed:
        log.error("%s e-mails have not been sent for over an hour; the admins are told", claimed)
        for admin in db.session.scalars(select(Person).where(Person.is_admin.is_(True)).order_by(Person.id)):
            queue_mail(ALERT_KIND, admin.email, ALERT_KIND, locale=admin.locale, count=claimed)
    db.session.commit()
    return claimed


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
    email["From"] = _sender_address(message.from_name, config["MAIL_FROM"])
    reply_to = _reply_to(message.reply_to)
    if reply_to is not None:
        email["Reply-To"] = reply_to
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


def _sender_address(name: str | None, mail_from: str) -> Address | str:
    """MAIL_FROM's address with ``name`` shown as the sender. The header registry quotes or encodes
    the name (RFC 2047), so quotes, commas or non-ASCII letters in it never spill into the header;
    line breaks were taken out when the mail was queued."""
    address = parseaddr(mail_from)[1] or mail_from
    display = _one_line(name or "", FROM_NAME_LENGTH)
    try:
        return Address(display_name=display, addr_spec=address)
    except (ValueError, IndexError, HeaderParseError):  # MAIL_FROM as given, without a name
        return mail_from


def _reply_to(address: str | None) -> Address | None:
    """The Reply-To of a message, or None when there is none or it is not one plain address."""
    if not address:
        return None
    try:
        reply_to = Address(addr_spec=address.strip())
    except (ValueError, IndexError, HeaderParseError):
        log.warning("Reply-To address %r is not usable; the mail is sent without one", address)
        return None
    return reply_to if reply_to.addr_spec == address.strip() else None


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


def send_email(email: EmailMessage, accepted: Callable[[], object] | None = None) -> None:
    """Hand one e-mail to the SMTP server; raises OSError or SMTPException on failure.

    ``accepted`` is called as soon as the server has taken the message, before the connection is
    closed: the outbox marks the mail sent at once, so that neither a slow goodbye from the server
    nor a worker stopped in that moment makes it go out again. A failure after that is ignored.
    """
    config = current_app.config
    context = ssl.create_default_context()
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"],
                                timeout=SMTP_TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT_SECONDS)
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=context)
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)
    except BaseException:
        smtp.close()
        raise
    try:
        if accepted is not None:
            accepted()
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def _print_for_demo(message: OutboxMessage) -> None:
    """In the demo no mail leaves the machine: it is printed and listed on /demo/mail."""
    rule = "-" * 72
    print(f"\n{rule}\nE-mail to {message.recipient}: {message.subject}\n{rule}\n"
          f"{message.body_text}\n{rule}", file=sys.stdout, flush=True)
