"""Background jobs. They sweep the database for due work, so a restart or a second worker
repeats nothing and loses nothing. Production runs them in ``flask meetings worker``; the demo
runs them inside the web process."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from .extensions import db
from .plugins import hook

log = logging.getLogger(__name__)


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
    from .domain.mail import send_due_mail

    now = datetime.now(UTC)
    common = {"max_instances": 1, "coalesce": True, "replace_existing": True}
    scheduler.add_job(in_app_context(app, send_due_mail), "interval",
                      seconds=app.config.get("OUTBOX_INTERVAL_SECONDS", 10),
                      id="core.send_due_mail", next_run_time=now, **common)
    scheduler.add_job(in_app_context(app, purge_spent_tokens), "interval", hours=1,
                      id="core.purge_spent_tokens", **common)


def build_scheduler(app: Flask, blocking: bool) -> BaseScheduler:
    scheduler = BlockingScheduler(timezone=UTC) if blocking else BackgroundScheduler(timezone=UTC)
    add_core_jobs(scheduler, app)
    hook(app).register_jobs(scheduler=scheduler, app=app)
    return scheduler


def start_in_process(app: Flask) -> BackgroundScheduler:
    scheduler = build_scheduler(app, blocking=False)
    scheduler.start()
    app.extensions["meetings.scheduler"] = scheduler
    return scheduler
