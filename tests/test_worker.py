"""The background jobs: ``flask meetings worker`` in production, in-process in the demo."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

import meetings
from meetings.domain.mail import queue_mail
from meetings.extensions import db
from meetings.models import OutboxMessage
from meetings.scheduler import build_scheduler

PROJECT = Path(__file__).resolve().parent.parent
FLASK = Path(sys.executable).parent / "flask"
WAIT_SECONDS = 60  # generous: only a failing test waits this long


def wait_for(condition, timeout: float = WAIT_SECONDS) -> bool:
    """Poll until ``condition()`` is true; False if it never became true within ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def queue_one(app, recipient: str) -> None:
    with app.app_context():
        queue_mail("sign_in_link", recipient, "sign_in_link", locale="sv",
                   link="http://localhost/sign-in/from-the-worker", minutes=15)
        db.session.commit()


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_worker_command_sends_queued_mail_and_stops_cleanly(make_app, mail_server, tmp_path, stop_signal):
    database = tmp_path / "worker.sqlite3"
    env = {**os.environ, "MEETINGS_ENV": "development", "DATABASE_URL": f"sqlite:///{database}",
           "MAIL_SERVER": mail_server.host, "MAIL_PORT": str(mail_server.port), "MAIL_BACKEND": "smtp",
           "BASE_URL": "http://localhost", "RUN_SCHEDULER": "false", "PYTHONUNBUFFERED": "1"}
    upgrade = subprocess.run([str(FLASK), "--app", "wsgi", "meetings", "upgrade"], cwd=PROJECT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert upgrade.returncode == 0, upgrade.stderr
    app = make_app(DATABASE_URL=f"sqlite:///{database}", create_schema=False)
    queue_one(app, "from-worker@example.org")

    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = subprocess.Popen([str(FLASK), "--app", "wsgi", "meetings", "worker"], cwd=PROJECT, env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
    try:
        delivered = wait_for(lambda: mail_server.received or worker.poll() is not None)
        assert delivered and worker.poll() is None, log_path.read_text()
        worker.send_signal(stop_signal)
        returncode = worker.wait(timeout=WAIT_SECONDS)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    output = log_path.read_text()
    assert returncode == 0, output
    assert "Worker stopped." in output
    assert "Traceback" not in output
    assert [m["To"] for m in mail_server.received] == ["from-worker@example.org"]
    with app.app_context():
        row, = db.session.scalars(select(OutboxMessage)).all()
        assert row.sent_at is not None and row.attempts == 1


class RecordingPlugin:
    """A plugin with a background job that records each run."""

    def __init__(self) -> None:
        self.ran = threading.Event()
        self.ran_in_app = []

    @meetings.hookimpl
    def register_jobs(self, scheduler, app):
        def job() -> None:
            with app.app_context():
                self.ran_in_app.append(app.name)
            self.ran.set()

        scheduler.add_job(job, "date", id="recording.job")  # once, as soon as the scheduler runs


def test_plugin_jobs_join_the_core_jobs(make_app):
    plugin = RecordingPlugin()
    app = make_app(plugins=[plugin])

    for blocking in (True, False):
        jobs = {job.id for job in build_scheduler(app, blocking=blocking).get_jobs()}
        assert {"core.send_due_mail", "core.purge_spent_tokens", "recording.job"} <= jobs
    assert not plugin.ran.is_set()  # building a scheduler runs nothing


@pytest.fixture
def scheduler_threads_end():
    """Checks, after make_app's teardown, that no in-process scheduler is left running.

    Requested before make_app, so it is torn down after it."""
    before = set(threading.enumerate())
    started: list = []
    yield started
    for scheduler in started:
        assert not scheduler.running
    left = [t for t in threading.enumerate() if t not in before and t.name == "APScheduler" and t.is_alive()]
    assert left == []


def test_demo_runs_the_jobs_in_process(scheduler_threads_end, make_app, mail_server):
    plugin = RecordingPlugin()
    app = make_app(plugins=[plugin], RUN_SCHEDULER=True, OUTBOX_INTERVAL_SECONDS=1,
                   MAIL_SERVER=mail_server.host, MAIL_PORT=mail_server.port)
    scheduler = app.extensions["meetings.scheduler"]
    scheduler_threads_end.append(scheduler)
    assert scheduler.running

    queue_one(app, "in-process@example.org")
    assert wait_for(lambda: mail_server.received), "the in-process scheduler sent nothing"
    assert [m["To"] for m in mail_server.received] == ["in-process@example.org"]
    assert plugin.ran.wait(timeout=WAIT_SECONDS)
    assert plugin.ran_in_app == [app.name]
