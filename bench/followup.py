"""python -m bench.followup: the yearly follow-up report over ten years of a county's data.

Builds the register of ``bench.dataset`` (the demo data, then generated associations and forums),
then ten years of history: meetings in every forum (on site, online, hybrid; a few cancelled),
invitations to member organisations, registrations (confirmed, waiting, cancelled), check-ins,
online self-confirmations, walk-ins and no-shows. Then times, for the busiest year:

- the figures alone (``meetings.domain.followup.build_report``, both years' queries),
- the full report page for an admin (all forums) and for one organiser's forums,
- the public summary page,
- the PDF (WeasyPrint) and the XLSX of the full report.

On SQLite (a temporary file) and on PostgreSQL when ``BENCH_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/bench_followup``) can be reached; the database's tables are
dropped and created again, so its name must contain "bench". Nothing in the test suite measures time.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import secrets
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text

from .__main__ import postgres_available

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/bench_followup"


def build_history(rng: random.Random, years: int, meetings: int, people: int) -> dict[str, int]:
    """Ten years (``years``) of meetings with invitations, registrations and attendance."""
    from meetings.extensions import db
    from meetings.models import (
        Attendance,
        CheckInMethod,
        Forum,
        ForumMember,
        Invitation,
        InvitationStatus,
        Meeting,
        MeetingFormat,
        MeetingStatus,
        Municipality,
        Organisation,
        OrganisationKind,
        ParticipationMode,
        Person,
        Registration,
        RegistrationStatus,
    )

    this_year = datetime.now(UTC).year
    forum_ids = list(db.session.scalars(select(Forum.id)))
    members: dict[int, list[int]] = {}
    for forum_id, organisation_id in db.session.execute(select(ForumMember.forum_id, ForumMember.organisation_id)):
        members.setdefault(forum_id, []).append(organisation_id)
    civil = list(db.session.scalars(select(Organisation.id).where(
        Organisation.kind == OrganisationKind.CIVIL_SOCIETY)))
    municipality_ids = list(db.session.scalars(select(Municipality.id)))

    first_person = (db.session.scalar(select(func.max(Person.id))) or 0) + 1
    db.session.execute(insert(Person), [{"email": f"deltagare{n}@bench.example", "name": f"Deltagare {n}"}
                                        for n in range(people)])
    person_ids = list(range(first_person, first_person + people))

    meeting_rows = []
    for _ in range(meetings):
        year = this_year - rng.randrange(years)
        starts = datetime(year, rng.randint(1, 12), rng.randint(1, 28), rng.choice((8, 9, 12, 13)), tzinfo=UTC)
        if starts > datetime.now(UTC):
            starts = starts.replace(year=year - 1)
        meeting_format = rng.choice(list(MeetingFormat))
        meeting_rows.append({
            "forum_id": rng.choice(forum_ids), "title": "Möte", "starts_at": starts,
            "ends_at": starts + timedelta(hours=2), "format": meeting_format,
            "status": MeetingStatus.CANCELLED if rng.random() < 0.05 else MeetingStatus.PUBLISHED,
            "municipality_id": None if meeting_format == MeetingFormat.DIGITAL else rng.choice(municipality_ids),
        })
    first_meeting = (db.session.scalar(select(func.max(Meeting.id))) or 0) + 1
    db.session.execute(insert(Meeting), meeting_rows)

    invitations, registrations, attendance = [], [], []
    next_registration = (db.session.scalar(select(func.max(Registration.id))) or 0) + 1
    for offset, row in enumerate(meeting_rows):
        meeting_id = first_meeting + offset
        held = row["status"] == MeetingStatus.PUBLISHED
        for organisation_id in members.get(row["forum_id"], []):
            invitations.append({
                "meeting_id": meeting_id, "organisation_id": organisation_id,
                "status": rng.choice(list(InvitationStatus)), "sent_at": row["starts_at"] - timedelta(days=20),
                "token_hash": hashlib.sha256(f"{meeting_id}-{organisation_id}".encode()).hexdigest()})
        modes = {MeetingFormat.ON_SITE: [ParticipationMode.ON_SITE], MeetingFormat.DIGITAL: [ParticipationMode.ONLINE],
                 MeetingFormat.HYBRID: list(ParticipationMode)}[row["format"]]
        for person_id in rng.sample(person_ids, rng.randint(4, 16)):
            status = rng.choices(list(RegistrationStatus), weights=(85, 5, 10))[0]
            mode = rng.choice(modes)
            organisation_id = rng.choice(civil)
            registrations.append({
                "id": next_registration, "meeting_id": meeting_id, "person_id": person_id,
                "organisation_id": organisation_id, "mode": mode, "status": status,
                "code": f"B{next_registration}"[:12],
                "manage_token_hash": hashlib.sha256(f"r{next_registration}".encode()).hexdigest()})
            if held and status == RegistrationStatus.CONFIRMED and rng.random() < 0.85:
                attendance.append({
                    "meeting_id": meeting_id, "registration_id": next_registration, "person_id": person_id,
                    "name": "Deltagare", "organisation_id": organisation_id, "mode": mode,
                    "method": CheckInMethod.SELF if mode == ParticipationMode.ONLINE else CheckInMethod.LIST,
                    "recorded_at": row["starts_at"]})
            next_registration += 1
        if held:
            for _ in range(rng.randint(0, 3)):
                attendance.append({
                    "meeting_id": meeting_id, "registration_id": None, "person_id": None, "name": "Besökare",
                    "organisation_id": rng.choice(civil) if rng.random() < 0.7 else None, "mode": modes[0],
                    "method": CheckInMethod.WALK_IN, "recorded_at": row["starts_at"]})
    for table, rows in ((Invitation, invitations), (Registration, registrations), (Attendance, attendance)):
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(table), rows[start:start + 5000])
    db.session.commit()
    return {"meetings": db.session.scalar(select(func.count(Meeting.id))), "invitations": len(invitations),
            "registrations": len(registrations), "attendance": len(attendance)}


def timed(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(database_url: str, args: argparse.Namespace) -> dict[str, float]:
    from meetings import create_app
    from meetings.auth import SESSION_PERSON_KEY
    from meetings.domain.followup import build_report
    from meetings.extensions import db
    from meetings.models import Attendance, Forum, Meeting, Membership, MembershipRole, Person

    from .dataset import build

    app = create_app({
        "MEETINGS_ENV": "production", "SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": "memory://", "RUN_SCHEDULER": False,
    })
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        build(organisations=args.organisations, forums=args.forums)
        sizes = build_history(random.Random(2027), args.years, args.meetings, args.people)
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        print(f"  built in {time.perf_counter() - started:.1f} s: "
              + ", ".join(f"{n} {k}" for k, n in sizes.items()), flush=True)
        # The busiest year, and the organiser of the region, whose forums are a share of all.
        year_column = func.extract("year", Meeting.starts_at)
        year = int(db.session.execute(select(year_column, func.count()).select_from(Attendance)
                                      .join(Meeting, Meeting.id == Attendance.meeting_id)
                                      .group_by(year_column).order_by(func.count().desc()).limit(1)).one()[0])
        admin = db.session.scalar(select(Person.id).where(Person.is_admin.is_(True)).limit(1))
        organiser = db.session.scalar(select(Membership.person_id).where(Membership.role == MembershipRole.ORGANISER)
                                      .order_by(Membership.id).limit(1))
        forums = db.session.scalar(select(func.count(Forum.id)))
    print(f"  year {year}, {forums} forums", flush=True)

    def figures():
        with app.test_request_context():
            build_report(year, None)

    client = app.test_client()

    def get(path: str, person: int | None) -> None:
        with client.session_transaction() as session:
            session.clear()
            if person is not None:
                session[SESSION_PERSON_KEY] = person
        response = client.get(path, headers={"Accept-Language": "sv"})
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")

    results = {}
    cases = (
        ("figures only (both years, all forums)", figures, args.runs),
        ("report page, admin (all forums)", lambda: get(f"/followup/report?year={year}", admin), args.runs),
        ("report page, one organiser's forums", lambda: get(f"/followup/report?year={year}", organiser), args.runs),
        ("public summary page", lambda: get(f"/followup?year={year}", None), args.runs),
        ("PDF, admin", lambda: get(f"/followup/report.pdf?year={year}", admin), max(1, args.runs // 3)),
        ("XLSX, admin", lambda: get(f"/followup/report.xlsx?year={year}", admin), args.runs),
    )
    for label, function, runs in cases:
        function()  # warm-up
        results[label] = timed(function, runs)
        print(f"  {label}: median {results[label]:.0f} ms", flush=True)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.followup", description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--meetings", type=int, default=4000)
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--organisations", type=int, default=3000)
    parser.add_argument("--forums", type=int, default=300)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)

    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        print("SQLite", flush=True)
        results["SQLite"] = run(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", args)
    postgres = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    if not args.no_postgres:
        problem = postgres_available(postgres)
        if problem:
            print(f"PostgreSQL skipped: {problem}")
        else:
            print("PostgreSQL", flush=True)
            results["PostgreSQL"] = run(postgres.replace("postgresql://", "postgresql+psycopg://", 1), args)

    names = list(results)
    print("\nMilliseconds (median):\n")
    print(f"{'':<40}" + "".join(f"{name:>12}" for name in names))
    for label in next(iter(results.values())):
        print(f"{label:<40}" + "".join(f"{results[name][label]:>12.0f}" for name in names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
