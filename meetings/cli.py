"""The ``flask meetings …`` commands."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .plugins import describe_plugins, hook, plugin_manager, plugin_settings


@click.command("plugins")
@with_appcontext
@click.option("--settings", "show_settings", is_flag=True,
              help="List the enabled plugins' settings with their current values instead.")
def list_plugins(show_settings: bool) -> None:
    """List installed plugins with their version and whether they are enabled."""
    if show_settings:
        _list_plugin_settings()
        return
    rows = describe_plugins(current_app)
    if not rows:
        click.echo("No plugins are installed.")
        return
    width = max(len(row.name) for row in rows)
    for row in rows:
        state = "enabled" if row.enabled else "disabled"
        origin = "built-in" if row.builtin else (row.distribution or "not installed")
        click.echo(f"{row.name:<{width}}  {row.version or '-':<10}  {state:<8}  {origin}")


def _list_plugin_settings() -> None:
    declared = plugin_settings(plugin_manager(current_app))
    if not declared:
        click.echo("No enabled plugin has settings.")
        return
    for plugin, setting in declared:
        kind = "|".join(setting.choices) if setting.choices else setting.type.__name__
        click.echo(f"{setting.name} ({plugin}, {kind}, default {setting.default!r}): "
                   f"{current_app.config.get(setting.name)!r}")
        if setting.help:
            click.echo(f"    {setting.help}")


@click.command("create-admin")
@with_appcontext
@click.argument("email")
def create_admin_command(email: str) -> None:
    """Make EMAIL an administrator (creating the person if needed)."""
    from email_validator import EmailNotValidError, validate_email

    from .domain.auth import create_admin

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise click.BadParameter(str(exc), param_hint="EMAIL") from None
    person, created = create_admin(email)
    click.echo(f"{'Created' if created else 'Updated'} administrator {person.email}. "
               "They sign in with a link sent to that address.")


def _person_by_email(email: str):
    from sqlalchemy import select

    from .domain.auth import normalise_email
    from .extensions import db
    from .models import Person

    person = db.session.scalar(select(Person).where(Person.email == normalise_email(email)))
    if person is None:
        raise click.ClickException(f"No person has the address {email}.")
    return person


@click.command("export-person")
@with_appcontext
@click.argument("email")
def export_person_command(email: str) -> None:
    """Print, as JSON, everything held about the person with EMAIL (a request for their data)."""
    import json

    from .domain.personal_data import export_person

    click.echo(json.dumps(export_person(_person_by_email(email)), ensure_ascii=False, indent=2))


@click.command("erase-person")
@with_appcontext
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_person_command(email: str, yes: bool) -> None:
    """Remove the person with EMAIL and what is theirs (a request for erasure)."""
    from .domain.personal_data import erase_person

    person = _person_by_email(email)
    if not yes:
        click.confirm(f"Remove {person.email} and everything held about them?", abort=True)
    erase_person(person)
    click.echo(f"Removed {email}.")


@click.command("upgrade")
@with_appcontext
def upgrade_command() -> None:
    """Create or upgrade the database: the core's tables and those of every enabled plugin."""
    from .schema import upgrade_all

    upgrade_all()
    click.echo("The database is up to date.")


@click.command("worker")
@with_appcontext
def worker() -> None:
    """Run the background jobs (sending mail, reminders, clean-up) until stopped."""
    from .scheduler import run_worker

    click.echo("Worker started; stop it with Ctrl+C or SIGTERM.")
    run_worker(current_app._get_current_object(), say=click.echo)
    click.echo("Worker stopped.")


@click.command("demo")
@with_appcontext
@click.option("--serve/--no-serve", default=False,
              help="Also start a development server with the demo settings.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def demo(serve: bool, host: str, port: int) -> None:
    """Create the database if needed and load the demo data (running it again changes nothing)."""
    from .demo_data import load_demo_data
    from .schema import upgrade_all

    upgrade_all()
    summary = load_demo_data()
    for added in hook().demo_data(app=current_app._get_current_object()):
        summary.update(added or {})
    click.echo("Demo data: " + ", ".join(f"{count} {what}" for what, count in summary.items()))
    if serve:
        _serve_demo(host, port)


def _serve_demo(host: str, port: int) -> None:
    from . import create_app

    url = f"http://{host}:{port}/"
    app = create_app({"DEMO_MODE": True, "MAIL_BACKEND": "demo", "RUN_SCHEDULER": True,
                      "MEETINGS_ENV": "development", "BASE_URL": url.rstrip("/"),
                      "OUTBOX_INTERVAL_SECONDS": 2})
    click.secho(f"\n  The demo runs at {url}\n  Every e-mail is printed here and listed at "
                f"{url}demo/mail\n  Sign in as an example person at {url}demo/people\n",
                fg="green", bold=True)
    # app.run() refuses to start inside a `flask` command, so serve with werkzeug directly.
    from werkzeug.serving import run_simple

    run_simple(host, port, app, use_reloader=False, threaded=True)


def register(app: Flask) -> None:
    # A group per app, so that one app's plugins never add commands to another's.
    group = AppGroup("meetings", help="Manage the dialogue-meetings service.")
    for command in (list_plugins, upgrade_command, create_admin_command, export_person_command, erase_person_command,
                    worker, demo):
        group.add_command(command)
    hook(app).register_commands(cli=group)
    app.cli.add_command(group)
