"""python -m bench: server time per page of the register, the forum catalogue and the meetings directory,
on SQLite and PostgreSQL.

Builds a database with 5,000 organisations and 500 forums (bench/dataset.py), then requests each page
many times through Flask's test client and prints the median and the 99th percentile. PostgreSQL is
measured when BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/bench) can be reached;
the database is created if it is missing and its tables are replaced, so its name must contain "bench".
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/bench"
TARGET_MS = 50.0

PAGES: tuple[tuple[str, str], ...] = (
    ("register, page 1", "/organisations"),
    ("register, area + municipality", "/organisations?area=barn-och-unga&municipality=2580"),
    ("register, text search with å ä ö", "/organisations?q=R%C3%85NE%C3%85"),  # "RÅNEÅ": folded to råneå
    ("register, page 50", "/organisations?page=50"),
    ("forums, all", "/forums"),
    ("forums, area + municipality", "/forums?area=folkhalsa&municipality=2580"),
    ("meetings, coming", "/meetings"),
    ("meetings, municipality + open", "/meetings?municipality=2580&open=1"),
    ("meetings, past, page 20", "/meetings?when=past&page=20"),
)


@dataclass(frozen=True)
class Timing:
    median_ms: float
    p99_ms: float


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def postgres_available(url: str) -> str | None:
    """None if ``url`` can be used (creating the database if needed), otherwise why not."""
    database = make_url(url).database or ""
    if "bench" not in database:
        return f"the database name {database!r} does not contain 'bench'; its tables would be replaced"
    try:
        create_engine(_psycopg(url)).connect().close()
        return None
    except OperationalError as error:
        if f'database "{database}" does not exist' not in str(error):
            return f"cannot connect: {str(error).splitlines()[0]}"
    server = create_engine(_psycopg(make_url(url).set(database="postgres").render_as_string(False)),
                           isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    server.dispose()
    return None


def measure(get: Callable[[str], int], path: str, requests: int, warmup: int) -> Timing:
    for _ in range(warmup):
        get(path)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        status = get(path)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
    return Timing(statistics.median(times), statistics.quantiles(times, n=100, method="inclusive")[98])


def run(database_url: str, args: argparse.Namespace) -> tuple[dict[str, int], dict[str, Timing]]:
    from meetings import create_app
    from meetings.extensions import db

    from .dataset import build

    app = create_app({
        "MEETINGS_ENV": "production", "SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": "memory://", "RUN_SCHEDULER": False,
        # The test client asks for localhost; in production only BASE_URL's host is served.
        "BASE_URL": "http://localhost",
    })
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        sizes = build(organisations=args.organisations, forums=args.forums)
        # A live database has statistics (autovacuum on PostgreSQL); freshly bulk-loaded tables do not yet.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        print(f"  built in {time.perf_counter() - started:.1f} s: " + ", ".join(f"{n} {k}" for k, n in sizes.items()),
              flush=True)
    client = app.test_client()

    def get(path: str) -> int:
        return client.get(path, headers={"Accept-Language": "sv"}).status_code

    timings = {}
    for label, path in PAGES:
        timings[label] = measure(get, path, args.requests, args.warmup)
        print(f"  {label}: median {timings[label].median_ms:.1f} ms", flush=True)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return sizes, timings


def print_table(results: dict[str, dict[str, Timing]], requests: int) -> None:
    databases = list(results)
    header = f"{'page':<36}" + "".join(f"{name + ' median':>20}{'p99':>10}" for name in databases)
    print(f"\nServer time per request in ms ({requests} requests each, after warm-up):\n")
    print(header)
    print("-" * len(header))
    for label, _ in PAGES:
        row = f"{label:<36}"
        for name in databases:
            timing = results[name][label]
            row += f"{timing.median_ms:>20.1f}{timing.p99_ms:>10.1f}"
        print(row)
    filtered = "register, area + municipality"
    for name in databases:
        median = results[name][filtered].median_ms
        verdict = "meets" if median < TARGET_MS else "MISSES"
        print(f"\n{name}: a filtered register page takes {median:.1f} ms (median), "
              f"which {verdict} the target of {TARGET_MS:.0f} ms.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=5000)
    parser.add_argument("--forums", type=int, default=500)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per page first (default 10)")
    parser.add_argument("--no-postgres", action="store_true", help="measure SQLite only")
    args = parser.parse_args(argv)

    results: dict[str, dict[str, Timing]] = {}
    with tempfile.TemporaryDirectory(prefix="meetings-bench-") as folder:
        print("SQLite (a temporary file):", flush=True)
        _, results["SQLite"] = run(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", args)

    if not args.no_postgres:
        url = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
        problem = postgres_available(url)
        if problem:
            print(f"\nPostgreSQL skipped ({make_url(url).render_as_string()}): {problem}")
        else:
            print(f"PostgreSQL ({make_url(url).render_as_string()}):", flush=True)
            _, results["PostgreSQL"] = run(_psycopg(url), args)

    print_table(results, args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
