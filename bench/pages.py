"""python -m bench.pages: server CPU and bytes per page as a county's history grows from 500 to 5,000 meetings.

Builds the same county twice, with 500 and with 5,000 meetings (registrations included), on SQLite
(a temporary file) and on PostgreSQL when ``BENCH_PAGES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/bench_pages``; the name must contain "bench", its tables are
replaced) can be reached. The register and the forums stay the same size; what grows is history:
one big forum holds most of the meetings ever held, the others a few each, and the coming months
are as full at both sizes. Then requests each page many times in one process through Flask's test
client, measures the CPU time of the process around each request (``time.process_time``: the
app's own work, not the database server's, nor waiting), and prints the median, the bytes sent and
the ratio 5,000 / 500 per page, for an anonymous visitor twice, "cold" (the page cache emptied
before each request: what rendering the page costs) and "warm" (a visitor's repeated request,
answered from the page cache, ``PUBLIC_PAGE_CACHE_SECONDS`` at production's 30), and, where the page
differs, for a signed-in person registered for the measured meeting (never cached). Goal: a ratio
under 1.5 for every page.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url

from .__main__ import _psycopg, postgres_available

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/bench_pages"
SIZES = (500, 5000)
GOAL = 1.5
COLD, WARM, SIGNED_IN = "visitor, cold", "visitor, warm", "signed in"
ORGANISATIONS = 1000
FORUMS = 40
PEOPLE = 1500
BIG_FORUM_SHARE = 0.8  # of the history added on top of bench.dataset's meetings
BIG_FORUM_COMING = 20  # the big forum's coming meetings: the same at every size

DESCRIPTION = """Vi samlas för att följa upp **handlingsplanen** för civilsamhällets roll i länets beredskap.

- Vad har hänt sedan förra mötet?
- Nya *övningar* under hösten
- Frågor från föreningarna

Läs gärna [rapporten från förra året](https://example.org/rapport.pdf) före mötet.

| Tid | Punkt |
|---|---|
| 13.00 | Välkomna |
| 13.15 | Lägesbild |
| 14.30 | Fika |
"""
ACCESS_INFO = ("Entré från **Storgatan**. Hiss finns till plan 3. Hörslinga i salen.\n\n"
               "Parkering för rörelsehindrade vid entrén.")
AGENDA = (
    ("Välkomna och presentation", "Mötets ordförande hälsar välkommen. Vi går laget runt."),
    ("Lägesbild från regionen", "Regionens beredskapssamordnare berättar om:\n\n1. årets övningar\n2. "
                                "krisberedskapsveckan\n3. nya *frivilliga resursgrupper*"),
    ("Föreningarnas erfarenheter", "Tre föreningar berättar kort. Se [underlaget](https://example.org/underlag)."),
    ("Nästa steg", ""),
)


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    signed_in: bool  # also measured for a signed-in person (the page differs for them)


@dataclass(frozen=True)
class Figure:
    cpu_ms: float
    size: int
    requests: int


@dataclass(frozen=True)
class County:
    big_forum: str
    meeting: int
    person: int
    meetings: int
    registrations: int


def _history(rng: random.Random, total: int, now: datetime) -> County:
    """Meetings (with registrations) on top of bench.dataset's, up to ``total``; and the measured meeting."""
    from meetings.extensions import db
    from meetings.models import (
        AgendaItem,
        Forum,
        Meeting,
        MeetingFormat,
        MeetingStatus,
        Municipality,
        ParticipationMode,
        Person,
        Registration,
        RegistrationStatus,
    )

    forum_ids = list(db.session.scalars(select(Forum.id).where(Forum.slug.like("forum-%")).order_by(Forum.id)))
    big, others = forum_ids[0], forum_ids[1:]
    municipalities = list(db.session.scalars(select(Municipality.id)))
    first_person = (db.session.scalar(select(func.max(Person.id))) or 0) + 1
    db.session.execute(insert(Person), [{"email": f"deltagare{n}@bench.example", "name": f"Deltagare {n}"}
                                        for n in range(PEOPLE)])
    people = list(range(first_person, first_person + PEOPLE))

    # The measured meeting: coming, in the big forum, hybrid, with a description, access notes and agenda.
    starts = (now + timedelta(days=21)).replace(hour=12)
    meeting = Meeting(forum_id=big, title="Beredskap och civilsamhälle – uppföljning", description=DESCRIPTION,
                      starts_at=starts, ends_at=starts + timedelta(hours=3), format=MeetingFormat.HYBRID,
                      venue_name="Regionhuset", venue_address="Storgatan 10", municipality_id=municipalities[0],
                      online_url="https://meet.example.org/beredskap-uppfoljning", access_info=ACCESS_INFO,
                      capacity=60, status=MeetingStatus.PUBLISHED, published_at=now - timedelta(days=10))
    db.session.add(meeting)
    db.session.flush()
    db.session.add_all(AgendaItem(meeting_id=meeting.id, position=n, title=title, description=notes)
                       for n, (title, notes) in enumerate(AGENDA))

    existing = db.session.scalar(select(func.count(Meeting.id)))
    years = max(1, total // 500)
    rows = []
    for n in range(max(0, total - existing)):
        if n < BIG_FORUM_COMING:
            forum, starts = big, now + timedelta(days=rng.randint(7, 180), hours=rng.randint(8, 16))
        else:
            forum = big if rng.random() < BIG_FORUM_SHARE else rng.choice(others)
            starts = now - timedelta(days=rng.randint(1, 365 * years), hours=rng.randint(0, 8))
        meeting_format = rng.choice(list(MeetingFormat))
        rows.append({
            "forum_id": forum, "title": rng.choice(("Dialogmöte", "Samrådsmöte", "Nätverksträff", "Uppföljning")),
            "description": "Ett möte i forumet. Dagordning skickas ut en vecka före.",
            "starts_at": starts, "ends_at": starts + timedelta(hours=2), "format": meeting_format,
            "status": MeetingStatus.CANCELLED if rng.random() < 0.03 else MeetingStatus.PUBLISHED,
            "municipality_id": None if meeting_format == MeetingFormat.DIGITAL else rng.choice(municipalities),
            "venue_name": "" if meeting_format == MeetingFormat.DIGITAL else "Folkets hus",
            "online_url": None if meeting_format == MeetingFormat.ON_SITE else "https://meet.example.org/m",
        })
    if rows:
        db.session.execute(insert(Meeting), rows)

    # Registrations for every meeting: 4–16 people (85 % confirmed, 5 % waiting, 10 % cancelled);
    # the measured meeting has 30, and the signed-in person has a confirmed place online.
    registrations, counters = [], {}
    meetings = db.session.execute(select(Meeting.id, Meeting.format)).all()
    next_id = (db.session.scalar(select(func.max(Registration.id))) or 0) + 1
    person = people[0]
    for meeting_id, meeting_format in meetings:
        modes = {MeetingFormat.ON_SITE: [ParticipationMode.ON_SITE], MeetingFormat.DIGITAL: [ParticipationMode.ONLINE],
                 MeetingFormat.HYBRID: list(ParticipationMode)}[meeting_format]
        chosen = rng.sample(people[1:], 30 if meeting_id == meeting.id else rng.randint(4, 16))
        if meeting_id == meeting.id:
            chosen = [person, *chosen]
        for person_id in chosen:
            status = rng.choices(list(RegistrationStatus), weights=(85, 5, 10))[0]
            mode = rng.choice(modes)
            if person_id == person:
                status, mode = RegistrationStatus.CONFIRMED, ParticipationMode.ONLINE
            registrations.append({
                "id": next_id, "meeting_id": meeting_id, "person_id": person_id, "mode": mode, "status": status,
                "organisation_name": rng.choice(("", "Röda Korset", "PRO", "Byaföreningen")),
                "show_name_publicly": rng.random() < 0.5, "code": f"B{next_id}"[:12],
                "waiting_since": now if status == RegistrationStatus.WAITING else None,
                "manage_token_hash": hashlib.sha256(f"r{next_id}".encode()).hexdigest()})
            if status == RegistrationStatus.CONFIRMED:
                key = (meeting_id, mode)
                counters[key] = counters.get(key, 0) + 1
            next_id += 1
    for start in range(0, len(registrations), 5000):
        db.session.execute(insert(Registration), registrations[start:start + 5000])
    for (meeting_id, mode), count in counters.items():
        column = "confirmed_online" if mode == ParticipationMode.ONLINE else "confirmed_on_site"
        db.session.execute(text(f"UPDATE meeting SET {column} = :count WHERE id = :id"),
                           {"count": count, "id": meeting_id})
    db.session.commit()
    return County(big_forum=db.session.get(Forum, big).slug, meeting=meeting.id, person=person,
                  meetings=db.session.scalar(select(func.count(Meeting.id))), registrations=len(registrations))


def pages(app, county: County) -> list[Page]:
    listed = [
        Page("home", "/", True),
        Page("forum page (big forum)", f"/forums/{county.big_forum}", True),
    ]
    if "meetings.index" in app.view_functions:
        listed.append(Page("meeting directory", "/meetings", True))
    listed += [
        Page("meeting page", f"/meetings/{county.meeting}", True),
        Page("one meeting's .ics", f"/calendar/meetings/{county.meeting}.ics", True),
        Page("full feed", "/calendar/meetings.ics", False),
    ]
    return listed


def measure(get, path: str, requests: int, warmup: int, budget: float, before=None) -> Figure:
    """Median CPU milliseconds of ``requests`` requests (fewer once ``budget`` CPU seconds are spent, at least 5).
    ``before`` runs, untimed, before each request."""
    size = 0
    for _ in range(warmup):
        size = len(get(path))
    times: list[float] = []
    while len(times) < requests and (len(times) < 5 or sum(times) < budget * 1000):
        if before is not None:
            before()
        started = time.process_time()
        body = get(path)
        times.append((time.process_time() - started) * 1000)
        size = len(body)
    return Figure(statistics.median(times), size, len(times))


def run(database_url: str, total: int, args: argparse.Namespace) -> dict[tuple[str, str], Figure]:
    from meetings import create_app
    from meetings.auth import SESSION_PERSON_KEY
    from meetings.caching import PAGE_CACHE_KEY
    from meetings.extensions import db

    from .dataset import build

    app = create_app({
        "MEETINGS_ENV": "production", "SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": "memory://", "RUN_SCHEDULER": False,
        "BASE_URL": "http://localhost",  # the test client's host
        "PUBLIC_PAGE_CACHE_SECONDS": 30,  # production's default
    })
    page_cache = app.extensions[PAGE_CACHE_KEY]
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        build(organisations=args.organisations, forums=args.forums)
        county = _history(random.Random(2027), total, datetime.now(UTC).replace(minute=0, second=0, microsecond=0))
        # A live database has statistics (autovacuum on PostgreSQL); freshly bulk-loaded tables do not yet.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    print(f"  {county.meetings} meetings, {county.registrations} registrations, built in "
          f"{time.perf_counter() - started:.1f} s", flush=True)

    anonymous, signed_in = app.test_client(), app.test_client()
    with signed_in.session_transaction() as session:
        session[SESSION_PERSON_KEY] = county.person

    def getter(client):
        def get(path: str) -> bytes:
            response = client.get(path, headers={"Accept-Language": "sv"})
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            return response.get_data()
        return get

    figures = {}
    listed = pages(app, county)
    # A visitor: "cold" with the page cache emptied before each request (the render), "warm" as
    # it is for a visitor's repeated request (from the page cache); a signed-in person: never kept.
    for page in listed:
        for who in (COLD, WARM, SIGNED_IN) if page.signed_in else (COLD, WARM):
            figure = measure(getter(signed_in if who == SIGNED_IN else anonymous), page.path, args.requests,
                             args.warmup, args.budget, before=page_cache.clear if who == COLD else None)
            figures[(page.label, who)] = figure
            print(f"  {page.label}, {who}: {figure.cpu_ms:.2f} ms CPU "
                  f"(median of {figure.requests}), {figure.size:,} bytes", flush=True)
    if "meetings.index" not in app.view_functions:
        print("  meeting directory: skipped, /meetings (meetings.index) does not exist in this checkout")
    packed = anonymous.get("/calendar/meetings.ics", headers={"Accept-Encoding": "gzip"})
    if packed.headers.get("Content-Encoding") == "gzip":
        print(f"  full feed, gzip-compressed for calendar clients: {len(packed.get_data()):,} bytes")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return figures


def _ratio(small: Figure | None, large: Figure | None) -> str:
    if small is None or large is None:
        return "-"
    ratio = large.cpu_ms / small.cpu_ms
    return f"{ratio:.2f}{'' if ratio < GOAL else ' !'}"


def print_table(name: str, results: dict[int, dict[tuple[str, str], Figure]]) -> None:
    small, large = (results[size] for size in SIZES)
    labels = list(dict.fromkeys(label for label, _ in small))
    print(f"\n{name}: CPU ms per request (median) and KB sent, at {SIZES[0]:,} and {SIZES[1]:,} meetings; "
          f"ratio = {SIZES[1]:,} / {SIZES[0]:,} (goal under {GOAL}, '!' where it is not). Visitor cold: the page "
          "cache emptied before each request (the render); warm: a visitor's repeated request\n")
    header = f"{'page':<24}{'KB':>8}{'KB':>8}"
    for who in (COLD, WARM, SIGNED_IN):
        header += f"{who:>20}{'':>8}{'ratio':>7}"
    print(header)
    print(f"{'':<24}{SIZES[0]:>8,}{SIZES[1]:>8,}" + f"{SIZES[0]:>20,}{SIZES[1]:>8,}{'':>7}" * 3)
    print("-" * len(header))
    for label in labels:
        line = f"{label:<24}{small[(label, COLD)].size / 1024:>8.1f}{large[(label, COLD)].size / 1024:>8.1f}"
        for who in (COLD, WARM, SIGNED_IN):
            a, b = small.get((label, who)), large.get((label, who))
            line += f"{a.cpu_ms:>20.2f}{b.cpu_ms:>8.2f}{_ratio(a, b):>7}" if a and b else f"{'-':>20}{'-':>8}{'-':>7}"
        print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page (default 60)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first (default 3)")
    parser.add_argument("--budget", type=float, default=4.0,
                        help="CPU seconds per page after which fewer requests suffice (at least 5; default 4)")
    parser.add_argument("--organisations", type=int, default=ORGANISATIONS)
    parser.add_argument("--forums", type=int, default=FORUMS)
    parser.add_argument("--no-sqlite", action="store_true", help="measure PostgreSQL only")
    parser.add_argument("--no-postgres", action="store_true", help="measure SQLite only")
    args = parser.parse_args(argv)

    results: dict[str, dict[int, dict[tuple[str, str], Figure]]] = {}
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory(prefix="meetings-bench-") as folder:
            for size in SIZES:
                print(f"SQLite, {size:,} meetings:", flush=True)
                results.setdefault("SQLite", {})[size] = run(f"sqlite:///{Path(folder) / f'{size}.sqlite3'}",
                                                              size, args)
    if not args.no_postgres:
        url = os.environ.get("BENCH_PAGES_URL", DEFAULT_POSTGRES_URL)
        problem = postgres_available(url)
        if problem:
            print(f"\nPostgreSQL skipped ({make_url(url).render_as_string()}): {problem}")
        else:
            for size in SIZES:
                print(f"PostgreSQL ({make_url(url).render_as_string()}), {size:,} meetings:", flush=True)
                results.setdefault("PostgreSQL", {})[size] = run(_psycopg(url), size, args)
    for name, by_size in results.items():
        print_table(name, by_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
