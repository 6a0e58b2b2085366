"""Issue 16: showing a forum page with a long list again and again killed the process (CPython 3.11).

The cause (meetings/orm_states.py): when the session closes, SQLAlchemy sets ``_strong_obj`` on the
state of every object it loaded. On CPython 3.11 that store turns the state's inline attributes
into a dict, an allocation that may run a garbage collection. If the collection frees the state's
own object (the forum and its meetings are cyclic garbage by then), the object's weak-reference
callback, InstanceState._cleanup, changes the same state and frees memory that the interrupted store
then goes on using. bench/crash_forum_page.py shows it as it happened: 5,000 meetings, a
segmentation fault within about a dozen page views. The child process here arranges that moment
every time: the collection runs exactly in that store, for a state whose object is garbage.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from meetings.models import utcnow
from meetings.testing import make_forum, make_meeting, make_organisation

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import gc, json, sys
from sqlalchemy import select
from meetings import create_app
from meetings.extensions import db
from meetings.models import Forum

settings, slug = json.loads(sys.argv[1])
app = create_app(settings)
page = app.test_client().get(f"/forums/{slug}")  # a process that has shown the page before
assert page.status_code == 200 and "Dialogmöte 59" in page.get_data(as_text=True)

with app.app_context():
    for attempt in range(3):
        gc.disable()  # what is loaded below stays young and uncollected until the store
        forum = db.session.scalar(select(Forum).where(Forum.slug == slug))
        meetings = list(forum.meetings)
        for meeting in meetings:
            meeting.forum  # as the page does: the forum and its meetings point at each other
        state = meetings[-1]._sa_instance_state
        del forum, meetings, meeting  # cyclic garbage now; the session still holds the states
        held = [{} for _ in range(100)]  # no spare dicts left: a new dict is a tracked allocation
        gc.set_threshold(1)
        gc.enable()  # so the next tracked allocation runs a collection
        state._strong_obj = None  # the store Session.close() makes on each state it detaches
        gc.set_threshold(700, 10, 10)
        del state, held
        db.session.close()
print("survived")
"""


def test_closing_the_session_of_a_long_forum_page_survives_a_collection_midway(app):
    with app.app_context():
        region = make_organisation("Region Norrbotten", "public_body")
        forum = make_forum(region, "Dialogforum om friluftsliv")
        start = utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(days=30)
        for day in range(60):  # held and coming; more than the 30 attribute names a class shares
            make_meeting(forum, f"Dialogmöte {day}", starts_at=start + timedelta(days=day))
        slug = forum.slug
    settings = {key: app.config[key] for key in ("MEETINGS_ENV", "SECRET_KEY", "DATABASE_URL", "BASE_URL",
                                                  "RATELIMIT_STORAGE_URI")}
    settings["MEETINGS_PLUGINS"] = list(app.config["MEETINGS_PLUGINS"] or ())
    # The debug allocator makes the use of freed memory fail at once rather than some time later.
    env = {**os.environ, "PYTHONMALLOC": "debug", "PYTHONFAULTHANDLER": "1"}

    result = subprocess.run([sys.executable, "-c", CHILD, json.dumps([settings, slug])], cwd=ROOT, env=env,
                            capture_output=True, text=True, errors="replace", timeout=120)

    assert result.returncode == 0, f"the process died (exit status {result.returncode}):\n{result.stderr[-3000:]}"
    assert "survived" in result.stdout
