"""Dialogue forums and meetings between public bodies and civil-society organisations."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from .hookspecs import hookimpl

__all__ = ["create_app", "hookimpl"]

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, plugins, views and commands.

    ``config`` overrides settings read from the environment (tests and the demo use it).
    Raises ConfigError or PluginError, naming the setting or plugin, if the app cannot run.
    """
    from . import caching, cli, database, errors, i18n, inputs, logs, orm_states, timing, views
    from .auth import load_signed_in_person
    from .config import load_config
    from .domain.identity import meeting_contact
    from .domain.permissions import may_see_needs
    from .domain.queries import online_link
    from .extensions import babel, csrf, db, limiter, migrate
    from .plugins import EXTENSION_KEY, create_plugin_manager, load_plugin_settings
    from .scheduler import start_in_process
    from .urls import public_url, refuse_foreign_hosts

    app = Flask(__name__, instance_relative_config=True)
    inputs.init_app(app)  # before any route: bounded <int:…> converters, cleaned request values
    app.config.update(load_config(app.instance_path, overrides=config))
    os.makedirs(app.instance_path, exist_ok=True)
    logs.init_app(app)

    orm_states.install_guard()  # before any ORM object exists: CPython 3.11 crash, see the module
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True,
                     compare_type=True)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    limiter.init_app(app)  # before CSRF, so that even malformed requests count against the limits
    csrf.init_app(app)
    i18n.init_app(app)
    app.jinja_env.globals["public_url"] = public_url
    app.jinja_env.globals["online_link"] = online_link  # the one rule for who sees a meeting's online link
    app.jinja_env.globals["may_see_needs"] = may_see_needs  # and for who sees food and access needs
    app.jinja_env.globals["meeting_contact"] = meeting_contact  # and for whom to ask about a meeting
    refuse_foreign_hosts(app)

    app.extensions[EXTENSION_KEY] = create_plugin_manager(app)
    app.config.update(load_plugin_settings(app.extensions[EXTENSION_KEY], overrides=config))
    timing.init_app(app)
    app.before_request(load_signed_in_person)
    caching.init_app(app)  # its page cache asks whether someone is signed in
    views.register(app)
    errors.register(app)
    cli.register(app)
    app.extensions[EXTENSION_KEY].hook.register_blueprints(app=app)

    if app.config["RUN_SCHEDULER"]:
        start_in_process(app)
    return app
