"""Background jobs. They sweep the database for due work, so a restart or a second worker
repeats nothing and loses nothing. Production runs them in ``flask meetings worker``; the demo
runs them inside the web process."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps

from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from .extensions import db
from .plugins import hook

log = logging.getLogger(__name__)

EXTENSION_KEY = "meetings.scheduler"
STOP_SIGNALS = frozenset({signal.SIGTERM, signal.SIGINT})


def in_app_context(app: Flask, job: Callable[[], object]) -> Callable[[], None]:
    @wraps(job)
    def run() -> None:
        with app.app_context():
            try:
                job()
            except Exception:
                log.exception("Background job %s failed", job.__name__)
                db.session.rollback()
            finally:
                db.session.remove()

    return run


def add_core_jobs(scheduler: BaseScheduler, app: Flask) -> None:
    from .domain.auth import purge_spent_tokens
    from .domain.interests import send_interest_digests
    from .domain.invitations import send_invitation_reminders
    from .domain.mail import alert_failing_mail, send_due_mail
    from .domain.personal_data import delete_old_needs
    from .domain.reminders import send_meeting_reminders

    now = datetime.now(UTC)
    # A sweep that starts late still runs (no misfire limit); runs that were missed while the
    # machine was busy are done once, not once each.
    common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None,
              "replace_existing": True, "next_run_time": now}
    scheduler.add_job(in_app_context(app, send_due_mail), "interval",
                      seconds=app.config["OUTBOX_INTERVAL_SECONDS"],
                      id="core.send_due_mail", **common)
    # Admins hear once about mail that has been failing for an hour (each message claimed once).
    scheduler.add_job(in_app_context(app, alert_failing_mail), "interval", minutes=5,
                      id="core.alert_failing_mail", **common)
    # Also at start, so that a worker restarted more often than hourly still purges.
    scheduler.add_job(in_app_context(app, purge_spent_tokens), "interval", hours=1,
                      id="core.purge_spent_tokens", **common)
    # Batched: news gathered over a quarter of an hour goes out as one e-mail per person.
    scheduler.add_job(in_app_context(app, send_interest_digests), "interval", minutes=15,
                      id="core.send_interest_digests", **common)
    # Invitations not yet answered two days before registration closes: reminded once (claimed).
    scheduler.add_job(in_app_context(app, send_invitation_reminders), "interval", minutes=30,
                      id="core.send_invitation_reminders", **common)
    # A reminder goes out at most five minutes after it is due; the claim makes it go out once.
    scheduler.add_job(in_app_context(app, send_meeting_reminders), "interval", minutes=5,
                      id="core.send_meeting_reminders", **common)
    # Food and access needs go NEEDS_RETENTION_DAYS after the meeting; an hour late does no harm.
    scheduler.add_job(in_app_context(app, delete_old_needs), "interval", hours=1,
                      id="core.delete_old_needs", **common)


def build_scheduler(app: Flask, blocking: bool) -> BaseScheduler:
    """A scheduler with the core's jobs and every enabled plugin's (hook ``register_jobs``)."""
    # Plugins' jobs too: a job due while the machine was busy runs late rather than being dropped
    # (APScheduler's default drops a run more than a second late), and missed runs are done once.
    defaults = {"misfire_grace_time": None, "coalesce": True}
    scheduler = (BlockingScheduler(timezone=UTC, job_defaults=defaults) if blocking
                 else BackgroundScheduler(timezone=UTC, job_defaults=defaults))
    add_core_jobs(scheduler, app)
    hook(app).register_jobs(scheduler=scheduler, app=app)
    return scheduler


def start_in_process(app: Flask) -> BackgroundScheduler:
    """Run the jobs in a thread of the web process (the demo; ``RUN_SCHEDULER``)."""
    scheduler = build_scheduler(app, blocking=False)
    scheduler.start()
    app.extensions[EXTENSION_KEY] = scheduler
    return scheduler


def run_worker(app: Flask, say: Callable[[str], object] = print) -> None:
    """Run the jobs in the foreground until SIGTERM or SIGINT (Ctrl+C).

    On the first signal the scheduler stops taking new runs and waits for running jobs to
    finish, then this returns. A second signal ends the process at once; a row being sent then
    stays claimed for a few minutes and is sent again after that.
    """
    in_process = app.extensions.pop(EXTENSION_KEY, None)
    if in_process is not None:  # RUN_SCHEDULER is on: the worker's own scheduler replaces it
        in_process.shutdown()
    scheduler = build_scheduler(app, blocking=True)
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not on POSIX
        try:
            scheduler.start()
        except KeyboardInterrupt:
            scheduler.shutdown()
        return

    started = threading.Event()
    scheduler.add_listener(lambda event: started.set(), EVENT_SCHEDULER_STARTED)

    def wait_for_signal() -> None:
        signal.sigwait(STOP_SIGNALS)
        started.wait()
        say("Stopping: waiting for running jobs to finish (signal again to stop at once).")
        scheduler.shutdown(wait=True)
        signal.sigwait(STOP_SIGNALS)
        os._exit(1)

    # The stop signals are taken by a thread of our own with sigwait, not by a signal handler
    # that would interrupt the scheduler's loop wherever it happens to be (holding its locks).
    # Threads started from here on, the scheduler's included, inherit the blocked signals.
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        threading.Thread(target=wait_for_signal, name="worker-signals", daemon=True).start()
        scheduler.start()
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
