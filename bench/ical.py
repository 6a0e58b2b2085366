"""python -m bench.ical: the all-meetings calendar feed with 5,000 meetings, under gunicorn.

Builds a SQLite database (and a PostgreSQL one when BENCH_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432/bench_ical, can be reached) with 5,000 published meetings,
starts gunicorn with 2 workers, warms the feed, then sends full requests and conditional requests
(If-None-Match, answered 304) from 8 concurrent clients. Prints requests per second, p50 and p99
of the client-side latency, and the median server time the app reports in its Server-Timing header.
Target: a warm full feed in under 20 ms median server time.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/bench_ical"
MEETINGS = 5000
TARGET_MS = 20.0


def build_database(url: str, meetings: int) -> None:
    """Schema by the migrations, then forums and meetings spread over the next two years."""
    env = {**os.environ, "MEETINGS_ENV": "development", "DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "meetings", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    os.environ.update(MEETINGS_ENV="development", DATABASE_URL=url)
    sys.path.insert(0, str(ROOT))
    from meetings import create_app
    from meetings.extensions import db
    from meetings.models import Forum, Meeting, MeetingFormat, MeetingStatus, Organisation, OrganisationKind, utcnow

    app = create_app({"MEETINGS_ENV": "development", "DATABASE_URL": url})
    with app.app_context():
        region = Organisation(name="Region Norrbotten", kind=OrganisationKind.PUBLIC_BODY)
        forums = [Forum(slug=f"forum-{i}", name=f"Dialogforum {i}", organiser=region) for i in range(50)]
        db.session.add_all(forums)
        start = utcnow().replace(minute=0, second=0, microsecond=0)
        db.session.add_all(
            Meeting(forum=forums[i % len(forums)], title=f"Dialogmöte {i} om länets utveckling",
                    description="Samtal om regional utveckling, folkhälsa och friluftsliv i Norrbotten.",
                    starts_at=start + timedelta(hours=8 * i), ends_at=start + timedelta(hours=8 * i + 2),
                    format=MeetingFormat.ON_SITE, venue_name="Kulturens hus", venue_address="Skeppsbrogatan 17",
                    status=MeetingStatus.PUBLISHED)
            for i in range(meetings))
        db.session.commit()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "MEETINGS_ENV": "production", "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32),
           "BASE_URL": f"http://127.0.0.1:{port}"}
    gunicorn = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
                "--log-level", "warning", "wsgi:app"]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def fetch(url: str, etag: str | None) -> tuple[float, float, int, str | None]:
    request = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            status, headers = response.status, response.headers
    except urllib.error.HTTPError as error:  # 304 arrives as an "error"
        status, headers = error.code, error.headers
    client_ms = (time.perf_counter() - started) * 1000
    server_ms = float(headers.get("Server-Timing", "app;dur=nan").split("dur=")[1])
    return client_ms, server_ms, status, headers.get("ETag")


def run(url: str, requests: int, clients: int, conditional: str | None) -> dict:
    # Spread the first requests so that each gunicorn worker has rendered the feed once (warm).
    for _ in range(6):
        fetch(url, None)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(lambda _: fetch(url, conditional), range(requests)))
    elapsed = time.perf_counter() - started
    client = sorted(r[0] for r in results)
    server = sorted(r[1] for r in results)
    return {"rps": requests / elapsed, "p50": statistics.median(client),
            "p99": client[min(len(client) - 1, int(len(client) * 0.99))],
            "server_median": statistics.median(server), "statuses": {r[2] for r in results}}


def measure(label: str, database_url: str, meetings: int, requests: int, clients: int) -> None:
    build_database(database_url, meetings)
    port = free_port()
    server = start_gunicorn(database_url, port)
    try:
        feed = f"http://127.0.0.1:{port}/calendar/meetings.ics"
        etag = fetch(feed, None)[3]
        size = len(urllib.request.urlopen(feed, timeout=30).read())
        full = run(feed, requests, clients, None)
        not_modified = run(feed, requests, clients, etag)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"\n{label}: {meetings} meetings, feed {size / 1024:.0f} KiB, gunicorn 2 workers, {clients} clients")
    print(f"{'':18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'server median ms':>17}  statuses")
    for name, result in (("full feed", full), ("304 (If-None-Match)", not_modified)):
        print(f"{name:18} {result['rps']:8.0f} {result['p50']:8.1f} {result['p99']:8.1f} "
              f"{result['server_median']:17.2f}  {sorted(result['statuses'])}")
    verdict = "meets" if full["server_median"] < TARGET_MS else "MISSES"
    print(f"warm full feed: {full['server_median']:.2f} ms median server time, {verdict} the {TARGET_MS:.0f} ms target")


def postgres_url() -> str | None:
    url = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    parsed = make_url(url)
    if "bench" not in (parsed.database or ""):
        raise SystemExit("BENCH_POSTGRES_URL must name a database with 'bench' in its name: it is replaced")
    admin = parsed.set(drivername="postgresql+psycopg", database="postgres")
    try:
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        engine.dispose()
    except OperationalError as error:
        print(f"PostgreSQL skipped: {error.orig}")
        return None
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=MEETINGS)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        measure("SQLite", f"sqlite:///{folder}/bench.sqlite3", args.meetings, args.requests, args.clients)
    url = postgres_url()
    if url:
        measure("PostgreSQL", url, args.meetings, args.requests, args.clients)


if __name__ == "__main__":
    main()
