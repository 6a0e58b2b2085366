"""Finding, loading and calling plugins.

Plugins are packages announced under the entry-point group ``meetings.plugins``. Only the
plugins named in ``MEETINGS_PLUGINS`` are imported (by default those that ship with this
distribution); an installed plugin that is not enabled is never imported. Each app has its own
``pluggy.PluginManager`` in ``app.extensions["meetings.plugins"]``. How to write a plugin:
``docs/writing-plugins.md``.
"""

from __future__ import annotations

import copy
import importlib
import importlib.metadata
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from flask import Flask, current_app, render_template
from flask_babel import Domain, get_translations
from jinja2 import pass_context
from markupsafe import Markup

from . import hookspecs
from .config import PLUGIN_NAME_RULE, parser_for, read_settings
from .config import Setting as CoreSetting

ENTRY_POINT_GROUP = "meetings.plugins"
BUILTIN_DISTRIBUTION = "dialogue-meetings"
BUILTIN_KEYWORD = "builtin"
EXTENSION_KEY = "meetings.plugins"
# The core's own organiser pages and panels are hook implementations too, registered under this name.
CORE_PLUGIN = "meetings"
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
    # Lower numbers come first where links are sorted (the organiser's meeting area); the core's own
    # links there use 0–99.
    order: int = 100


@dataclass(frozen=True)
class Setting:
    """A setting a plugin reads from the environment, declared through ``plugin_settings()``.

    ``type`` is ``str``, ``int`` or ``bool``; ``choices`` limits a ``str`` setting to those values.
    ``default`` is used when the environment does not set the name (None: the setting is None).
    """

    name: str
    type: type = str
    default: Any = None
    help: str = ""
    choices: tuple[str, ...] = ()


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
    """Every plugin announced by an installed distribution, by name; nothing is imported.

    When two distributions announce the same name, the name maps to the first; ``collisions()``
    tells which, and loading such a plugin stops start-up.
    """
    importlib.invalidate_caches()
    found: dict[str, importlib.metadata.EntryPoint] = {}
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, ep)
    return found


def collisions() -> dict[str, list[str]]:
    """Plugin names announced by more than one distribution: name -> the distributions' names."""
    announced: dict[str, list[str]] = {}
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        distribution = ep.dist.name if ep.dist else ep.value
        if distribution not in announced.setdefault(ep.name, []):
            announced[ep.name].append(distribution)
    return {name: dists for name, dists in announced.items() if len(dists) > 1}


def check_plugin_name(name: str) -> None:
    """A plugin's name becomes its blueprint, template folder, table prefix, Babel domain and
    settings prefix, so it must be usable as all of these."""
    if not PLUGIN_NAME_RULE.fullmatch(name):
        raise PluginError(name, "has a name that is not allowed: a plugin name is lower-case letters, "
                                "digits and underscores, starting with a letter")
    if name == CORE_PLUGIN:
        raise PluginError(name, "has the core's own name")


def plugin_name_of(module: object) -> str:
    """The name of a plugin given directly (``make_app(plugins=[…])``): the name of the entry point
    that announces its module if one does, else the last part of the module's name (an object that
    is not a module, as some tests use, keeps a name of its own)."""
    if not isinstance(module, ModuleType):
        return repr(module)
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.value == module.__name__:
            return ep.name
    return module.__name__.rsplit(".", 1)[-1]


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
    from . import core_hooks

    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    available = installed_plugins()
    announced_twice = collisions()
    loaded: list[tuple[str, object]] = []
    for name in enabled_plugin_names(app.config["MEETINGS_PLUGINS"], available):
        check_plugin_name(name)
        if name in announced_twice:
            raise PluginError(name, "is announced by more than one installed distribution: "
                                    f"{' and '.join(announced_twice[name])}; uninstall one of them")
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
        loaded.append((plugin_name_of(module), module))
    # pluggy calls the last registered plugin first; registering in reverse makes navigation
    # links and panels follow the order of MEETINGS_PLUGINS, after the core's own.
    for name, module in reversed(loaded):
        _register(manager, name, module)
    _register(manager, CORE_PLUGIN, core_hooks)
    _add_plugin_migrations_once()
    return manager


def plugin_settings(manager: pluggy.PluginManager) -> list[tuple[str, Setting]]:
    """Every setting the enabled plugins declare, with the plugin's name; a setting whose name does
    not start with ``<PLUGIN>_`` stops start-up."""
    declared: list[tuple[str, Setting]] = []
    for impl in reversed(manager.hook.plugin_settings.get_hookimpls()):
        prefix = f"{impl.plugin_name.upper()}_"
        for setting in impl.function() or ():
            if not setting.name.startswith(prefix) or setting.name == prefix:
                raise PluginError(impl.plugin_name, f"declares the setting {setting.name!r}; the names of its "
                                                    f"settings must start with {prefix}")
            declared.append((impl.plugin_name, setting))
    return declared


def load_plugin_settings(manager: pluggy.PluginManager, environ: Mapping[str, str] | None = None,
                         overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The enabled plugins' settings, read and checked exactly as the core's own (``meetings.config``):
    from the environment, or already parsed from ``overrides``. A bad value raises ConfigError."""
    settings = []
    for plugin, setting in plugin_settings(manager):
        try:
            parse = parser_for(setting.type, setting.choices)
        except ValueError as exc:
            raise PluginError(plugin, f"declares the setting {setting.name!r} with {exc}") from None
        # The default goes through the same parser as an environment value: "10", 10 and "false", False.
        default = None if setting.default is None else str(setting.default)
        settings.append(CoreSetting(setting.name, default, parse, setting.help))
    return read_settings(settings, os.environ if environ is None else environ, dict(overrides or {}))


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


def sorted_by_order(items: Iterable[Any]) -> list[Any]:
    """Links or panels by their ``order``; equal orders keep the order of ``MEETINGS_PLUGINS``."""
    return sorted(items, key=lambda item: item.order)


def meeting_admin_links(meeting: Any, person: Any) -> list[NavLink]:
    """The links of the organiser's meeting area: the core's own pages and the plugins'."""
    return sorted_by_order(collect("meeting_admin_links", meeting=meeting, person=person))


def panels(hook_name: str, **kwargs: Any) -> list[Panel]:
    """The panels a page hook returns (``meeting_panels``, ``forum_panels``, …), in display order."""
    return sorted_by_order(collect(hook_name, **kwargs))


def _with_core_fallback(domain: Domain) -> Any:
    """The plugin's translations, falling back to the core's for messages the plugin does not have,
    so that a plugin page extending ``base.html`` keeps the layout's words."""
    translations = copy.copy(domain.get_translations())
    translations._fallback = None  # the copy must not chain onto the cached original's fallback
    translations.add_fallback(get_translations())
    return translations


def _template_gettext(domain: Domain) -> dict[str, Any]:
    """``_``, ``gettext`` and ``ngettext`` for a template, working as Jinja's new-style i18n ones do:
    keyword arguments are interpolated, and escaped where the template autoescapes."""

    @pass_context
    def gettext(context, string: str, **variables: Any) -> str:
        translated = _with_core_fallback(domain).ugettext(string)
        if context.eval_ctx.autoescape:
            translated = Markup(translated)  # noqa: S704 - a message from a catalogue, as Jinja does
        return translated % variables if variables else translated

    @pass_context
    def ngettext(context, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        translated = _with_core_fallback(domain).ungettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            translated = Markup(translated)  # noqa: S704 - a message from a catalogue, as Jinja does
        return translated % variables

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


def render_plugin_template(domain: Domain, template_name: str, **context: Any) -> Markup:
    """Render one of a plugin's templates with ``_``, ``gettext`` and ``ngettext`` translating
    through the plugin's ``domain`` (the core's catalogue answers for what the plugin's lacks).

    Works on any page, the core's included: use it for panels, organiser pages and mail.
    """
    return Markup(render_template(template_name, **context, **_template_gettext(domain)))  # noqa: S704 - a rendered, autoescaped template


@dataclass(frozen=True)
class Catalogue:
    """Where a Babel domain's messages come from and where its catalogues live."""

    domain: str
    translations: Path  # holds <locale>/LC_MESSAGES/<domain>.po
    source: Path  # the package folder its messages are extracted from


def translation_catalogues(app: Flask) -> list[Catalogue]:
    """The core's catalogue and those of the enabled plugins, from their ``translation_domains()``.

    ``make translations`` updates each, and the translation test checks each, so a third-party
    plugin's messages get the same treatment as the core's.
    """
    catalogues = [Catalogue("meetings", TRANSLATIONS_DIR, Path(__file__).resolve().parent)]
    for impl in reversed(plugin_manager(app).hook.translation_domains.get_hookimpls()):
        if impl.plugin_name == CORE_PLUGIN:
            continue
        source = Path(getattr(impl.plugin, "__file__", "")).resolve().parent
        for domain in impl.function() or ():
            directory = Path(domain.translation_directories[0]).resolve()
            catalogues += [Catalogue(name, directory, source) for name in domain.domain]
    return catalogues


def collect_by_plugin(hook_name: str, app: Flask | None = None, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call a hook and return ``(plugin name, result)`` for each plugin that returned something,
    in the order of ``MEETINGS_PLUGINS``; for when who said it matters (a person's data)."""
    results = []
    for impl in reversed(getattr(hook(app), hook_name).get_hookimpls()):
        result = impl.function(**{name: kwargs[name] for name in impl.argnames})
        if result is not None:
            results.append((impl.plugin_name, result))
    return results


def translation_domain(plugin: str) -> Domain:
    """The Babel domain of a built-in plugin, with its catalogues in ``translations/``.

    A third-party plugin creates its own ``flask_babel.Domain`` with its own directory.
    """
    return Domain(translation_directories=str(TRANSLATIONS_DIR), domain=plugin)
