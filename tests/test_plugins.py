"""Plugins: found through their entry point, imported only when enabled, one set per app.

The plugins here are real distributions, built from source written by the fixtures (the
``hello`` example is taken from docs/writing-plugins.md) and installed with pip into a folder
outside the repository.
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import inspect
import json
import os
import re
import shlex
import sqlite3
import subprocess
import sys
import textwrap
import types
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from packaging.version import Version

from meetings import hookimpl, testing
from meetings.extensions import db
from meetings.models import Forum, Meeting, MeetingFormat, MeetingStatus, Organisation, OrganisationKind
from meetings.plugins import NavLink, PluginError
from meetings.scheduler import build_scheduler

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "writing-plugins.md"
EXAMPLE = "hello-meetings-plugin"

# Plugins that must stop start-up, and one with an Alembic branch, in a second distribution.
OTHER_PLUGINS = {
    "pyproject.toml": """
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "other-meetings-plugins"
        version = "0.4.0"

        [project.entry-points."meetings.plugins"]
        broken = "broken_meetings_plugin"
        misspelled = "misspelled_meetings_plugin"
        wrongargument = "wrongargument_meetings_plugin"
        tables = "tables_meetings_plugin"
        twin = "tables_meetings_plugin"
        Bad-Name = "tables_meetings_plugin"

        [tool.setuptools]
        packages = ["broken_meetings_plugin", "misspelled_meetings_plugin",
                    "wrongargument_meetings_plugin", "tables_meetings_plugin"]

        [tool.setuptools.package-data]
        tables_meetings_plugin = ["migrations/*.py"]
        """,
    "broken_meetings_plugin/__init__.py": """
        raise RuntimeError("the calendar library is missing")
        """,
    "misspelled_meetings_plugin/__init__.py": """
        from meetings import hookimpl

        @hookimpl
        def nav_link(person):
            return []
        """,
    "wrongargument_meetings_plugin/__init__.py": """
        from meetings import hookimpl

        @hookimpl
        def nav_links(user):
            return []
        """,
    "tables_meetings_plugin/__init__.py": """
        from pathlib import Path

        from meetings import hookimpl

        @hookimpl
        def migration_directories():
            return [Path(__file__).parent / "migrations"]
        """,
    "tables_meetings_plugin/migrations/tables_0001.py": '''
        """tables: notes on meetings"""
        import sqlalchemy as sa
        from alembic import op

        revision = "tables_0001"
        down_revision = None
        branch_labels = ("tables",)
        depends_on = "0001_core"


        def upgrade():
            op.create_table(
                "tables_note",
                sa.Column("id", sa.Integer(), primary_key=True),
                sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meeting.id"), nullable=False),
                sa.Column("text", sa.Text(), nullable=False),
            )


        def downgrade():
            op.drop_table("tables_note")
        ''',
}
# A second distribution announcing a name that other-meetings-plugins announces too.
TWIN_PLUGIN = {
    "pyproject.toml": """
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "twin-meetings-plugin"
        version = "1.0.0"

        [project.entry-points."meetings.plugins"]
        twin = "twin_meetings_plugin"

        [tool.setuptools]
        packages = ["twin_meetings_plugin"]
        """,
    "twin_meetings_plugin/__init__.py": "",
}
PLUGIN_MODULES = ("hello_meetings_plugin", "broken_meetings_plugin", "misspelled_meetings_plugin",
                  "wrongargument_meetings_plugin", "tables_meetings_plugin", "twin_meetings_plugin")


def example_files() -> dict[str, str]:
    """The files of the guide's example, by path inside the example's folder."""
    found = re.findall(rf"\*\*`{EXAMPLE}/([^`]+)`\*\*\n\n```[a-z]*\n(.*?)```", GUIDE.read_text("utf-8"), re.S)
    return dict(found)


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip(), encoding="utf-8")
    return root


def compile_catalogues(root: Path) -> None:
    """What ``pybabel compile`` does before a plugin is built."""
    for po_file in root.rglob("*.po"):
        with po_file.open("rb") as source:
            catalogue = read_po(source)
        with po_file.with_suffix(".mo").open("wb") as target:
            write_mo(target, catalogue)


def setuptools_builds_wheels() -> bool:
    """Whether this environment's setuptools can build a wheel without downloading anything."""
    try:
        version = Version(importlib.metadata.version("setuptools"))
    except importlib.metadata.PackageNotFoundError:
        return False
    return version >= Version("70.1") or importlib.util.find_spec("wheel") is not None


def pip_install(target: Path, *projects: Path) -> None:
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target)]
    if setuptools_builds_wheels():
        command += ["--no-build-isolation", "--no-index"]
    # Absolute paths: pip must never read a folder's name as a package to download.
    result = subprocess.run([*command, *(str(p.resolve()) for p in projects)],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
def plugin_site(tmp_path_factory) -> dict[str, Path]:
    """Builds the example plugin and the other test plugins, and pip-installs them into a folder."""
    base = tmp_path_factory.mktemp("plugin-distributions")
    assert ROOT not in base.parents
    hello = write_tree(base / EXAMPLE, example_files())
    assert (hello / "hello_meetings_plugin" / "__init__.py").exists(), "the guide lost its example"
    compile_catalogues(hello)
    others = write_tree(base / "other-meetings-plugins", OTHER_PLUGINS)
    twin = write_tree(base / "twin-meetings-plugin", TWIN_PLUGIN)
    site = base / "site"
    pip_install(site, hello, others, twin)
    return {"site": site, "hello": hello}


@pytest.fixture
def installed(plugin_site, monkeypatch):
    """The test plugins are installed (their folder is on sys.path) for the length of a test."""
    monkeypatch.syspath_prepend(str(plugin_site["site"]))
    yield plugin_site
    for name in PLUGIN_MODULES:
        sys.modules.pop(name, None)


def published_meeting(app) -> int:
    with app.app_context():
        organiser = Organisation(name="Region Norrbotten", kind=OrganisationKind.PUBLIC_BODY)
        forum = Forum(slug="dialogforum", name="Dialogforum", organiser=organiser)
        meeting = Meeting(forum=forum, title="Vårmöte", format=MeetingFormat.ON_SITE,
                          status=MeetingStatus.PUBLISHED,
                          starts_at=datetime(2030, 3, 12, 12, tzinfo=UTC),
                          ends_at=datetime(2030, 3, 12, 15, tzinfo=UTC))
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


def listed_plugins(app) -> dict[str, list[str]]:
    """``flask meetings plugins``, as {name: [version, state, origin]}."""
    result = app.test_cli_runner().invoke(args=["meetings", "plugins"])
    assert result.exit_code == 0, result.output
    return {line.split()[0]: line.split()[1:] for line in result.output.splitlines()}


def subprocess_env(site: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("MEETINGS_PLUGINS", "MEETINGS_TEST_DATABASE_URL", "DATABASE_URL")}
    python_path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    env.update(PYTHONPATH=python_path, MEETINGS_ENV="testing", SECRET_KEY="test-secret-key-not-for-production",
               **settings)
    return env


def run_flask(site: Path, *args: str, **settings: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "meetings:create_app", *args],
                          env=subprocess_env(site, **settings), capture_output=True, text=True,
                          timeout=120, check=False)


# --- An enabled plugin ------------------------------------------------------------------------


def test_an_enabled_plugin_adds_a_page_a_link_and_a_meeting_panel(make_app, installed):
    app = make_app(MEETINGS_PLUGINS=("hello",))
    meeting_id = published_meeting(app)
    client = app.test_client()

    assert Path(sys.modules["hello_meetings_plugin"].__file__).is_relative_to(installed["site"])
    page = client.get("/hello")
    assert page.status_code == 200
    assert page.get_data(as_text=True) == "Hej från ett tillägg!"
    assert '<a href="/hello">Hej</a>' in client.get("/").get_data(as_text=True)
    meeting_page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert '<p class="hello-greeting">Hej, Vårmöte!</p>' in meeting_page


def test_a_plugin_translates_through_its_own_domain(make_app, installed):
    app = make_app(MEETINGS_PLUGINS=("hello",))
    meeting_id = published_meeting(app)
    client = app.test_client()
    english = {"Accept-Language": "en"}

    assert client.get("/hello", headers=english).get_data(as_text=True) == "Hello from a plugin!"
    home = client.get("/", headers=english).get_data(as_text=True)
    assert '<a href="/hello">Hello</a>' in home
    meeting_page = client.get(f"/meetings/{meeting_id}", headers=english).get_data(as_text=True)
    assert '<p class="hello-greeting">Hello, Vårmöte!</p>' in meeting_page
    # The core's own words are still the core's.
    assert '>Start</a>' in client.get("/").get_data(as_text=True)


def test_a_plugin_adds_a_command_and_a_job(make_app, installed):
    app = make_app(MEETINGS_PLUGINS=("hello",))
    published_meeting(app)

    result = app.test_cli_runner().invoke(args=["meetings", "hello", "greet", "Ada"])
    assert result.exit_code == 0, result.output
    assert result.output == "Hello, Ada!\n"
    # The guide's AppGroup runs its commands in the application context: the database is at hand.
    assert app.test_cli_runner().invoke(args=["meetings", "hello", "count"]).output == "1\n"

    jobs = {job.id: job for job in build_scheduler(app, blocking=False).get_jobs()}
    assert "hello.count_meetings" in jobs
    job = jobs["hello.count_meetings"]
    assert job.func(*job.args) == 1


# --- A plugin that is installed but not enabled -----------------------------------------------


NOT_ENABLED_CHECK = """
import json
import sys
from datetime import UTC, datetime
from importlib.metadata import entry_points

from meetings import create_app
from meetings.extensions import db
from meetings.models import Forum, Meeting, MeetingFormat, MeetingStatus, Organisation, OrganisationKind

{published_meeting}

settings = json.loads(sys.argv[1])
if "MEETINGS_PLUGINS" in settings:
    settings["MEETINGS_PLUGINS"] = tuple(settings["MEETINGS_PLUGINS"])
app = create_app(settings)
with app.app_context():
    db.create_all()
meeting_id = published_meeting(app)
client = app.test_client()
cli = app.test_cli_runner()
home = client.get("/")
meeting = client.get(f"/meetings/{{meeting_id}}")
report = {{
    "hello": client.get("/hello").status_code,
    "home": [home.status_code, home.get_data(as_text=True)],
    "meeting": [meeting.status_code, meeting.get_data(as_text=True)],
    "listing": cli.invoke(args=["meetings", "plugins"]).output,
    "greet": cli.invoke(args=["meetings", "hello", "greet", "Ada"]).output,
    "imported": sorted(ep.module for ep in entry_points(group="meetings.plugins") if ep.module in sys.modules),
}}
print(json.dumps(report))
"""


@pytest.mark.parametrize("settings", [{}, {"MEETINGS_PLUGINS": []}], ids=["default", "none"])
def test_an_installed_plugin_that_is_not_enabled_is_never_imported_and_adds_nothing(
        plugin_site, tmp_path, settings):
    # A fresh interpreter, so that no other test can have imported the plugin already.
    script = tmp_path / "check.py"
    script.write_text(NOT_ENABLED_CHECK.format(published_meeting=inspect.getsource(published_meeting)))
    settings = {"DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}", "BASE_URL": "http://localhost",
                "RATELIMIT_STORAGE_URI": "memory://", **settings}
    result = subprocess.run([sys.executable, str(script), json.dumps(settings)], cwd=tmp_path,
                            env=subprocess_env(plugin_site["site"]), capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])

    # Built-in plugins (in the `plugins` package) are enabled by default; the installed one is not.
    assert [module for module in report["imported"] if not module.startswith("plugins.")] == []
    if settings.get("MEETINGS_PLUGINS") == []:
        assert report["imported"] == []
    assert report["hello"] == 404
    home_status, home = report["home"]
    assert home_status == 200 and 'href="/forums"' in home
    assert 'href="/hello"' not in home
    meeting_status, meeting = report["meeting"]
    assert meeting_status == 200 and "Vårmöte" in meeting
    assert "hello-greeting" not in meeting
    assert "No such command 'hello'" in report["greet"]
    hello_line = next(line for line in report["listing"].splitlines() if line.startswith("hello "))
    assert hello_line.split()[1:3] == ["1.2.3", "disabled"]


# --- Plugins that stop start-up ---------------------------------------------------------------


@pytest.mark.parametrize(("plugin", "problem"), [
    ("broken", "failed to load: RuntimeError: the calendar library is missing"),
    ("not_installed", "is enabled in MEETINGS_PLUGINS but is not installed"),
    ("misspelled", "unknown hook 'nav_link'"),
    ("wrongargument", "Argument(s) {'user'} are declared in the hookimpl but can not be found"),
])
def test_an_enabled_plugin_that_cannot_run_stops_start_up_naming_it(make_app, installed, plugin, problem):
    with pytest.raises(PluginError) as raised:
        make_app(MEETINGS_PLUGINS=("hello", plugin))
    assert raised.value.plugin == plugin
    assert str(raised.value).startswith(f"Plugin {plugin!r} ")
    assert problem in str(raised.value)


def test_a_name_announced_by_two_distributions_stops_start_up_naming_both(make_app, installed):
    with pytest.raises(PluginError) as raised:
        make_app(MEETINGS_PLUGINS=("hello", "twin"))
    assert raised.value.plugin == "twin"
    assert "announced by more than one installed distribution" in str(raised.value)
    assert "other-meetings-plugins" in str(raised.value) and "twin-meetings-plugin" in str(raised.value)
    assert "twin_meetings_plugin" not in sys.modules  # refused before anything was imported
    # A plugin whose name is its own still loads beside them.
    assert make_app(MEETINGS_PLUGINS=("hello",)).test_client().get("/hello").status_code == 200


def test_an_installed_plugin_with_a_name_against_the_rule_is_refused(make_app, installed):
    with pytest.raises(PluginError, match=r"'Bad-Name' has a name that is not allowed: a plugin name is "
                                          r"lower-case letters, digits and underscores, starting with a letter"):
        make_app(MEETINGS_PLUGINS=("Bad-Name",))


def test_a_misspelled_plugin_name_is_shown_with_the_installed_ones(make_app, installed):
    with pytest.raises(PluginError, match=r"'helo' .*installed plugins: .*\bhello\b"):
        make_app(MEETINGS_PLUGINS=("helo",))


def test_the_flask_command_stops_with_the_name_of_a_plugin_that_fails(plugin_site):
    result = run_flask(plugin_site["site"], "meetings", "plugins", MEETINGS_PLUGINS="hello,broken")
    assert result.returncode != 0
    assert "Plugin 'broken' failed to load: RuntimeError: the calendar library is missing" in result.stderr


# --- flask meetings plugins ----------------------------------------------------------------------


def test_the_plugins_command_lists_installed_plugins_with_version_and_state(make_app, installed):
    enabled = listed_plugins(make_app(MEETINGS_PLUGINS=("hello",)))
    assert enabled["hello"] == ["1.2.3", "enabled", "hello-meetings-plugin"]
    assert enabled["tables"] == ["0.4.0", "disabled", "other-meetings-plugins"]

    assert listed_plugins(make_app(MEETINGS_PLUGINS=()))["hello"][:2] == ["1.2.3", "disabled"]


def test_the_plugins_command_from_the_shell_with_the_built_in_plugins_and_one_more(plugin_site):
    result = run_flask(plugin_site["site"], "meetings", "plugins", MEETINGS_PLUGINS="builtin,hello")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^hello +1\.2\.3 +enabled +hello-meetings-plugin$", result.stdout, re.M)
    assert re.search(r"^broken +0\.4\.0 +disabled ", result.stdout, re.M)


def guide_flask_commands() -> list[tuple[dict[str, str], list[str]]]:
    """The guide's `flask` command lines, as (environment variables, arguments after `flask`)."""
    commands = []
    for line in re.findall(r"^(?:\$ )?((?:[A-Z_]+=\S+ )*flask .*)$", GUIDE.read_text("utf-8"), re.M):
        words = line.split()
        at = words.index("flask")
        commands.append((dict(word.split("=", 1) for word in words[:at]), words[at + 1:]))
    return commands


def test_the_guides_flask_commands_work_as_written(plugin_site, tmp_path):
    commands = [(env, args) for env, args in guide_flask_commands() if args[-2:] == ["meetings", "plugins"]]
    assert len(commands) == 2
    for settings, args in commands:
        # As on an author's machine: no secret key, no MEETINGS_ENV, an instance folder of its own.
        env = {k: v for k, v in subprocess_env(plugin_site["site"]).items() if k not in ("MEETINGS_ENV", "SECRET_KEY")}
        result = subprocess.run([sys.executable, "-m", "flask", *args], env={**env, **settings}, cwd=tmp_path,
                                capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == 0, result.stderr
        assert re.search(r"^hello +1\.2\.3 +enabled +hello-meetings-plugin$", result.stdout, re.M)
        assert re.search(r"^ical +\S+ +enabled +built-in$", result.stdout, re.M)


# --- One plugin manager per app --------------------------------------------------------------------


def test_two_apps_in_one_process_keep_their_own_plugins(make_app, installed):
    with_hello = make_app(MEETINGS_PLUGINS=("hello",))
    without = make_app(MEETINGS_PLUGINS=())
    meeting_id = published_meeting(with_hello)

    for app, expected in ((with_hello, True), (without, False)):
        client = app.test_client()
        assert (client.get("/hello").status_code == 200) is expected
        assert ('href="/hello"' in client.get("/").get_data(as_text=True)) is expected
        assert ("hello-greeting" in client.get(f"/meetings/{meeting_id}").get_data(as_text=True)) is expected
        greet = app.test_cli_runner().invoke(args=["meetings", "hello", "greet", "Ada"])
        assert (greet.exit_code == 0) is expected
        job_ids = {job.id for job in build_scheduler(app, blocking=False).get_jobs()}
        assert ("hello.count_meetings" in job_ids) is expected


def nav_plugin(name: str) -> types.ModuleType:
    module = types.ModuleType(f"{name.lower()}_plugin")

    @hookimpl
    def nav_links(person):
        return [NavLink(f"/{name.lower()}", name)]

    module.nav_links = nav_links
    return module


@pytest.mark.parametrize("order", [["Alpha", "Beta"], ["Beta", "Alpha"]])
def test_navigation_links_follow_the_order_of_the_enabled_plugins(make_app, order):
    app = make_app(plugins=[nav_plugin(name) for name in order])
    home = app.test_client().get("/").get_data(as_text=True)
    positions = [home.index(f">{name}</a>") for name in order]
    assert positions == sorted(positions)


# --- Tables of a plugin -------------------------------------------------------------------------------


def tables_in(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_the_upgrade_command_creates_the_tables_of_enabled_plugins_only(plugin_site, tmp_path):
    enabled, disabled = tmp_path / "enabled.sqlite3", tmp_path / "disabled.sqlite3"

    result = run_flask(plugin_site["site"], "meetings", "upgrade",
                       MEETINGS_PLUGINS="builtin,tables", DATABASE_URL=f"sqlite:///{enabled}")
    assert result.returncode == 0, result.stderr
    assert {"meeting", "ical_feed_token", "tables_note"} <= tables_in(enabled)

    result = run_flask(plugin_site["site"], "meetings", "upgrade",
                       MEETINGS_PLUGINS="none", DATABASE_URL=f"sqlite:///{disabled}")
    assert result.returncode == 0, result.stderr
    assert "meeting" in tables_in(disabled)
    assert not {"ical_feed_token", "tables_note"} & tables_in(disabled)


def test_a_plugin_turned_off_leaves_its_tables_and_later_upgrades_work(plugin_site, tmp_path):
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}"}
    assert run_flask(plugin_site["site"], "meetings", "upgrade", MEETINGS_PLUGINS="builtin,tables",
                     **database).returncode == 0
    for command in (("meetings", "upgrade"), ("meetings", "demo"), ("db", "current")):
        result = run_flask(plugin_site["site"], *command, MEETINGS_PLUGINS="builtin", **database)
        assert result.returncode == 0, result.stderr
    assert "tables_note" in tables_in(tmp_path / "site.sqlite3")
    with sqlite3.connect(tmp_path / "site.sqlite3") as connection:
        assert ("tables_0001",) in connection.execute("SELECT version_num FROM alembic_version").fetchall()
    result = run_flask(plugin_site["site"], "meetings", "upgrade", MEETINGS_PLUGINS="builtin,tables", **database)
    assert result.returncode == 0, result.stderr


NOTES_PLUGIN = {
    "notes_meetings_plugin/__init__.py": """
        from pathlib import Path

        from meetings import hookimpl

        from . import models  # noqa: F401 - the plugin's table


        @hookimpl
        def migration_directories():
            return [Path(__file__).parent / "migrations"]
        """,
    "notes_meetings_plugin/models.py": """
        from sqlalchemy import ForeignKey, Text
        from sqlalchemy.orm import Mapped, mapped_column

        from meetings.extensions import db


        class Note(db.Model):
            __tablename__ = "notes_note"

            id: Mapped[int] = mapped_column(primary_key=True)
            meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"))
            text: Mapped[str] = mapped_column(Text)
        """,
    # What `pip install -e .` leaves on the path: the source folder, and the metadata naming the entry point.
    "notes_meetings_plugin-0.1.dist-info/METADATA":
        "Metadata-Version: 2.1\nName: notes-meetings-plugin\nVersion: 0.1\n",
    "notes_meetings_plugin-0.1.dist-info/entry_points.txt": "[meetings.plugins]\nnotes = notes_meetings_plugin\n",
}


def guide_migration_commands() -> list[str]:
    section = GUIDE.read_text("utf-8").split("## Tables and migrations", 1)[1]
    block = next(b for b in re.findall(r"```[a-z]*\n(.*?)```", section, re.S) if "db revision" in b)
    return [line.replace("hello", "notes") for line in block.splitlines() if line.strip()]


def test_a_plugins_first_revision_is_made_as_the_guide_says(plugin_site, tmp_path):
    source = write_tree(tmp_path / "notes-meetings-plugin", NOTES_PLUGIN)
    env = subprocess_env(plugin_site["site"])
    env["PYTHONPATH"] = os.pathsep.join([str(source), env["PYTHONPATH"]])
    outputs = []
    for line in guide_migration_commands():
        words = shlex.split(line.replace("$PWD", str(source)))
        if words[0] == "mkdir":
            (source / words[1]).mkdir()
        elif words[0] == "export":
            env.update(word.split("=", 1) for word in words[1:])
        else:
            assert words[0] == "flask", line
            result = subprocess.run([sys.executable, "-m", *words], cwd=source, env=env, capture_output=True,
                                    text=True, timeout=120, check=False)
            assert result.returncode == 0, f"{line}\n{result.stderr}"
            outputs.append(result.stdout)

    (revision_file,) = (source / "notes_meetings_plugin" / "migrations").glob("notes_0001_*.py")
    revision = revision_file.read_text("utf-8")
    assert "down_revision = None" in revision and "branch_labels = ('notes',)" in revision
    assert "op.create_table('notes_note'" in revision
    # The guide: depend on the head that `flask db heads` shows without a branch label.
    (core_head,) = [line.split()[0] for line in outputs[-1].splitlines()
                    if re.fullmatch(r"\S+ \((effective )?head\)", line.strip())]
    revision_file.write_text(revision.replace("depends_on = None", f"depends_on = {core_head!r}"), "utf-8")

    for database in (source / "dev.sqlite3", tmp_path / "fresh.sqlite3"):
        result = subprocess.run([sys.executable, "-m", "flask", "--app", "meetings:create_app", "meetings", "upgrade"],
                                cwd=source, env={**env, "DATABASE_URL": f"sqlite:///{database}"},
                                capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == 0, result.stderr
        assert {"meeting", "ical_feed_token", "notes_note"} <= tables_in(database)


# --- The guide's example has tests of its own, run with the meetings.testing pytest plugin --------


def test_the_guides_example_tests_pass_with_the_pytest_plugin(plugin_site):
    env = subprocess_env(plugin_site["site"])
    if os.environ.get("MEETINGS_TEST_DATABASE_URL"):  # on PostgreSQL too, when the suite runs there
        env["MEETINGS_TEST_DATABASE_URL"] = os.environ["MEETINGS_TEST_DATABASE_URL"]
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                            cwd=plugin_site["hello"], env=env, capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "7 passed" in result.stdout


def guide_commands(block_start: str) -> list[str]:
    """The command lines of the guide's code block that follows the paragraph starting ``block_start``."""
    guide = GUIDE.read_text("utf-8")
    block = re.search(rf"^{re.escape(block_start)}.*?\n```\n(.*?)```", guide, re.S | re.M).group(1)
    return block.splitlines()


def run_shell(site: Path, line: str, cwd: Path, **settings: str) -> subprocess.CompletedProcess:
    env = subprocess_env(site, **settings)
    del env["MEETINGS_ENV"], env["SECRET_KEY"]  # the command line says what it needs
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return subprocess.run(["bash", "-c", line], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_the_guides_commands_enable_the_example_and_create_its_table(plugin_site, tmp_path):
    """The guide's own lines after building (pybabel, pip and pytest are what plugin_site and the
    test above do): listing the plugin and creating its table through its Alembic branch."""
    lines = [line for line in guide_commands("Build and install it") if " flask " in f" {line}"]
    assert len(lines) == 2
    database = tmp_path / "meetings.sqlite3"
    listing, upgrade = (run_shell(plugin_site["site"], line, plugin_site["hello"],
                                  DATABASE_URL=f"sqlite:///{database}") for line in lines)
    assert listing.returncode == 0, listing.stderr
    assert re.search(r"^hello +1\.2\.3 +enabled ", listing.stdout, re.M)
    assert upgrade.returncode == 0, upgrade.stderr
    assert {"meeting", "attendance", "hello_welcome"} <= tables_in(database)
    with sqlite3.connect(database) as connection:
        heads = {row[0] for row in connection.execute("SELECT version_num FROM alembic_version")}
    assert "hello_0001" in heads


def test_the_example_uses_only_the_plugin_api_of_the_core():
    allowed = {"meetings", "meetings.api", "meetings.hookimpl", "meetings.testing"}
    used = set()
    for path, source in example_files().items():
        if path.endswith(".py"):
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "meetings":
                    used |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
                elif isinstance(node, ast.Import):
                    used |= {alias.name for alias in node.names if alias.name.split(".")[0] == "meetings"}
    assert used - allowed - {f"meetings.testing.{name}" for name in dir(testing)} == set()
    assert {"meetings.api", "meetings.testing"} <= used


def test_the_guides_build_line_compiles_the_catalogue(plugin_site, tmp_path):
    [line] = [line for line in guide_commands("Build and install it") if line.startswith("pybabel ")]
    copy = write_tree(tmp_path / EXAMPLE, example_files())
    result = run_shell(plugin_site["site"], line, copy)
    assert result.returncode == 0, result.stderr
    assert (copy / "hello_meetings_plugin" / "translations" / "sv" / "LC_MESSAGES" / "hello.mo").stat().st_size > 0


def test_the_example_declares_its_setting(plugin_site):
    result = run_flask(plugin_site["site"], "meetings", "plugins", "--settings", MEETINGS_PLUGINS="hello",
                       HELLO_WELCOME_MAIL="false")
    assert result.returncode == 0, result.stderr
    assert "HELLO_WELCOME_MAIL (hello, bool, default True): False" in result.stdout

    refused = run_flask(plugin_site["site"], "meetings", "plugins", MEETINGS_PLUGINS="hello",
                        HELLO_WELCOME_MAIL="sometimes")
    assert refused.returncode != 0
    assert "HELLO_WELCOME_MAIL" in refused.stderr


# --- Imports between the core and plugins -------------------------------------------------------


def imported_modules(path: Path, root: Path) -> set[str]:
    """Absolute names of the modules that ``path`` imports (relative imports resolved)."""
    package = list(path.relative_to(root).parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def plugin_imports(names: set[str], allowed: str | None = None) -> set[str]:
    return {name for name in names if name.split(".")[0] == "plugins"
            and (len(name.split(".")) < 2 or name.split(".")[1] != allowed)}


def test_the_import_check_resolves_relative_imports(tmp_path):
    module = tmp_path / "plugins" / "ical" / "views.py"
    module.parent.mkdir(parents=True)
    module.write_text("from ..minutes import models\nfrom . import feed\nimport plugins.fees\n")
    names = imported_modules(module, tmp_path)
    assert plugin_imports(names, allowed="ical") == {"plugins.minutes", "plugins.minutes.models", "plugins.fees"}


def test_the_core_never_imports_a_plugin_and_no_plugin_imports_another():
    problems = []
    for path in sorted((ROOT / "meetings").rglob("*.py")):
        problems += [f"{path.relative_to(ROOT)} imports {name}"
                     for name in sorted(plugin_imports(imported_modules(path, ROOT)))]
    for path in sorted((ROOT / "plugins").rglob("*.py")):
        own = path.relative_to(ROOT / "plugins").parts[0]
        problems += [f"{path.relative_to(ROOT)} imports {name}"
                     for name in sorted(plugin_imports(imported_modules(path, ROOT), allowed=own))]
    assert problems == []
    assert any("meetings.plugins" in imported_modules(path, ROOT) for path in (ROOT / "meetings").rglob("*.py"))
