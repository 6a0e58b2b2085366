"""Database connection settings that make SQLite behave like the server databases we rely on."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event

from .extensions import db

# How long a write waits for another writer to finish before SQLite gives up ("database is
# locked"). Writes are short, so under a burst a request waits in line instead of failing; one
# that still finds the database busy gets the "try again" page (meetings.errors), never a 500.
SQLITE_BUSY_TIMEOUT_MS = 20_000


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    busy_timeout_ms = int(app.config.get("SQLITE_BUSY_TIMEOUT_MS", SQLITE_BUSY_TIMEOUT_MS))

    @event.listens_for(engine, "connect")
    def configure_sqlite(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        # SQLite ignores foreign keys (and so ON DELETE CASCADE) unless asked, per connection.
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        if engine.url.database not in (None, "", ":memory:"):
            # Readers do not block the writer, and the writer does not block readers.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
