"""One Alembic history builds the schema from empty, on SQLite and on PostgreSQL, and it agrees
with the models: a model change without a migration fails here."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from meetings.extensions import db
from meetings.testing import database_url_for_tests, reset_postgres_schema, uses_postgres


def empty_database(app):
    if uses_postgres():
        with app.app_context():
            db.engine.dispose()
        reset_postgres_schema(database_url_for_tests())


def differences(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "render_as_batch": True})
        return compare_metadata(context, db.metadata)


def test_migrations_build_the_schema_the_models_describe(make_app):
    app = make_app(create_schema=False)
    empty_database(app)
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
    assert {"organisation", "person", "membership", "forum", "meeting", "outbox_message",
            "sign_in_token", "alembic_version"} <= tables
    assert differences(app) == []


def test_migrations_can_be_undone_and_redone(make_app):
    app = make_app(create_schema=False)
    empty_database(app)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
    assert differences(app) == []


def constraint_names(url: str) -> dict[str, set[str]]:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    inspector = inspect(engine)
    names = {}
    for table in inspector.get_table_names():
        if table == "alembic_version":
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
        upgrade()
    modelled = make_app(create_schema=False, DATABASE_URL=modelled_url)
    with modelled.app_context():
        db.create_all()
    assert constraint_names(migrated_url) == constraint_names(modelled_url)
