"""Mail exactly once as far as SMTP allows: a slow server and two workers, a worker that died while
sending, and mail that keeps failing, which admins see, retry and are told about."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

from sqlalchemy import select, update

from meetings.domain.mail import MAX_ATTEMPTS, alert_failing_mail, send_due_mail
from meetings.extensions import db
from meetings.models import OutboxAttempt, OutboxMessage, Person, utcnow
from meetings.testing import MailServer, csrf_token, sign_in, text_part
from tests.test_mail import outbox, queue, send


class SlowMailServer(MailServer):
    """An SMTP server that takes its time over every message, as a busy relay does."""

    seconds_per_message: float = 0.3

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        await asyncio.sleep(self.seconds_per_message)
        return await super().handle_DATA(server, session, envelope)


def slow_server(app) -> SlowMailServer:
    server = SlowMailServer()
    server.start()
    app.config.update(MAIL_SERVER=server.host, MAIL_PORT=server.port, MAIL_BACKEND="smtp")
    return server


def test_a_slow_server_and_a_second_worker_send_each_mail_once(make_app):
    # Each claim lasts 2 s, the whole batch takes over 3 s: a claim counted from the start of the
    # batch would have run out for the later mails while the first worker was still sending.
    app = make_app(OUTBOX_CLAIM_SECONDS=2)
    server = slow_server(app)
    try:
        recipients = [f"member{i}@example.org" for i in range(12)]
        queue(app, *recipients)
        first_sent = threading.Event()
        delivered: list[int] = []
        errors: list[BaseException] = []

        def worker(wait_for_first: bool) -> None:
            try:
                if wait_for_first:
                    assert first_sent.wait(timeout=60)
                with app.app_context():
                    delivered.append(send_due_mail())
            except BaseException as exc:  # noqa: BLE001 - reported in the test's thread
                errors.append(exc)

        first = threading.Thread(target=worker, args=(False,))
        second = threading.Thread(target=worker, args=(True,))
        first.start()
        second.start()
        while first.is_alive() and not server.received:
            first.join(timeout=0.05)
        first_sent.set()
        first.join(timeout=120)
        second.join(timeout=120)

        assert errors == []
        assert sum(delivered) == 12
        assert sorted(m["To"] for m in server.received) == sorted(recipients)
        rows = outbox(app)
        assert {row.attempts for row in rows.values()} == {1}  # what the outbox says is what happened
        with app.app_context():
            tries = db.session.scalars(select(OutboxAttempt)).all()
            assert len(tries) == 12 and all(t.finished_at and t.error is None for t in tries)
    finally:
        server.stop()


def test_mail_of_a_worker_that_died_while_sending_is_listed_then_sent_by_another(app, mail_server):
    (message_id,) = queue(app, "waiting@example.org")
    died_at = utcnow()
    with app.app_context():  # what a worker killed in the middle of sending leaves behind
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                           .values(claimed_until=died_at + timedelta(minutes=5), claim_token="a" * 32, attempts=1))
        db.session.add(OutboxAttempt(message_id=message_id, worker="other-host:4711", started_at=died_at))
        db.session.commit()

    later = died_at + timedelta(minutes=6)
    listing = app.test_cli_runner().invoke(args=["meetings", "outbox"])
    assert "waiting@example.org" not in listing.output  # still within the dead worker's claim
    assert send(app, now=died_at + timedelta(minutes=1)) == 0
    with app.app_context():
        from meetings.domain.mail import mail_needing_attention
        assert [m.recipient for m in mail_needing_attention(later)] == ["waiting@example.org"]

    assert send(app, now=later) == 1
    assert [m["To"] for m in mail_server.received] == ["waiting@example.org"]
    row = outbox(app)["waiting@example.org"]
    assert row.sent_at is not None and row.attempts == 2  # the outbox shows it may have gone twice
    with app.app_context():
        workers = db.session.scalars(select(OutboxAttempt.worker).order_by(OutboxAttempt.id)).all()
    assert workers[0] == "other-host:4711" and len(workers) == 2


def fail_for_good(app, mail_server) -> None:
    mail_server.stop()
    now = utcnow()
    for _ in range(MAX_ATTEMPTS):
        now = max(now, outbox(app)["unlucky@example.org"].next_attempt_at)
        send(app, now=now)
    assert outbox(app)["unlucky@example.org"].failed_at is not None


def test_failed_mail_is_listed_for_the_admin_and_sent_when_retried(app, client, mail_server):
    with app.app_context():
        admin = Person(email="maja@region.example", name="Maja Lindqvist", locale="en", is_admin=True)
        someone = Person(email="someone@example.org", name="Someone", locale="en")
        db.session.add_all([admin, someone])
        db.session.commit()
        admin_id, someone_id = admin.id, someone.id
    queue(app, "unlucky@example.org")
    fail_for_good(app, mail_server)

    sign_in(client, someone_id)
    assert client.get("/admin/outbox").status_code == 403
    sign_in(client, admin_id)
    page = client.get("/admin/outbox", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "unlucky@example.org" in html and "Given up" in html and "ConnectionRefusedError" in html
    assert "token-for-unlucky" not in html  # the mail's body (a sign-in link) is never shown

    listing = app.test_cli_runner().invoke(args=["meetings", "outbox"])
    assert "unlucky@example.org" in listing.output and "failed" in listing.output

    mail_server.start()
    (message_id,) = [row.id for row in outbox(app).values()]
    answer = client.post(f"/admin/outbox/{message_id}/retry", data={"csrf_token": csrf_token(html)},
                         headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "1 e-mail will be tried again shortly." in answer.get_data(as_text=True)
    assert send(app) == 1
    assert [m["To"] for m in mail_server.received] == ["unlucky@example.org"]
    assert "All e-mail has been sent" in client.get("/admin/outbox", headers={"Accept-Language": "en"}).get_data(
        as_text=True)


def test_the_command_retries_failed_mail(app, mail_server):
    queue(app, "unlucky@example.org")
    fail_for_good(app, mail_server)
    mail_server.start()
    result = app.test_cli_runner().invoke(args=["meetings", "outbox", "--retry-all"])
    assert result.exit_code == 0 and "1 message(s)" in result.output
    assert send(app) == 1
    assert "All e-mail has been sent" in app.test_cli_runner().invoke(args=["meetings", "outbox"]).output


def test_admins_are_told_once_when_mail_has_failed_for_an_hour(app, mail_server):
    with app.app_context():
        db.session.add(Person(email="maja@region.example", name="Maja Lindqvist", locale="sv", is_admin=True))
        db.session.commit()
    queue(app, "unlucky@example.org")
    mail_server.stop()
    start = utcnow()
    send(app, now=start)

    with app.app_context():
        assert alert_failing_mail(start + timedelta(minutes=30)) == 0
        assert alert_failing_mail(start + timedelta(minutes=61)) == 1
        assert alert_failing_mail(start + timedelta(minutes=90)) == 0  # told once

    mail_server.start()
    send(app, now=start + timedelta(hours=2))
    alerts = mail_server.messages_to("maja@region.example")
    assert len(alerts) == 1
    assert "1 meddelande har inte skickats på över en timme" in alerts[0]["Subject"]
    assert "http://localhost/admin/outbox" in text_part(alerts[0])
    assert len(mail_server.messages_to("unlucky@example.org")) == 1
