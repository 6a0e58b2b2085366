"""Upgrading the schema of the core and of whichever plugins are enabled.

Every plugin keeps its tables in its own Alembic branch that depends on a core revision, and
Alembic records one row per branch head; a plugin's row also stands for the core revision it
depends on. A plugin that is turned off takes its revisions out of Alembic's sight, and Alembic
refuses to work with a row it cannot find ("Can't locate revision identified by …"). So while
migrations run, such a row is set aside, replaced by the revisions it stood for (remembered in
``alembic_version_implies`` while its plugin was enabled), and put back afterwards: the disabled
plugin's tables and version stay as they are, and enabling it again carries on from there.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

log = logging.getLogger("alembic.env")
IMPLIES_TABLE = "alembic_version_implies"


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """For autogenerate: the bookkeeping table is no model's."""
    return not (type_ == "table" and name == IMPLIES_TABLE)


def _ancestors(script: ScriptDirectory, revision: str) -> set[str]:
    """``revision`` and every revision it stands on, dependencies included."""
    found, todo = set(), [revision]
    while todo:
        current = script.get_revision(todo.pop())
        if current is None or current.revision in found:
            continue
        found.add(current.revision)
        todo += list(current._all_down_revisions)
    return found


def _heads(script: ScriptDirectory, revisions: Iterable[str]) -> list[str]:
    revisions = set(revisions)
    below = set().union(*(_ancestors(script, r) - {r} for r in revisions)) if revisions else set()
    return sorted(revisions - below)


@contextmanager
def unknown_revisions_set_aside(connection: Connection, script: ScriptDirectory,
                                version_table: str = "alembic_version") -> Iterator[list[str]]:
    """Inside the migration's transaction: hide the version rows that no enabled branch knows."""
    connection.execute(text(f"CREATE TABLE IF NOT EXISTS {IMPLIES_TABLE} "
                            "(version_num VARCHAR(64) PRIMARY KEY, implies TEXT NOT NULL)"))
    known = {revision.revision for revision in script.walk_revisions()}
    recorded = _recorded(connection, version_table)
    unknown = [revision for revision in recorded if revision not in known]
    remaining = [revision for revision in recorded if revision in known]
    substitutes: list[str] = []
    for revision in unknown:
        log.info("Leaving revision %s as it is: no enabled plugin has it (a disabled plugin's branch)", revision)
        _delete(connection, version_table, revision)
        implied = connection.execute(text(f"SELECT implies FROM {IMPLIES_TABLE} WHERE version_num = :r"),  # noqa: S608 - our own table
                                     {"r": revision}).scalar() or ""
        for stand_in in _heads(script, (r for r in implied.split(",") if r in known)):
            covered = set().union(*(_ancestors(script, r) for r in remaining + substitutes))
            if stand_in not in covered:
                _insert(connection, version_table, stand_in)
                substitutes.append(stand_in)
    yield unknown
    now = _recorded(connection, version_table)
    for stand_in in substitutes:
        if stand_in in now:  # not moved on: the set-aside row stands for it again
            _delete(connection, version_table, stand_in)
    for revision in unknown:
        _insert(connection, version_table, revision)
    for revision in now:
        if revision in known:
            implies = ",".join(sorted(_ancestors(script, revision) - {revision}))
            connection.execute(text(f"DELETE FROM {IMPLIES_TABLE} WHERE version_num = :r"), {"r": revision})  # noqa: S608
            connection.execute(text(f"INSERT INTO {IMPLIES_TABLE} (version_num, implies) VALUES (:r, :i)"),  # noqa: S608
                               {"r": revision, "i": implies})


def _recorded(connection: Connection, version_table: str) -> list[str]:
    if not inspect(connection).has_table(version_table):
        return []
    return list(connection.execute(text(f"SELECT version_num FROM {version_table}")).scalars())  # noqa: S608 - Alembic's table


def _delete(connection: Connection, version_table: str, revision: str) -> None:
    connection.execute(text(f"DELETE FROM {version_table} WHERE version_num = :r"), {"r": revision})  # noqa: S608


def _insert(connection: Connection, version_table: str, revision: str) -> None:
    connection.execute(text(f"INSERT INTO {version_table} (version_num) VALUES (:r)"), {"r": revision})  # noqa: S608


def upgrade_all() -> None:
    """Upgrade the core and every enabled plugin's branch to their newest revision (``heads``)."""
    from flask_migrate import upgrade

    upgrade(revision="heads")
