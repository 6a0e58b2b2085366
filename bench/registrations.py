"""python -m bench.registrations: a burst of simultaneous registrations against the app under gunicorn
with PostgreSQL; prints registrations per second, p50 and p99 latency, and checks that no seat was oversold.

What it does:

1. (Re)creates the database (default postgresql://postgres@127.0.0.1:5432/bench_registrations, or
   BENCH_REGISTRATIONS_URL; its name must contain "bench") and builds the schema with ``flask meetings upgrade``.
2. Adds a published meeting with ``--capacity`` seats (default 100) and ``--people`` people (default 500).
3. Starts gunicorn (``--workers`` processes of ``--threads`` threads, gthread) on a free loopback port.
4. Signs every person in by making their session cookie with the app's SECRET_KEY, exactly as Flask
   would after they followed their e-mailed sign-in link. (Following 500 sign-in links from one
   address would hit the sign-in rate limit, which is there to stop exactly that.)
5. Each person opens the registration form (for its CSRF token), untimed; then all of them press
   "Register" at the same moment, each on a connection of their own, and each request is timed.
6. Checks in the database: confirmed == capacity, waiting == people - capacity, none lost, every
   answer a redirect to the registration's page, the meeting's seat counter equal to the confirmed rows.

No figure is asserted: the benchmark prints them (bench/README.md has the figures of one run).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_registrations"
COOKIE_NAME = "meetings_session"
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Attempt:
    person_id: int
    status: int
    seconds: float
    location: str


@dataclass(frozen=True)
class Outcome:
    confirmed: int
    waiting: int
    cancelled: int
    registrations: int
    counter: int
    waiting_in_order: bool


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def recreate_database(url: str) -> None:
    database = make_url(url).database or ""
    if "bench" not in database:
        raise SystemExit(f"The database name {database!r} does not contain 'bench'; it would be replaced.")
    server = create_engine(_psycopg(make_url(url).set(database="postgres").render_as_string(False)),
                           isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    server.dispose()


def server_environment(url: str, secret_key: str, port: int) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secret_key, "MEETINGS_ENV": "production",
            "BASE_URL": f"http://127.0.0.1:{port}", "RATELIMIT_STORAGE_URI": "memory://",
            "RUN_SCHEDULER": "false", "MAIL_BACKEND": "smtp"}


def upgrade_schema(environment: dict[str, str]) -> None:
    flask = Path(sys.executable).with_name("flask")
    done = subprocess.run([str(flask), "--app", "wsgi", "meetings", "upgrade"], cwd=ROOT, env=environment,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"flask meetings upgrade failed:\n{done.stdout}{done.stderr}")


def seed(url: str, secret_key: str, people: int, capacity: int) -> tuple[int, dict[int, str]]:
    """The meeting and the people; returns the meeting's id and each person's signed session cookie."""
    from meetings import create_app
    from meetings.extensions import db
    from meetings.models import (
        Forum,
        Meeting,
        MeetingFormat,
        MeetingStatus,
        Organisation,
        OrganisationKind,
        Person,
        utcnow,
    )

    app = create_app({"MEETINGS_ENV": "production", "SECRET_KEY": secret_key, "DATABASE_URL": _psycopg(url)})
    with app.app_context():
        region = Organisation(name="Region Norrbotten", kind=OrganisationKind.PUBLIC_BODY)
        forum = Forum(slug="motesplats", name="Årlig mötesplats", organiser=region)
        start = utcnow() + timedelta(days=14)
        meeting = Meeting(forum=forum, title="Mötesplats Norrbotten", starts_at=start,
                          ends_at=start + timedelta(hours=6), format=MeetingFormat.ON_SITE,
                          venue_name="Kulturens hus", capacity=capacity, status=MeetingStatus.PUBLISHED,
                          published_at=utcnow())
        persons = [Person(email=f"deltagare{n}@example.org", name=f"Deltagare {n}", locale="sv")
                   for n in range(people)]
        db.session.add_all([meeting, *persons])
        db.session.commit()
        # The cookie Flask sets when someone follows their sign-in link (meetings.auth.sign_in).
        serializer = app.session_interface.get_signing_serializer(app)
        cookies = {p.id: serializer.dumps({"person_id": p.id, "_permanent": True}) for p in persons}
        meeting_id = meeting.id
        db.session.remove()
        db.engine.dispose()
    return meeting_id, cookies


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(environment: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        raise SystemExit("gunicorn is not installed: pip install -e '.[server]'")
    process = subprocess.Popen(
        [str(gunicorn), "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
         "--bind", f"127.0.0.1:{port}", "--backlog", "2048", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=environment)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (exit code {process.returncode})")
        try:
            if request(port, "GET", "/")[0] == 200:
                return process
        except OSError:
            pass  # not listening yet
        time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not answer within 60 seconds")


def request(port: int, method: str, path: str, cookie: str | None = None, form: dict | None = None
            ) -> tuple[int, str, str | None, str]:
    """One request on a new connection: (status, body, new session cookie, Location)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    headers = {"Accept-Language": "sv"}
    if cookie:
        headers["Cookie"] = f"{COOKIE_NAME}={cookie}"
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read().decode("utf-8", "replace")
        new_cookie = None
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith(f"{COOKIE_NAME}="):
                new_cookie = value.split(";", 1)[0].split("=", 1)[1]
        return response.status, content, new_cookie, response.getheader("Location") or ""
    finally:
        connection.close()


def open_forms(port: int, meeting_id: int, cookies: dict[int, str]) -> dict[int, tuple[str, str]]:
    """Each person opens the form: their CSRF token and their session cookie (which now holds its secret)."""
    def open_form(person_id: int) -> tuple[int, tuple[str, str]]:
        status, body, new_cookie, _ = request(port, "GET", f"/meetings/{meeting_id}/register", cookies[person_id])
        match = CSRF_FIELD.search(body)
        if status != 200 or match is None:
            raise SystemExit(f"the registration form answered {status} for person {person_id}")
        return person_id, (match.group(1), new_cookie or cookies[person_id])

    with ThreadPoolExecutor(max_workers=16) as pool:
        return dict(pool.map(open_form, cookies))


def burst(port: int, meeting_id: int, forms: dict[int, tuple[str, str]]) -> tuple[list[Attempt], float]:
    """Everyone presses "Register" at the same moment; returns each attempt and the burst's wall time."""
    ready = threading.Barrier(len(forms) + 1)
    path = f"/meetings/{meeting_id}/register"

    def register(person_id: int) -> Attempt:
        token, cookie = forms[person_id]
        # What the browser sends: these people represent no organisation, so the page has no such field.
        form = {"csrf_token": token, "mode": "on_site", "dietary_needs": "", "access_needs": ""}
        ready.wait()
        started = time.perf_counter()
        status, _, _, location = request(port, "POST", path, cookie, form)
        return Attempt(person_id, status, time.perf_counter() - started, location)

    with ThreadPoolExecutor(max_workers=len(forms)) as pool:
        futures = [pool.submit(register, person_id) for person_id in forms]
        ready.wait()
        started = time.perf_counter()
        attempts = [future.result() for future in futures]
        wall = time.perf_counter() - started
    return attempts, wall


def check(url: str, meeting_id: int) -> Outcome:
    engine = create_engine(_psycopg(url))
    with engine.connect() as connection:
        counts = dict(connection.execute(
            text("SELECT status, count(*) FROM registration WHERE meeting_id = :m GROUP BY status"),
            {"m": meeting_id}).all())
        counter = connection.execute(text("SELECT confirmed_on_site FROM meeting WHERE id = :m"),
                                     {"m": meeting_id}).scalar_one()
        waiting = connection.execute(text(
            "SELECT waiting_since FROM registration WHERE meeting_id = :m AND status = 'waiting' "
            "ORDER BY waiting_since, id"), {"m": meeting_id}).scalars().all()
    engine.dispose()
    return Outcome(confirmed=counts.get("confirmed", 0), waiting=counts.get("waiting", 0),
                   cancelled=counts.get("cancelled", 0), registrations=sum(counts.values()), counter=counter,
                   waiting_in_order=all(w is not None for w in waiting) and waiting == sorted(waiting))


def percentile(values: list[float], share: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1]


def report(args: argparse.Namespace, attempts: list[Attempt], wall: float, outcome: Outcome) -> bool:
    latencies_ms = [a.seconds * 1000 for a in attempts]
    redirected = sum(1 for a in attempts if a.status == 302 and "/registrations/" in a.location)
    failed = [a for a in attempts if not (a.status == 302 and "/registrations/" in a.location)]
    expected_waiting = max(args.people - args.capacity, 0)
    ok = (outcome.confirmed == min(args.capacity, args.people) and outcome.waiting == expected_waiting
          and outcome.registrations == args.people and outcome.counter == outcome.confirmed and not failed
          and outcome.waiting_in_order)
    rows = [
        ("server", f"gunicorn, {args.workers} workers × {args.threads} threads (gthread), PostgreSQL"),
        ("simultaneous registrations", f"{args.people} for {args.capacity} seats"),
        ("burst wall time", f"{wall:.2f} s"),
        ("registrations per second", f"{args.people / wall:.0f}"),
        ("latency p50", f"{percentile(latencies_ms, 50):.0f} ms"),
        ("latency p99", f"{percentile(latencies_ms, 99):.0f} ms"),
        ("latency max", f"{max(latencies_ms):.0f} ms"),
        ("answered with the registration page", f"{redirected} of {args.people}"),
        ("confirmed in the database", f"{outcome.confirmed} (capacity {args.capacity})"),
        ("on the waiting list", f"{outcome.waiting} (expected {expected_waiting}), in arrival order: "
                                f"{'yes' if outcome.waiting_in_order else 'NO'}"),
        ("registrations stored", f"{outcome.registrations} (none lost: "
                                 f"{'yes' if outcome.registrations == args.people else 'NO'})"),
        ("meeting's seat counter",
         f"{outcome.counter} (matches: {'yes' if outcome.counter == outcome.confirmed else 'NO'})"),
        ("oversold", "no" if outcome.confirmed <= args.capacity and outcome.counter <= args.capacity else "YES"),
    ]
    width = max(len(label) for label, _ in rows)
    print()
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    for attempt in failed[:5]:
        print(f"  unexpected answer for person {attempt.person_id}: {attempt.status} {attempt.location}")
    print(f"\n{'All checks passed.' if ok else 'CHECKS FAILED.'}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.registrations", description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--capacity", type=int, default=100)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default 4)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (default 8)")
    args = parser.parse_args(argv)
    url = os.environ.get("BENCH_REGISTRATIONS_URL", DEFAULT_URL)

    secret_key = secrets.token_hex(32)
    port = free_port()
    environment = server_environment(_psycopg(url), secret_key, port)
    print(f"Database {make_url(url).render_as_string()}: creating, then flask meetings upgrade", flush=True)
    recreate_database(url)
    upgrade_schema(environment)
    meeting_id, cookies = seed(url, secret_key, args.people, args.capacity)
    print(f"Starting gunicorn on port {port}", flush=True)
    server = start_gunicorn(environment, port, args.workers, args.threads)
    try:
        print(f"{args.people} people open the registration form", flush=True)
        forms = open_forms(port, meeting_id, cookies)
        print(f"{args.people} people press Register at the same moment", flush=True)
        attempts, wall = burst(port, meeting_id, forms)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0 if report(args, attempts, wall, check(url, meeting_id)) else 1


if __name__ == "__main__":
    sys.exit(main())
