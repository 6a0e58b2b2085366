"""One Alembic history builds the schema from empty, on SQLite and on PostgreSQL, and it agrees
with the models: a model change without a migration fails here."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from meetings.extensions import db
from meetings.schema import IMPLIES_TABLE, include_name
from meetings.testing import database_url_for_tests, reset_postgres_schema, uses_postgres


def empty_database(app):
    if uses_postgres():
        with app.app_context():
            db.engine.dispose()
        reset_postgres_schema(database_url_for_tests())


def differences(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True,
                                                               "include_name": include_name})
        return compare_metadata(context, db.metadata)


def test_migrations_build_the_schema_the_models_describe(make_app):
    app = make_app(create_schema=False)
    empty_database(app)
    with app.app_context():
        upgrade(revision="heads")
        tables = set(inspect(db.engine).get_table_names())
    assert {"organisation", "person", "membership", "forum", "meeting", "outbox_message",
            "sign_in_token", "alembic_version"} <= tables
    assert differences(app) == []


def test_migrations_can_be_undone_and_redone(make_app):
    app = make_app(create_schema=False)
    empty_database(app)
    with app.app_context():
        upgrade(revision="heads")
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version", IMPLIES_TABLE}
        upgrade(revision="heads")
    assert differences(app) == []


def constraint_names(url: str) -> dict[str, set[str]]:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    inspector = inspect(engine)
    names = {}
    for table in inspector.get_table_names():
        if table in ("alembic_version", IMPLIES_TABLE):
            continue
        found = {c["name"] for c in inspector.get_check_constraints(table)}
        found |= {c["name"] for c in inspector.get_unique_constraints(table)}
        names[table] = found
    engine.dispose()
    return names


def test_migrations_create_every_check_and_unique_constraint(make_app, tmp_path):
    """Autogenerate does not notice new CHECK constraints; this compares them by name with the models."""
    migrated_url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    modelled_url = f"sqlite:///{tmp_path / 'modelled.sqlite3'}"
    app = make_app(create_schema=False, DATABASE_URL=migrated_url)
    with app.app_context():
        upgrade(revision="heads")
    modelled = make_app(create_schema=False, DATABASE_URL=modelled_url)
    with modelled.app_context():
        db.create_all()
    assert constraint_names(migrated_url) == constraint_names(modelled_url)


# --- Plugins' branches: the calendar plugin's, and a plugin turned off --------------------------------


def recorded_versions(app) -> set[str]:
    with app.app_context(), db.engine.connect() as connection:
        return set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def table_names(app) -> set[str]:
    with app.app_context():
        names = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
        return names


ICAL_HEAD = "ical_0002"  # the newest revision of the calendar plugin's branch


def test_the_calendar_plugins_table_comes_from_its_own_branch(make_app):
    core_only = make_app(create_schema=False, MEETINGS_PLUGINS=())
    empty_database(core_only)
    with core_only.app_context():
        upgrade(revision="heads")
    assert "ical_feed_token" not in table_names(core_only)
    (core_head,) = recorded_versions(core_only)

    with_calendar = make_app(create_schema=False)  # the built-in plugins, ical among them
    with with_calendar.app_context():
        upgrade(revision="heads")
    assert "ical_feed_token" in table_names(with_calendar)
    # One row per branch, at its head; the calendar's row also stands for the core revision it depends on.
    assert ICAL_HEAD in recorded_versions(with_calendar)
    # (Other built-in plugins' branches have rows of their own; core revisions start with a digit.)
    assert {v for v in recorded_versions(with_calendar) if v[0].isdigit()} <= {core_head}
    assert differences(with_calendar) == []


def test_a_database_migrated_before_the_calendar_branch_keeps_its_table(make_app):
    """Such a database got the table from the core's old revision 0040_ical."""
    core_only = make_app(create_schema=False, MEETINGS_PLUGINS=())
    empty_database(core_only)
    with core_only.app_context():
        upgrade(revision="heads")
        with db.engine.begin() as connection:
            db.metadata.tables["ical_feed_token"].create(connection)
            # As the old revision made it: without the seed that ical_0002 adds.
            connection.execute(text("ALTER TABLE ical_feed_token DROP COLUMN seed"))
            connection.execute(text("INSERT INTO ical_feed_token (person_id, token_hash, created_at) "
                                    "SELECT NULL, 'x', NULL WHERE 1 = 0"))
    with_calendar = make_app(create_schema=False)
    with with_calendar.app_context():
        upgrade(revision="heads")
    assert ICAL_HEAD in recorded_versions(with_calendar)
    assert differences(with_calendar) == []


def test_turning_a_plugin_off_keeps_its_tables_and_upgrades_and_the_demo_still_work(make_app):
    with_calendar = make_app(create_schema=False)
    empty_database(with_calendar)
    result = with_calendar.test_cli_runner().invoke(args=["meetings", "upgrade"])
    assert result.exit_code == 0, result.output
    assert result.output.endswith("The database is up to date.\n")
    versions = recorded_versions(with_calendar)
    assert ICAL_HEAD in versions

    without = make_app(create_schema=False, MEETINGS_PLUGINS=())
    cli = without.test_cli_runner()
    for command in (["meetings", "upgrade"], ["meetings", "demo"], ["db", "current"]):
        result = cli.invoke(args=command)
        assert result.exit_code == 0, f"{command}: {result.output} {result.exception!r}"
    assert recorded_versions(without) == versions  # the calendar's row is still there, untouched
    assert "ical_feed_token" in table_names(without)

    again = make_app(create_schema=False)
    result = again.test_cli_runner().invoke(args=["meetings", "upgrade"])
    assert result.exit_code == 0, result.output
    assert recorded_versions(again) == versions
