"""The README is the operator's manual: it must keep up with the code."""

import re
from pathlib import Path

from meetings.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_configuration_table():
    missing = [s.name for s in SETTINGS if f"| `{s.name}` |" not in README]
    assert not missing, f"README's configuration table lacks {missing}"


def test_quick_start_has_two_commands_and_ci_runs_the_test_command():
    section = README.split("## Quick start", 1)[1]
    block = re.search(r"```[^\n]*\n(.*?)```", section, re.S).group(1)
    commands = [line.strip() for line in block.splitlines() if line.strip()]
    assert len(commands) == 2
    assert commands[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_production_commands_exist_and_upgrade_every_enabled_plugins_branch(app):
    section = README.split("## Running in production", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```[^\n]*\n(.*?)```", section, re.S).group(1)
    commands = [line.split("--app wsgi ", 1)[1].split() for line in block.splitlines() if "flask --app wsgi" in line]
    assert ["meetings", "upgrade"] in commands  # not `db upgrade`: that refuses several branches
    group = app.cli.commands["meetings"]
    for command in commands:
        if command[0] == "meetings":
            assert command[1] in group.commands, command
