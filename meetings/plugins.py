"""Finding, loading and calling plugins.

Plugins are packages announced under the entry-point group ``meetings.plugins``. Only the
plugins named in ``MEETINGS_PLUGINS`` are imported (by default those that ship with this
distribution); an installed plugin that is not enabled is never imported. Each app has its own
``pluggy.PluginManager`` in ``app.extensions["meetings.plugins"]``. How to write a plugin:
``docs/writing-plugins.md``.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy
from flask import Flask, current_app
from flask_babel import Domain
from markupsafe import Markup

from . import hookspecs

ENTRY_POINT_GROUP = "meetings.plugins"
BUILTIN_DISTRIBUTION = "dialogue-meetings"
BUILTIN_KEYWORD = "builtin"
EXTENSION_KEY = "meetings.plugins"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


class PluginError(RuntimeError):
    """An enabled plugin is missing or failed to load; start-up stops."""

    def __init__(self, plugin: str, problem: str):
        self.plugin = plugin
        super().__init__(f"Plugin {plugin!r} {problem}")


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str


@dataclass(frozen=True)
class Panel:
    heading: str
    html: Markup
    # Lower numbers come first; the core's own panels use 0–99.
    order: int = 100


@dataclass(frozen=True)
class ReportSection:
    heading: str
    html: Markup
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InstalledPlugin:
    name: str
    distribution: str | None
    version: str | None
    builtin: bool
    enabled: bool


def installed_plugins() -> dict[str, importlib.metadata.EntryPoint]:
    """Every plugin announced by an installed distribution, by name; nothing is imported."""
    importlib.invalidate_caches()
    return {ep.name: ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}


def _is_builtin(entry_point: importlib.metadata.EntryPoint) -> bool:
    dist = entry_point.dist
    return dist is not None and _canonical(dist.name) == BUILTIN_DISTRIBUTION


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def enabled_plugin_names(setting: Iterable[str] | str | None,
                         available: dict[str, importlib.metadata.EntryPoint]) -> list[str]:
    """The plugins to load, in the order of the setting.

    None means the built-in plugins; the name ``builtin`` inside a list stands for them too, so
    ``MEETINGS_PLUGINS=builtin,hello`` adds a plugin to the built-in ones.
    """
    builtins = sorted(name for name, ep in available.items() if _is_builtin(ep))
    if setting is None:
        return builtins
    if isinstance(setting, str):
        setting = [part.strip() for part in setting.split(",") if part.strip()]
    names: list[str] = []
    for name in setting:
        for expanded in builtins if name == BUILTIN_KEYWORD else [name]:
            if expanded not in names:
                names.append(expanded)
    return names


def describe_plugins(app: Flask) -> list[InstalledPlugin]:
    """What ``flask meetings plugins`` prints: every installed plugin and whether it runs here."""
    available = installed_plugins()
    enabled = set(enabled_plugin_names(app.config["MEETINGS_PLUGINS"], available))
    described = [
        InstalledPlugin(
            name=name,
            distribution=ep.dist.name if ep.dist else None,
            version=ep.dist.version if ep.dist else None,
            builtin=_is_builtin(ep),
            enabled=name in enabled,
        )
        for name, ep in sorted(available.items())
    ]
    described += [
        InstalledPlugin(name=name, distribution=None, version=None, builtin=False, enabled=True)
        for name in sorted(enabled - set(available))
    ]
    return described


def create_plugin_manager(app: Flask) -> pluggy.PluginManager:
    """Load the enabled plugins for ``app``; raises PluginError naming the first that fails."""
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    available = installed_plugins()
    loaded: list[tuple[str, object]] = []
    for name in enabled_plugin_names(app.config["MEETINGS_PLUGINS"], available):
        entry_point = available.get(name)
        if entry_point is None:
            installed = ", ".join(sorted(available)) or "none"
            raise PluginError(name, f"is enabled in MEETINGS_PLUGINS but is not installed "
                                    f"(installed plugins: {installed})")
        try:
            module = entry_point.load()
        except Exception as exc:
            raise PluginError(name, f"failed to load: {type(exc).__name__}: {exc}") from exc
        loaded.append((name, module))
    # Plugin modules given directly (tests of a plugin, see meetings.testing).
    for module in app.config.get("EXTRA_PLUGINS", ()):
        loaded.append((getattr(module, "__name__", repr(module)), module))
    # pluggy calls the last registered plugin first; registering in reverse makes navigation
    # links and panels follow the order of MEETINGS_PLUGINS.
    for name, module in reversed(loaded):
        _register(manager, name, module)
    _add_plugin_migrations_once()
    return manager


def _register(manager: pluggy.PluginManager, name: str, module: object) -> None:
    try:
        manager.register(module, name=name)
        # A misspelled hook or a wrong argument name fails here, at start-up.
        manager.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(name, f"does not match the hook specifications: {exc}") from exc
    except ValueError as exc:  # the same module enabled twice, under two names
        raise PluginError(name, f"cannot be registered: {exc}") from exc


def _add_plugin_migrations_once() -> None:
    from .extensions import migrate

    if add_plugin_migrations not in migrate.configure_callbacks:
        migrate.configure(add_plugin_migrations)


def add_plugin_migrations(config: Any) -> Any:
    """Flask-Migrate callback: add the enabled plugins' Alembic branches to ``version_locations``.

    Runs inside ``flask db …`` for the current app, so each app sees only its own plugins.
    """
    directories = [str(d) for d in collect("migration_directories")]
    if directories:
        core = str(Path(config.get_main_option("script_location")) / "versions")
        config.set_main_option("path_separator", "os")
        # ConfigParser interpolates %, so a literal one is written %%.
        config.set_main_option("version_locations", os.pathsep.join([core, *directories]).replace("%", "%%"))
    return config


def plugin_manager(app: Flask | None = None) -> pluggy.PluginManager:
    return (app or current_app).extensions[EXTENSION_KEY]


def hook(app: Flask | None = None):
    """The hook caller of the current app: ``hook().meeting_cancelled(meeting=m)``."""
    return plugin_manager(app).hook


def collect(hook_name: str, app: Flask | None = None, **kwargs: Any) -> list[Any]:
    """Call a hook that returns lists and flatten the results of all plugins, skipping None."""
    results = getattr(hook(app), hook_name)(**kwargs)
    collected: list[Any] = []
    for result in results:
        if result is None:
            continue
        if isinstance(result, list | tuple):
            collected.extend(result)
        else:
            collected.append(result)
    return collected


def translation_domain(plugin: str) -> Domain:
    """The Babel domain of a built-in plugin, with its catalogues in ``translations/``.

    A third-party plugin creates its own ``flask_babel.Domain`` with its own directory.
    """
    return Domain(translation_directories=str(TRANSLATIONS_DIR), domain=plugin)
