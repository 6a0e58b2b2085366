"""python -m bench.crash_forum_page: one forum's page with 5,000 meetings, shown again and again in one process.

Issue 16: on CPython 3.11 this killed the process with a segmentation fault within about a dozen
page views (meetings/orm_states.py explains why and holds the guard). The bench loads a forum with
5,000 meetings (half held, half coming) into PostgreSQL (``BENCH_POSTGRES_URL``, default
``postgresql://postgres@127.0.0.1:5432/bench_crash``, created when missing) or, with ``--sqlite``,
into a temporary SQLite file. The schema is created when missing and nothing is dropped; the forum
is made once and reused. Then a child process shows ``/forums/<slug>`` through Flask's test client
``--requests`` times and prints one line per page view; the parent reports how the child ended.
``--without-guard`` runs the child with the guard switched off, to see the crash again.
"""

from __future__ import annotations

import argparse
import gc
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/bench_crash"
SLUG = "bench-crash-forum"


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _settings(url: str) -> dict:
    return {"MEETINGS_ENV": "development", "DATABASE_URL": _psycopg(url), "SECRET_KEY": secrets.token_hex(32),
            "RATELIMIT_STORAGE_URI": "memory://"}


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database when it is missing."""
    try:
        create_engine(_psycopg(url)).connect().close()
    except OperationalError:
        database = make_url(url).database
        server = create_engine(_psycopg(make_url(url).set(database="postgres").render_as_string(False)),
                               isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        server.dispose()


def build(url: str, meetings: int) -> None:
    """The schema (when missing) and one forum with ``meetings`` published meetings, one a day."""
    from sqlalchemy import func, select

    from meetings import create_app
    from meetings.extensions import db
    from meetings.models import Forum, Meeting, MeetingFormat, MeetingStatus, Organisation, OrganisationKind, utcnow

    app = create_app(_settings(url))
    with app.app_context():
        db.create_all()
        forum = db.session.scalar(select(Forum).where(Forum.slug == SLUG))
        if forum is not None:
            count = db.session.scalar(select(func.count(Meeting.id)).where(Meeting.forum_id == forum.id))
            if count == meetings:
                return
            db.session.delete(forum)
            db.session.commit()
        region = Organisation(name="Region Norrbotten (bench)", kind=OrganisationKind.PUBLIC_BODY)
        forum = Forum(slug=SLUG, name="Dialogforum med lång historia", organiser=region)
        db.session.add(forum)
        start = utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(days=meetings // 2)
        db.session.add_all(
            Meeting(forum=forum, title=f"Dialogmöte {number} om länets utveckling",
                    description="Samtal om regional utveckling, folkhälsa och friluftsliv i Norrbotten.",
                    starts_at=start + timedelta(days=number), ends_at=start + timedelta(days=number, hours=2),
                    format=MeetingFormat.ON_SITE, venue_name="Kulturens hus", venue_address="Skeppsbrogatan 17",
                    status=MeetingStatus.PUBLISHED, published_at=utcnow())
            for number in range(meetings))
        db.session.commit()


def show_pages(url: str, requests: int, guard: bool) -> None:
    """In the child: show the forum page ``requests`` times, one line each."""
    import meetings.orm_states
    from meetings import create_app

    if not guard:
        meetings.orm_states.install_guard = lambda: None
    client = create_app(_settings(url)).test_client()
    for number in range(1, requests + 1):
        started = time.process_time()
        response = client.get(f"/forums/{SLUG}")
        cpu = time.process_time() - started
        full = gc.get_stats()[2]["collections"]
        print(f"{number:4} {response.status_code} {len(response.data):>9,} bytes {cpu:6.2f} s CPU "
              f"{full:4} full collections so far", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead of PostgreSQL")
    parser.add_argument("--without-guard", action="store_true", help="switch meetings.orm_states' guard off")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        show_pages(args.child, args.requests, guard=not args.without_guard)
        return

    with tempfile.TemporaryDirectory() as folder:
        if args.sqlite:
            url = f"sqlite:///{folder}/bench.sqlite3"
        else:
            url = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
            ensure_database(url)
        build(url, args.meetings)
        print(f"Python {sys.version.split()[0]}, {make_url(url).get_backend_name()}, {args.meetings} meetings, "
              f"guard {'off' if args.without_guard else 'on'}", flush=True)
        command = [sys.executable, "-X", "faulthandler", "-m", "bench.crash_forum_page", "--child", url,
                   "--requests", str(args.requests), *(["--without-guard"] if args.without_guard else [])]
        child = subprocess.run(command, cwd=ROOT)
    if child.returncode < 0:
        print(f"the process died: {signal.Signals(-child.returncode).name}")
        sys.exit(1)
    print("the process survived" if child.returncode == 0 else f"the process failed: exit status {child.returncode}")
    sys.exit(child.returncode)


if __name__ == "__main__":
    main()
