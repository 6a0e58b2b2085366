"""python -m bench.faults: the faults of issue 11, tried as real users and a real operator would, on
SQLite and PostgreSQL; prints one line per scenario (requests, confirmed / capacity, oversold, lost,
duplicates, 5xx).

Scenarios, each against the app under gunicorn (gthread) on loopback, with the real forms:

double-press burst
    ``--people`` people press "Register" twice at the same moment (two POSTs each, same session
    and form) for a meeting with ``--capacity`` seats.
switch and cancel
    On a hybrid meeting where everyone registered on site (the first ``--capacity`` confirmed,
    the rest waiting), at the same moment and each pressed twice: a quarter cancel, a quarter
    change to online (``--capacity`` / 2 online places), a quarter who had cancelled register again;
    the last quarter does nothing.
slow SMTP, two workers
    ``--mails`` mails queued; an SMTP server on loopback (aiosmtpd) that answers each recipient
    after ``--smtp-delay`` seconds; two ``flask meetings worker`` processes whose claim
    (``OUTBOX_CLAIM_SECONDS``) is shorter than the whole batch but longer than one send.
killed worker
    The same, but the first worker is killed with SIGKILL at a random moment during the send after
    a third of the mail has arrived; a second worker, started afterwards, takes over once the dead
    worker's claim has run out.

Columns: ``requests`` sent (or mails queued); ``confirmed / capacity`` on site (and online);
``oversold`` seats confirmed beyond a capacity, or counted in the meeting's counter beyond the
confirmed rows; ``lost`` people whose registration is not what they pressed for, seats free while
someone waits, or mails never delivered; ``duplicates`` registrations held twice (counter above
rows, two rows for one person) or mails delivered more than once; ``5xx`` server errors.

The PostgreSQL database (``BENCH_FAULTS_URL``, default postgresql://postgres@127.0.0.1:5432/bench_faults;
its name must contain "bench") is dropped and created again; ``--no-postgres`` skips it. SQLite runs
on a temporary file. Bounded: every wait has a deadline; only loopback addresses are used.
No figure is asserted: bench/README.md has the figures of one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .registrations import (
    CSRF_FIELD,
    ROOT,
    _psycopg,
    free_port,
    recreate_database,
    request,
    server_environment,
    start_gunicorn,
    upgrade_schema,
)

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_faults"


@dataclass
class Line:
    database: str
    scenario: str
    requests: int
    confirmed: str
    oversold: int
    lost: int
    duplicates: int
    errors: int | None  # None: no web requests in this scenario

    def __str__(self) -> str:
        five = "-" if self.errors is None else str(self.errors)
        return (f"{self.database:<10} {self.scenario:<24} {self.requests:>8} {self.confirmed:>20} "
                f"{self.oversold:>8} {self.lost:>5} {self.duplicates:>10} {five:>4}")


HEADER = (f"{'database':<10} {'scenario':<24} {'requests':>8} {'confirmed / capacity':>20} "
          f"{'oversold':>8} {'lost':>5} {'duplicates':>10} {'5xx':>4}")


# --- the app and its data ---------------------------------------------------------------------

def make_app(url: str, secret_key: str, **config):
    from meetings import create_app

    return create_app({"MEETINGS_ENV": "production", "SECRET_KEY": secret_key, "DATABASE_URL": _psycopg(url),
                       "BASE_URL": "http://127.0.0.1", **config})


def seed(app, people: int, capacity: int) -> dict:
    """Two meetings (on site; hybrid) and their people; the hybrid one already has its registrations."""
    from meetings.domain.registration import cancel, register
    from meetings.extensions import db
    from meetings.models import (
        Forum,
        Meeting,
        MeetingFormat,
        MeetingStatus,
        Organisation,
        OrganisationKind,
        ParticipationMode,
        Person,
        Registration,
        utcnow,
    )

    with app.app_context():
        region = Organisation(name="Region Norrbotten", kind=OrganisationKind.PUBLIC_BODY)
        forum = Forum(slug="motesplats", name="Årlig mötesplats", organiser=region)
        start = utcnow() + timedelta(days=14)
        common = {"forum": forum, "starts_at": start, "ends_at": start + timedelta(hours=6),
                  "venue_name": "Kulturens hus", "status": MeetingStatus.PUBLISHED, "published_at": utcnow()}
        burst_meeting = Meeting(title="Mötesplats Norrbotten", format=MeetingFormat.ON_SITE, capacity=capacity,
                                **common)
        hybrid = Meeting(title="Dialogmöte om folkhälsa", format=MeetingFormat.HYBRID, capacity=capacity,
                         online_capacity=capacity // 2, online_url="https://meet.example.org/folkhalsa", **common)
        burst_people = [Person(email=f"deltagare{n}@example.org", name=f"Deltagare {n}", locale="sv")
                        for n in range(people)]
        hybrid_people = [Person(email=f"halsa{n}@example.org", name=f"Hälsa {n}", locale="sv")
                         for n in range(people)]
        db.session.add_all([burst_meeting, hybrid, *burst_people, *hybrid_people])
        db.session.commit()
        for person in hybrid_people:
            register(hybrid, person, ParticipationMode.ON_SITE, notify=False)
        quarter = people // 4
        groups = {"cancel": [p.id for p in hybrid_people[:quarter]],
                  "switch": [p.id for p in hybrid_people[quarter:2 * quarter]],
                  "again": [p.id for p in hybrid_people[2 * quarter:3 * quarter]],
                  "still": [p.id for p in hybrid_people[3 * quarter:]]}
        for person_id in groups["again"]:
            cancel(db.session.scalar(db.select(Registration).where(
                Registration.meeting_id == hybrid.id, Registration.person_id == person_id)))
        serializer = app.session_interface.get_signing_serializer(app)
        cookies = {p.id: serializer.dumps({"person_id": p.id, "_permanent": True})
                   for p in [*burst_people, *hybrid_people]}
        result = {"burst_meeting": burst_meeting.id, "hybrid": hybrid.id,
                  "burst_people": [p.id for p in burst_people], "groups": groups, "cookies": cookies}
        db.session.execute(text("DELETE FROM outbox_message"))  # the registrations' mail is not this bench's
        db.session.commit()
        db.session.remove()
    return result


def csrf_tokens(port: int, path: str, person_ids: list[int], cookies: dict[int, str]) -> dict[int, tuple[str, str]]:
    """Each person opens a page of theirs: the form's CSRF token and their session cookie."""
    def open_page(person_id: int) -> tuple[int, tuple[str, str]]:
        status, body, new_cookie, _ = request(port, "GET", path, cookies[person_id])
        match = CSRF_FIELD.search(body)
        if status != 200 or match is None:
            raise SystemExit(f"{path} answered {status} for person {person_id}")
        return person_id, (match.group(1), new_cookie or cookies[person_id])

    with ThreadPoolExecutor(max_workers=16) as pool:
        return dict(pool.map(open_page, person_ids))


def press_all_at_once(port: int, presses: list[tuple[str, str, dict]]) -> list[int]:
    """Every (path, cookie, form) POSTed at the same moment, each on its own connection; the statuses."""
    ready = threading.Barrier(len(presses) + 1)

    def press(path: str, cookie: str, form: dict) -> int:
        ready.wait()
        return request(port, "POST", path, cookie, form)[0]

    with ThreadPoolExecutor(max_workers=len(presses)) as pool:
        futures = [pool.submit(press, *p) for p in presses]
        ready.wait()
        return [future.result() for future in futures]


def meeting_facts(engine, meeting_id: int) -> dict:
    with engine.connect() as connection:
        meeting = connection.execute(text(
            "SELECT capacity, online_capacity, confirmed_on_site, confirmed_online FROM meeting WHERE id = :m"),
            {"m": meeting_id}).one()
        rows = connection.execute(text(
            "SELECT person_id, status, mode FROM registration WHERE meeting_id = :m"), {"m": meeting_id}).all()
    confirmed = Counter(r.mode for r in rows if r.status == "confirmed")
    waiting = Counter(r.mode for r in rows if r.status == "waiting")
    per_person = Counter(r.person_id for r in rows)
    oversold = (max(confirmed["on_site"] - meeting.capacity, 0)
                + max(confirmed["online"] - (meeting.online_capacity or 10**9), 0)
                + max(meeting.confirmed_on_site - confirmed["on_site"], 0)
                + max(meeting.confirmed_online - confirmed["online"], 0))
    duplicates = (max(meeting.confirmed_on_site - confirmed["on_site"], 0)
                  + max(meeting.confirmed_online - confirmed["online"], 0)
                  + sum(n - 1 for n in per_person.values() if n > 1))
    idle = 0  # seats left free while someone waits for them
    if waiting["on_site"]:
        idle += max(meeting.capacity - confirmed["on_site"], 0)
    if waiting["online"] and meeting.online_capacity is not None:
        idle += max(meeting.online_capacity - confirmed["online"], 0)
    return {"meeting": meeting, "rows": rows, "confirmed": confirmed, "oversold": oversold,
            "duplicates": duplicates, "idle": idle}


# --- the registration scenarios ---------------------------------------------------------------

def double_press_burst(port: int, engine, data: dict, capacity: int) -> Line:
    meeting_id, people = data["burst_meeting"], data["burst_people"]
    path = f"/meetings/{meeting_id}/register"
    forms = csrf_tokens(port, path, people, data["cookies"])
    presses = []
    for person_id in people:
        token, cookie = forms[person_id]
        form = {"csrf_token": token, "mode": "on_site", "organisation": "", "dietary_needs": "", "access_needs": ""}
        presses += [(path, cookie, form), (path, cookie, form)]
    statuses = press_all_at_once(port, presses)
    facts = meeting_facts(engine, meeting_id)
    registered = {r.person_id for r in facts["rows"] if r.status in ("confirmed", "waiting")}
    lost = len(set(people) - registered) + facts["idle"]
    return Line("", "double-press burst", len(presses), f"{facts['confirmed']['on_site']} / {capacity}",
                facts["oversold"], lost, facts["duplicates"], sum(s >= 500 for s in statuses))


def switch_and_cancel(port: int, engine, data: dict, capacity: int) -> Line:
    meeting_id, groups = data["hybrid"], data["groups"]
    mine, register_path = f"/meetings/{meeting_id}/my-registration", f"/meetings/{meeting_id}/register"
    active = groups["cancel"] + groups["switch"] + groups["still"]
    forms = {**csrf_tokens(port, mine, active, data["cookies"]),
             **csrf_tokens(port, register_path, groups["again"], data["cookies"])}
    presses = []
    for person_id in groups["cancel"]:
        token, cookie = forms[person_id]
        presses += [(mine, cookie, {"cancel-csrf_token": token, "cancel-submit": "1"})] * 2
    for person_id in groups["switch"]:
        token, cookie = forms[person_id]
        presses += [(mine, cookie, {"mode-csrf_token": token, "mode-mode": "online", "mode-submit": "1"})] * 2
    for person_id in groups["again"]:
        token, cookie = forms[person_id]
        presses += [(register_path, cookie, {"csrf_token": token, "mode": "on_site", "organisation": "",
                                             "dietary_needs": "", "access_needs": ""})] * 2
    statuses = press_all_at_once(port, presses)
    facts = meeting_facts(engine, meeting_id)
    state = {r.person_id: (r.status, r.mode) for r in facts["rows"]}
    lost = facts["idle"]
    lost += sum(1 for p in groups["cancel"] if state[p][0] != "cancelled")
    lost += sum(1 for p in groups["switch"] if state[p] not in (("confirmed", "online"), ("waiting", "online")))
    lost += sum(1 for p in groups["again"] + groups["still"] if state[p][0] not in ("confirmed", "waiting"))
    for group, expected in (("cancel", "cancelled"), ("switch", "online"), ("again", "active"),
                            ("still", "active")):
        wrong = [(p, state[p]) for p in groups[group]
                 if (expected == "cancelled" and state[p][0] != "cancelled")
                 or (expected == "online" and state[p][1] != "online")
                 or (expected == "active" and state[p][0] == "cancelled")]
        for person_id, (status, mode) in wrong[:5]:
            print(f"  lost: person {person_id} ({group}) is {status}, {mode}", flush=True)
    answers = Counter(statuses)
    print(f"  answers: {dict(sorted(answers.items()))}", flush=True)
    confirmed = facts["confirmed"]
    return Line("", "switch and cancel", len(presses),
                f"{confirmed['on_site']} / {capacity} + {confirmed['online']} / {capacity // 2}",
                facts["oversold"], lost, facts["duplicates"], sum(s >= 500 for s in statuses))


# --- the mail scenarios -----------------------------------------------------------------------

class SlowSMTP:
    """aiosmtpd on loopback that answers each recipient after a pause, and keeps what it receives."""

    def __init__(self, delay: float):
        self.delay = delay
        self.received: list[str] = []  # Message-IDs
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        import email

        message = email.message_from_bytes(envelope.original_content)
        with self.lock:
            self.received.append(message["Message-ID"])
        return "250 Message accepted for delivery"

    def __enter__(self) -> SlowSMTP:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def count(self) -> int:
        with self.lock:
            return len(self.received)


def queue_mails(app, count: int, prefix: str) -> None:
    from meetings.domain.mail import queue_mail
    from meetings.extensions import db

    with app.app_context():
        db.session.execute(text("DELETE FROM outbox_attempt"))
        db.session.execute(text("DELETE FROM outbox_message"))
        for n in range(count):
            queue_mail("sign_in_link", f"{prefix}{n}@example.org", "sign_in_link", locale="sv",
                       token=secrets.token_urlsafe(16), minutes=15)
        db.session.commit()
        db.session.remove()


def start_worker(environment: dict[str, str]) -> subprocess.Popen:
    flask = Path(sys.executable).with_name("flask")
    return subprocess.Popen([str(flask), "--app", "wsgi", "meetings", "worker"], cwd=ROOT, env=environment,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def unsent(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM outbox_message WHERE sent_at IS NULL")).scalar_one()


def wait_until(condition, deadline_seconds: float) -> bool:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def mail_line(name: str, mails: int, smtp: SlowSMTP) -> Line:
    counts = Counter(smtp.received)
    lost = mails - len(counts)
    return Line("", name, mails, "-", 0, lost, sum(n - 1 for n in counts.values()), None)


def slow_smtp_two_workers(app, environment: dict[str, str], engine, mails: int, delay: float) -> Line:
    queue_mails(app, mails, "slow")
    with SlowSMTP(delay) as smtp:
        env = {**environment, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port),
               "OUTBOX_INTERVAL_SECONDS": "1", "OUTBOX_CLAIM_SECONDS": str(max(2, int(delay * 10)))}
        workers = [start_worker(env)]
        wait_until(lambda: smtp.count() >= 1, 60)
        workers.append(start_worker(env))  # the second starts while the first is busy
        wait_until(lambda: unsent(engine) == 0, 60 + mails * delay * 2)
        time.sleep(2)  # a late duplicate would arrive now
        for worker in workers:
            stop(worker)
        return mail_line("slow SMTP, two workers", mails, smtp)


def killed_worker(app, environment: dict[str, str], engine, mails: int, delay: float) -> Line:
    queue_mails(app, mails, "killed")
    with SlowSMTP(delay) as smtp:
        claim = max(2, int(delay * 10))
        env = {**environment, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port),
               "OUTBOX_INTERVAL_SECONDS": "1", "OUTBOX_CLAIM_SECONDS": str(claim)}
        first = start_worker(env)
        wait_until(lambda: smtp.count() >= mails // 3, 60 + mails * delay)
        # At a moment of its own within the next send, not the instant the server took a mail
        # (which would aim at the one window SMTP leaves open; see bench/README.md).
        time.sleep(random.uniform(0, delay))
        first.send_signal(signal.SIGKILL)
        first.wait()
        second = start_worker(env)
        wait_until(lambda: unsent(engine) == 0, 60 + claim + mails * delay * 2)
        time.sleep(2)
        stop(second)
        return mail_line("killed worker", mails, smtp)


# --- running it -------------------------------------------------------------------------------

def run_database(label: str, url: str, args: argparse.Namespace) -> list[Line]:
    secret_key = secrets.token_hex(32)
    port = free_port()
    environment = server_environment(_psycopg(url), secret_key, port)
    upgrade_schema(environment)
    app = make_app(url, secret_key)
    data = seed(app, args.people, args.capacity)
    engine = create_engine(_psycopg(url))
    lines = []
    print(f"[{label}] starting gunicorn on port {port}", flush=True)
    server = start_gunicorn(environment, port, args.workers, args.threads)
    try:
        print(f"[{label}] double-press burst", flush=True)
        lines.append(double_press_burst(port, engine, data, args.capacity))
        print(f"[{label}] switch and cancel", flush=True)
        lines.append(switch_and_cancel(port, engine, data, args.capacity))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"[{label}] slow SMTP, two workers", flush=True)
    lines.append(slow_smtp_two_workers(app, environment, engine, args.mails, args.smtp_delay))
    print(f"[{label}] killed worker", flush=True)
    lines.append(killed_worker(app, environment, engine, args.mails, args.smtp_delay))
    engine.dispose()
    for line in lines:
        line.database = label
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200, help="people per meeting (default 200)")
    parser.add_argument("--capacity", type=int, default=50, help="seats on site (default 50; online: half)")
    parser.add_argument("--mails", type=int, default=40, help="mails per mail scenario (default 40)")
    parser.add_argument("--smtp-delay", type=float, default=0.25, help="seconds per recipient (default 0.25)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (default 8)")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)

    lines: list[Line] = []
    with tempfile.TemporaryDirectory(prefix="bench-faults-") as folder:
        lines += run_database("SQLite", f"sqlite:///{Path(folder) / 'faults.sqlite3'}", args)
    if not args.no_postgres:
        url = os.environ.get("BENCH_FAULTS_URL", DEFAULT_URL)
        print(f"Database {make_url(url).render_as_string()}: creating", flush=True)
        recreate_database(url)
        lines += run_database("PostgreSQL", url, args)
    print()
    print(HEADER)
    for line in lines:
        print(line)
    clean = all(line.oversold == 0 and line.lost == 0 and line.duplicates == 0 and not line.errors for line in lines)
    print(f"\n{'0 oversold, 0 lost, 0 duplicates, 0 5xx in every scenario.' if clean else 'FAULTS FOUND.'}")
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
