"""`flask meetings demo` adds published, corrected and draft minutes to the demo forums, once."""

from __future__ import annotations

import logging

import pytest

from meetings.extensions import db
from meetings.testing import database_url_for_tests, reset_postgres_schema, uses_postgres
from plugins.minutes.models import Protocol


@pytest.fixture
def keep_logging():
    root = logging.getLogger()
    level, handlers = root.level, root.handlers[:]
    yield
    root.setLevel(level)
    root.handlers[:] = handlers


def test_the_demo_has_published_corrected_and_draft_minutes(make_app, keep_logging):
    if uses_postgres():
        reset_postgres_schema(database_url_for_tests())
    app = make_app(create_schema=False)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["meetings", "demo"])
    assert result.exit_code == 0, result.output
    assert "3 minutes" in result.output
    with app.app_context():
        protocols = db.session.query(Protocol).order_by(Protocol.id).all()
        assert [(p.status, p.revision) for p in protocols] == [("published", 1), ("published", 2), ("draft", 1)]
        corrected = protocols[1]
        assert corrected.revisions[0].approved_by.count("\n") == len(corrected.signers) - 1
        assert all(len(p.signers) == 3 for p in protocols)
        assert protocols[2].paragraphs[-1].immediate_approved_at is not None   # omedelbar justering
        first_numbers = [q.number for q in protocols[0].paragraphs]
        assert first_numbers[0] == 1 and first_numbers == list(range(1, len(first_numbers) + 1))
        published = protocols[0].id
    client = app.test_client()
    page = client.get(f"/minutes/{published}").get_data(as_text=True)
    assert "Dnr 00677-2020" in page
    assert client.get(f"/minutes/{protocols[2].id}").status_code == 404   # the draft is not public
    again = runner.invoke(args=["meetings", "demo"])
    assert "3 minutes" in again.output
