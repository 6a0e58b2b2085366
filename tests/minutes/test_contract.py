"""The minutes plugin uses the core only through meetings.api, meetings.hookimpl and the hooks."""

from __future__ import annotations

import ast
from pathlib import Path

PLUGIN = Path(__file__).resolve().parents[2] / "plugins" / "minutes"


def core_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "meetings":
                names |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names if alias.name.split(".")[0] == "meetings"}
    return names


def test_the_plugin_imports_nothing_of_the_core_but_the_api_and_hookimpl():
    sources = sorted(PLUGIN.rglob("*.py"))
    assert len(sources) >= 6
    used = set().union(*(core_imports(path) for path in sources))
    assert used == {"meetings.api", "meetings.hookimpl"}


def test_the_plugin_is_a_built_in_announced_by_its_entry_point():
    from meetings.plugins import installed_plugins

    assert installed_plugins()["minutes"].value == "plugins.minutes"


def test_every_table_of_the_plugin_is_named_after_it(app):
    from meetings.extensions import db

    tables = [name for name in db.metadata.tables if name.startswith("minutes")]
    assert len(tables) == 10 and all(name.startswith("minutes_") for name in tables)
