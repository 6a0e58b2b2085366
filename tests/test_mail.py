"""The outbox: mail is queued with the change it reports and delivered exactly once over SMTP.

Every test sends through a real SMTP server on loopback (aiosmtpd, see ``meetings.testing``).
"""

from __future__ import annotations

import logging
import socket
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import func, select, update

import meetings
from meetings.domain.auth import request_sign_in_link
from meetings.domain.mail import CLAIM_FOR, MAX_ATTEMPTS, queue_mail, send_due_mail
from meetings.extensions import db
from meetings.models import OutboxMessage, Person, utcnow
from meetings.testing import MailServer, html_part, text_part

SWEDISH_CATALOGUE = Path(__file__).resolve().parent.parent / "translations/sv/LC_MESSAGES/meetings.mo"


def queue(app, *recipients: str, locale: str = "en") -> list[int]:
    """Queue a sign-in mail to each recipient and commit, as a change that sends mail does."""
    with app.app_context():
        messages = [queue_mail("sign_in_link", recipient, "sign_in_link", locale=locale,
                               token=f"token-for-{recipient.split('@')[0]}", minutes=15)
                    for recipient in recipients]
        db.session.commit()
        return [message.id for message in messages]


def outbox(app) -> dict[str, OutboxMessage]:
    """Every outbox row by recipient, detached from the session."""
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage)).all()
        db.session.expunge_all()
        return {row.recipient: row for row in rows}


def send(app, now=None) -> int:
    with app.app_context():
        return send_due_mail(now=now)


def test_a_change_that_is_rolled_back_sends_no_mail(app, mail_server):
    with app.app_context():
        queue_mail("sign_in_link", "kept@example.org", "sign_in_link", locale="en",
                   link="http://localhost/sign-in/kept", minutes=15)
        db.session.commit()
        queue_mail("sign_in_link", "rolled-back@example.org", "sign_in_link", locale="en",
                   link="http://localhost/sign-in/rolled-back", minutes=15)
        db.session.rollback()

    assert send(app) == 1
    assert [m["To"] for m in mail_server.received] == ["kept@example.org"]
    assert list(outbox(app)) == ["kept@example.org"]


def test_sign_in_mail_has_text_and_html_in_the_recipients_language(app, mail_server):
    with app.app_context():
        db.session.add_all([Person(email="svensk@example.org", locale="sv"),
                            Person(email="english@example.org", locale="en")])
        db.session.commit()
    # Each asks from a browser in the other language: the person's own setting wins.
    with app.test_request_context("/"):
        request_sign_in_link("svensk@example.org", locale="en")
        request_sign_in_link("English@Example.org", locale="sv")
    send(app)

    swedish, = mail_server.messages_to("svensk@example.org")
    english, = mail_server.messages_to("english@example.org")
    for message in (swedish, english):
        link = next(word for word in text_part(message).split() if "/sign-in/" in word)
        assert link.startswith("http://localhost/sign-in/")
        assert f'href="{link}"' in html_part(message)
        assert message["From"].addresses[0].addr_spec == app.config["MAIL_FROM"]
        assert message["Subject"]
    assert '<html lang="sv">' in html_part(swedish)
    assert '<html lang="en">' in html_part(english)
    assert english["Subject"] == "Your sign-in link"
    # Not about a meeting: sent in the site's name, in the reader's language.
    assert english["From"].addresses[0].display_name == "Dialogue meetings"
    if SWEDISH_CATALOGUE.exists():  # compiled by the translators' workflow, not by this test
        assert swedish["Subject"] != english["Subject"]


def test_smtp_outage_loses_nothing_and_each_mail_arrives_once(app, mail_server):
    recipients = [f"person{i}@example.org" for i in range(3)]
    queue(app, *recipients)
    mail_server.stop()
    start = utcnow()

    assert send(app, now=start) == 0
    rows = outbox(app)
    assert sorted(rows) == recipients
    for row in rows.values():
        assert (row.attempts, row.sent_at, row.failed_at) == (1, None, None)
        assert row.last_error.startswith("ConnectionRefusedError")
        assert row.next_attempt_at == start + timedelta(minutes=1)

    # Not yet due: nobody tries, so the pause is kept.
    assert send(app, now=start + timedelta(seconds=30)) == 0
    assert {row.attempts for row in outbox(app).values()} == {1}

    # The next attempt fails too and the pause doubles.
    second = start + timedelta(minutes=1)
    assert send(app, now=second) == 0
    for row in outbox(app).values():
        assert row.attempts == 2
        assert row.next_attempt_at == second + timedelta(minutes=2)

    mail_server.start()  # back, on the same port
    assert send(app, now=second + timedelta(minutes=1)) == 0  # still pausing
    assert mail_server.received == []

    assert send(app, now=second + timedelta(minutes=2)) == 3
    assert sorted(m["To"] for m in mail_server.received) == recipients
    for row in outbox(app).values():
        assert row.sent_at is not None and row.attempts == 3 and row.last_error is None

    assert send(app, now=start + timedelta(days=1)) == 0
    assert send(app) == 0
    assert len(mail_server.received) == 3


def test_two_senders_at_once_deliver_each_mail_once(app, mail_server):
    recipients = [f"member{i}@example.org" for i in range(20)]
    queue(app, *recipients)
    together = threading.Barrier(2)
    delivered: list[int] = []
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            with app.app_context():
                together.wait(timeout=30)
                delivered.append(send_due_mail())
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sum(delivered) == 20
    assert sorted(m["To"] for m in mail_server.received) == sorted(recipients)
    assert len({m["Message-ID"] for m in mail_server.received}) == 20
    assert send(app, now=utcnow() + timedelta(days=1)) == 0


def test_a_message_that_never_goes_through_is_given_up_after_the_last_attempt(app, mail_server, caplog):
    queue(app, "unlucky@example.org")
    mail_server.stop()
    now = utcnow()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        row = outbox(app)["unlucky@example.org"]
        assert row.failed_at is None
        now = max(now, row.next_attempt_at)
        assert send(app, now=now) == 0
        assert outbox(app)["unlucky@example.org"].attempts == attempt

    row = outbox(app)["unlucky@example.org"]
    assert row.failed_at == now
    assert "Giving up on outbox message" in caplog.text

    mail_server.start()
    assert send(app, now=now + timedelta(days=365)) == 0
    assert mail_server.received == []
    assert outbox(app)["unlucky@example.org"].attempts == MAX_ATTEMPTS


def test_a_mail_sent_again_after_a_crash_keeps_its_message_id(app, mail_server):
    queue(app, "first@example.org", "second@example.org")
    assert send(app) == 2
    with app.app_context():
        # As if the worker had died after the SMTP server accepted the mail but before the row
        # was marked as sent: the row is still claimed, and is sent again once the claim runs out.
        db.session.execute(update(OutboxMessage).where(OutboxMessage.recipient == "first@example.org")
                           .values(sent_at=None, claimed_until=utcnow() + CLAIM_FOR))
        db.session.commit()
    assert send(app) == 0
    assert send(app, now=utcnow() + CLAIM_FOR + timedelta(seconds=1)) == 1

    first, again = mail_server.messages_to("first@example.org")
    second, = mail_server.messages_to("second@example.org")
    assert first["Message-ID"] == again["Message-ID"]
    assert first["Message-ID"] != second["Message-ID"]
    assert first["Message-ID"].endswith("@localhost>")


class _Authenticator:
    """Accepts one user name and password; remembers what it was given."""

    def __init__(self, user: str, password: str):
        self.expected = LoginPassword(user.encode(), password.encode())
        self.given: list[LoginPassword] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        self.given.append(auth_data)
        return AuthResult(success=auth_data == self.expected, handled=False)


@pytest.fixture
def smtp_with_login(app):
    """An SMTP server that wants a user name and password (AUTH without TLS, on loopback)."""
    authenticator = _Authenticator("mailer", "correct horse battery staple")
    server = MailServer()
    with socket.socket() as probe:
        probe.bind((server.host, 0))
        port = probe.getsockname()[1]
    controller = Controller(server, hostname=server.host, port=port, authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    app.config.update(MAIL_SERVER=server.host, MAIL_PORT=port, MAIL_USERNAME="mailer")
    yield server, authenticator
    controller.stop()


def test_the_smtp_password_never_appears_in_logs_or_errors(app, smtp_with_login, caplog, capfd):
    server, authenticator = smtp_with_login
    caplog.set_level(logging.DEBUG)
    wrong = "wrong-Pa55word-that-must-stay-secret"
    app.config["MAIL_PASSWORD"] = wrong
    queue(app, "guarded@example.org")

    assert send(app) == 0
    row = outbox(app)["guarded@example.org"]
    assert row.attempts == 1 and row.sent_at is None
    assert row.last_error.startswith("SMTPAuthenticationError")
    assert authenticator.given and all(given.password == wrong.encode() for given in authenticator.given)
    assert "not sent" in caplog.text
    output = capfd.readouterr()
    for text in (caplog.text, row.last_error, output.out, output.err):
        assert wrong not in text

    app.config["MAIL_PASSWORD"] = "correct horse battery staple"
    assert send(app, now=row.next_attempt_at) == 1
    assert [m["To"] for m in server.received] == ["guarded@example.org"]
    for text in (caplog.text, *capfd.readouterr()):
        assert "correct horse battery staple" not in text


def test_a_mail_that_cannot_be_built_does_not_hold_up_the_others(app, mail_server):
    class BrokenAttachment:
        @meetings.hookimpl
        def mail_attachments(self, kind, recipient):
            if recipient == "broken@example.org":
                return [{"filename": "x.ics", "content_type": "text/calendar"}]  # no content
            return None

    app.extensions["meetings.plugins"].register(BrokenAttachment())
    queue(app, "broken@example.org", "fine@example.org")

    assert send(app) == 1
    assert [m["To"] for m in mail_server.received] == ["fine@example.org"]
    broken = outbox(app)["broken@example.org"]
    assert broken.sent_at is None and broken.failed_at is None and broken.attempts == 1
    assert broken.last_error.startswith("KeyError")


def test_calendar_attachment_keeps_its_method(make_app):
    class Invitations:
        @meetings.hookimpl
        def mail_attachments(self, kind):
            return [{"filename": "invitation.ics", "content_type": "text/calendar; method=REQUEST",
                     "content": "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"}]

    server = MailServer()
    server.start()
    try:
        app = make_app(plugins=[Invitations()], MAIL_PORT=server.port)
        queue(app, "guest@example.org")
        assert send(app) == 1
    finally:
        server.stop()

    message, = server.received
    attachment, = message.iter_attachments()
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_filename() == "invitation.ics"
    assert "METHOD:REQUEST" in attachment.get_content()
    assert text_part(message) and html_part(message)


def test_demo_mail_is_printed_and_never_sent(app, mail_server, capsys):
    app.config["MAIL_BACKEND"] = "demo"
    queue(app, "demo@example.org")

    assert send(app) == 1
    assert mail_server.received == []
    printed = capsys.readouterr().out
    assert "E-mail to demo@example.org: Your sign-in link" in printed
    assert "http://localhost/sign-in/token-for-demo" in printed
    assert outbox(app)["demo@example.org"].sent_at is not None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_mail_queued_by_a_background_job_is_in_the_recipients_language(app, mail_server):
    # No request here, as in the worker: the recipient's language still decides, and a language
    # the service does not offer falls back to the default one.
    queue(app, "sv@example.org", locale="sv")
    queue(app, "en@example.org", locale="en")
    queue(app, "de@example.org", locale="de")
    assert send(app) == 3

    languages = {m["To"]: html_part(m).split('<html lang="')[1].split('"')[0] for m in mail_server.received}
    assert languages == {"sv@example.org": "sv", "en@example.org": "en",
                         "de@example.org": app.config["DEFAULT_LOCALE"]}
