"""Every hook is declared in meetings/hookspecs.py and documented there, as Datasette does."""

from __future__ import annotations

import ast
import inspect
import re
import types
from pathlib import Path

import pluggy
import pytest

from meetings import hookspecs

SPEC_MARKER = f"{hookspecs.PROJECT_NAME}_spec"
WRITING_PLUGINS = Path(__file__).resolve().parent.parent / "docs" / "writing-plugins.md"


def declared_hooks(module: types.ModuleType) -> dict[str, types.FunctionType]:
    return {name: function for name, function in vars(module).items()
            if inspect.isfunction(function) and hasattr(function, SPEC_MARKER)}


def documentation_problems(module: types.ModuleType) -> list[str]:
    """What is wrong with the documentation of the hooks in ``module``, one line per problem."""
    problems = []
    for name, function in declared_hooks(module).items():
        doc = inspect.getdoc(function) or ""
        if not doc.strip():
            problems.append(f"{name} has no docstring")
            continue
        for parameter in inspect.signature(function).parameters:
            if f"``{parameter}``" not in doc:
                problems.append(f"{name}: the docstring does not mention ``{parameter}``")
    return problems


def test_every_hook_is_documented_with_its_arguments():
    assert documentation_problems(hookspecs) == []


def test_the_check_catches_an_undocumented_hook_and_an_unmentioned_argument():
    fake = types.ModuleType("fake_hookspecs")
    exec(  # noqa: S102 - a module of hook specifications made for this test
        "from meetings.hookspecs import hookspec\n"
        "@hookspec\n"
        "def silent(meeting):\n"
        "    pass\n"
        "@hookspec\n"
        "def vague(meeting, person):\n"
        '    """Called for ``meeting``; the signed-in person is given too."""\n',
        fake.__dict__)
    assert documentation_problems(fake) == [
        "silent has no docstring",
        "vague: the docstring does not mention ``person``",
    ]


def test_the_plugin_manager_knows_exactly_the_declared_hooks():
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    callers = {name for name, caller in vars(manager.hook).items()
               if isinstance(caller, pluggy.HookCaller) and caller.spec is not None}
    assert callers == set(declared_hooks(hookspecs))
    assert len(callers) >= 10


@pytest.mark.parametrize("name", sorted(declared_hooks(hookspecs)))
def test_each_hook_is_listed_in_the_plugin_authors_guide(name):
    guide = WRITING_PLUGINS.read_text(encoding="utf-8")
    assert re.search(rf"`{name}\(", guide), f"docs/writing-plugins.md does not list the hook {name}"


# --- Every declared hook is called by the core --------------------------------------------------------

CORE = Path(__file__).resolve().parent.parent / "meetings"
# Called by the yearly follow-up report, which is its own issue; remove from here when it lands.
NOT_CALLED_YET: set[str] = set()
COLLECTORS = {"collect", "collect_by_plugin", "panels"}  # meetings.plugins helpers taking the hook's name


def called_hooks(source: str) -> set[str]:
    """Names of hooks that ``source`` calls: ``hook().x(…)``, ``….hook.x…``, ``collect("x", …)``."""
    called = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            inner = node.value
            through_hook_function = (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name)
                                     and inner.func.id == "hook")
            through_manager = isinstance(inner, ast.Attribute) and inner.attr == "hook"
            if through_hook_function or through_manager:
                called.add(node.attr)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in COLLECTORS
              and node.args and isinstance(node.args[0], ast.Constant)):
            called.add(node.args[0].value)
    return called


def core_calls() -> set[str]:
    return set().union(*(called_hooks(path.read_text("utf-8")) for path in CORE.rglob("*.py")))


def test_every_declared_hook_is_called_by_the_core():
    uncalled = set(declared_hooks(hookspecs)) - core_calls()
    assert uncalled == NOT_CALLED_YET, f"hooks that nothing calls: {sorted(uncalled - NOT_CALLED_YET)}"


def test_the_check_finds_each_way_of_calling_a_hook_and_ignores_docstrings():
    source = (
        'def f(app, manager):\n'
        '    """Plugins may call hook().in_docstring(…)."""\n'
        '    hook().meeting_cancelled(meeting=None)\n'
        '    hook(app).register_jobs(scheduler=None, app=app)\n'
        '    manager.hook.plugin_settings.get_hookimpls()\n'
        '    collect("nav_links", person=None)\n'
        '    panels("forum_panels", forum=None, person=None)\n'
        '    collect(name_in_a_variable)\n')
    assert called_hooks(source) == {"meeting_cancelled", "register_jobs", "plugin_settings", "nav_links",
                                    "forum_panels"}
