"""A pytest plugin for the project and for authors of third-party plugins.

Installed with the project (entry point ``pytest11``), it offers:

``make_app(plugins=..., **config)``
    builds an app in testing mode with a fresh database. ``plugins`` is a list of plugin
    module objects to register directly, or use ``MEETINGS_PLUGINS=...`` to load by entry point.
``app``, ``client``
    an app with the built-in plugins, and a test client for it.
``mail_server``
    a real SMTP server (aiosmtpd) on a free loopback port; the app's MAIL_* settings point to it.
``send_mail``
    runs the outbox job once and returns the messages the SMTP server received.

The database is SQLite in a temporary folder, or PostgreSQL when ``MEETINGS_TEST_DATABASE_URL``
is set (for example ``postgresql://127.0.0.1:5432/test``); PostgreSQL tables are emptied after
each test.
"""

from __future__ import annotations

import email
import email.policy
import os
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

TEST_DATABASE_ENV = "MEETINGS_TEST_DATABASE_URL"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> None:
    """In CI a missing component fails the test; on a developer's machine it is skipped."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: nothing may be skipped)")
    pytest.skip(reason)


def database_url_for_tests() -> str | None:
    return os.environ.get(TEST_DATABASE_ENV) or None


def uses_postgres() -> bool:
    url = database_url_for_tests()
    return bool(url and url.startswith("postgresql"))


def reset_postgres_schema(url: str) -> None:
    engine = create_engine(_psycopg_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(scope="session")
def _database_for_session() -> Iterator[str | None]:
    url = database_url_for_tests()
    if url and url.startswith("postgresql"):
        try:
            reset_postgres_schema(url)
        except Exception as exc:  # pragma: no cover - depends on the machine
            pytest.exit(f"Cannot reach the test database {url}: {exc}", returncode=3)
    yield url


def _empty_all_tables(app: Flask) -> None:
    from .extensions import db

    with app.app_context():
        tables = [table.name for table in db.metadata.sorted_tables]
        if db.engine.dialect.name == "postgresql":
            existing = set(db.inspect(db.engine).get_table_names())
            names = ", ".join(f'"{t}"' for t in tables if t in existing)
            if names:
                with db.engine.begin() as connection:
                    connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(tmp_path, _database_for_session) -> Iterator[Callable[..., Flask]]:
    apps: list[Flask] = []

    def factory(plugins: list[Any] | None = None, create_schema: bool = True, **config: Any) -> Flask:
        from . import create_app
        from .extensions import db

        settings: dict[str, Any] = {
            "MEETINGS_ENV": "testing",
            "SECRET_KEY": "test-secret-key-not-for-production",
            "DATABASE_URL": _database_for_session or f"sqlite:///{tmp_path / 'test.sqlite3'}",
            "BASE_URL": "http://localhost",
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": 1,  # nothing listens here unless a test starts mail_server
            "RATELIMIT_STORAGE_URI": "memory://",
            "EXTRA_PLUGINS": list(plugins or ()),
        }
        if settings["DATABASE_URL"].startswith("postgresql://"):
            settings["DATABASE_URL"] = _psycopg_url(settings["DATABASE_URL"])
        settings.update(config)
        app = create_app(settings)
        if create_schema:
            with app.app_context():
                db.create_all()
        apps.append(app)
        return app

    yield factory
    for app in apps:
        scheduler = app.extensions.get("meetings.scheduler")
        if scheduler is not None:
            scheduler.shutdown(wait=False)
    if apps:
        _empty_all_tables(apps[0])


@pytest.fixture
def app(make_app) -> Flask:
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class MailServer:
    """A real SMTP server on loopback that keeps what it receives."""

    host: str = "127.0.0.1"
    port: int = 0
    received: list[EmailMessage] = field(default_factory=list)
    _controller: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self._lock:
            self.received.append(message)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        if not self.port:
            self.port = _free_port()
        self._controller = Controller(self, hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.received if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_server(app) -> Iterator[MailServer]:
    """Starts an SMTP server and points ``app`` at it."""
    server = MailServer()
    server.start()
    app.config.update(MAIL_SERVER=server.host, MAIL_PORT=server.port, MAIL_BACKEND="smtp")
    yield server
    server.stop()


@pytest.fixture
def send_mail(app, mail_server) -> Callable[[], list[EmailMessage]]:
    """Run the outbox job now; returns everything the SMTP server has received so far."""
    from .domain.mail import send_due_mail

    def run() -> list[EmailMessage]:
        with app.app_context():
            send_due_mail()
        return mail_server.received

    return run


def text_part(message: EmailMessage) -> str:
    """The plain-text body of a received e-mail."""
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def html_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    return part.get_content() if part is not None else ""
