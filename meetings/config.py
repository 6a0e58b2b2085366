"""Configuration read from environment variables, checked once at start-up.

Every setting has a safe default so that a fresh checkout runs on SQLite. A value that cannot
be used stops the app with a message naming the setting, rather than failing later in a request.
"""

from __future__ import annotations

import os
import re
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105 - refused in production
SUPPORTED_LOCALES = ("sv", "en")
ENVIRONMENTS = ("production", "development", "testing")
# A plugin's name is also its blueprint, template folder, table prefix and settings prefix.
PLUGIN_NAME_RULE = re.compile(r"[a-z][a-z0-9_]*")
EMAIL_ADDRESS = re.compile(r"[^@\s<>\"',;:()\[\]\\]+@[^@\s<>\"',;:()\[\]\\]+\.[^@\s<>\"',;:()\[\]\\]+")


class ConfigError(RuntimeError):
    """A setting has a value the app cannot run with."""

    def __init__(self, setting: str, problem: str):
        self.setting = setting
        super().__init__(f"Configuration error in {setting}: {problem}")


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    parse: Any
    description: str


def _parse_bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(name, f"expected true or false, got {raw!r}")


def _parse_port(name: str, raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise ConfigError(name, f"expected a port number, got {raw!r}") from None
    if not 1 <= port <= 65535:
        raise ConfigError(name, f"a port number is between 1 and 65535, got {port}")
    return port


def _parse_database_url(name: str, raw: str) -> str:
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError(name, f"not a database URL: {raw!r}") from None
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError(name, f"supported databases are sqlite and postgresql, got {backend!r}")
    if backend == "postgresql" and url.drivername == "postgresql":
        # psycopg 3 is the driver we install; SQLAlchemy's bare name means psycopg2.
        raw = url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return raw


def _parse_base_url(name: str, raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(name, f"expected an http:// or https:// address, got {raw!r}")
    return raw.rstrip("/")


def _parse_time_zone(name: str, raw: str) -> str:
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(name, f"unknown time zone {raw!r}") from None
    return raw


def _parse_locale(name: str, raw: str) -> str:
    if raw not in SUPPORTED_LOCALES:
        raise ConfigError(name, f"expected one of {', '.join(SUPPORTED_LOCALES)}, got {raw!r}")
    return raw


def _parse_environment(name: str, raw: str) -> str:
    if raw not in ENVIRONMENTS:
        raise ConfigError(name, f"expected one of {', '.join(ENVIRONMENTS)}, got {raw!r}")
    return raw


def _parse_plugins(name: str, raw: str) -> tuple[str, ...] | None:
    """None means "the built-in plugins"; an empty tuple means none at all."""
    value = raw.strip()
    if value.lower() in ("", "builtin", "default"):
        return None
    if value.lower() == "none":
        return ()
    names = tuple(part.strip() for part in value.split(",") if part.strip())
    for plugin in names:
        if not PLUGIN_NAME_RULE.fullmatch(plugin):
            raise ConfigError(name, f"{plugin!r} is not a plugin name (lower-case letters, digits and "
                                    "underscores, starting with a letter)")
    return names


def _parse_mail_backend(name: str, raw: str) -> str:
    if raw not in ("smtp", "demo"):
        raise ConfigError(name, f"expected smtp or demo, got {raw!r}")
    return raw


def _parse_positive_int(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name, f"expected a whole number, got {raw!r}") from None
    if value < 1:
        raise ConfigError(name, f"expected a number of at least 1, got {value}")
    return value


def _parse_int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(name, f"expected a whole number, got {raw!r}") from None


def _parse_str(name: str, raw: str) -> str:
    return raw


def _choice_parser(choices: tuple[str, ...]) -> Any:
    def parse(name: str, raw: str) -> str:
        if raw not in choices:
            raise ConfigError(name, f"expected one of {', '.join(choices)}, got {raw!r}")
        return raw

    return parse


def parser_for(kind: type, choices: tuple[str, ...] = ()) -> Any:
    """The parser for a plugin's setting of type ``kind`` (str, int or bool), the core's own ones."""
    if choices:
        if kind is not str:
            raise ValueError("choices, which only a str setting may have")
        return _choice_parser(tuple(choices))
    parsers = {str: _parse_str, int: _parse_int, bool: _parse_bool}
    if kind not in parsers:
        raise ValueError(f"the type {kind!r}; a setting is a str, int or bool")
    return parsers[kind]


def _parse_host_names(name: str, raw: str) -> tuple[str, ...]:
    names = tuple(part.strip().lower() for part in raw.split(",") if part.strip())
    for host in names:
        if not host.replace(".", "").replace("-", "").isalnum():
            raise ConfigError(name, f"expected comma-separated host names, got {host!r}")
    return names


def _parse_email(name: str, raw: str) -> str:
    if "@" not in raw:
        raise ConfigError(name, f"expected an e-mail address, got {raw!r}")
    return raw


def _parse_optional_email(name: str, raw: str) -> str:
    """Empty, or one plain address (it goes into mail headers and mailto: links)."""
    value = raw.strip()
    if value and not EMAIL_ADDRESS.fullmatch(value):
        raise ConfigError(name, f"expected an e-mail address such as info@example.se, got {raw!r}")
    return value


def _parse_one_line(name: str, raw: str) -> str:
    if any(ord(character) < 32 for character in raw):
        raise ConfigError(name, "expected one line of text, without line breaks")
    return raw.strip()


def _parse_date(name: str, raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ConfigError(name, f"expected a date such as 2026-12-01, got {raw!r}") from None


def _parse_page_cache_seconds(name: str, raw: str) -> int:
    value = _parse_int(name, raw)
    if not 0 <= value <= 60:
        raise ConfigError(name, f"expected a number of seconds from 0 to 60, got {value}")
    return value


def _parse_days(name: str, raw: str) -> int:
    value = _parse_int(name, raw)
    if not 0 <= value <= 3650:
        raise ConfigError(name, f"expected a number of days from 0 to 3650, got {value}")
    return value


# The order here is the order of the configuration table in the README.
SETTINGS: tuple[Setting, ...] = (
    Setting("MEETINGS_ENV", "production", _parse_environment,
            "production, development or testing; production refuses the default secret key"),
    Setting("SECRET_KEY", DEFAULT_SECRET_KEY, _parse_str,
            "signs sessions and forms; set a long random value in production"),
    Setting("DATABASE_URL", None, _parse_database_url,
            "SQLAlchemy URL; default: a SQLite file in the instance folder"),
    Setting("BASE_URL", "http://127.0.0.1:5000", _parse_base_url,
            "public address of the site, used in e-mails and calendar feeds"),
    Setting("EXTRA_HOSTS", "", _parse_host_names,
            "further host names the site answers to, comma-separated; a request for any host other "
            "than BASE_URL's and these is refused"),
    Setting("TIME_ZONE", "Europe/Stockholm", _parse_time_zone,
            "time zone in which dates and times are shown"),
    Setting("DEFAULT_LOCALE", "sv", _parse_locale, "language for visitors who have not chosen one"),
    Setting("MEETINGS_PLUGINS", "builtin", _parse_plugins,
            "comma-separated plugin names to enable; builtin (the default) or none"),
    Setting("MAIL_BACKEND", "smtp", _parse_mail_backend,
            "smtp, or demo: mail is printed and listed on /demo/mail, never sent"),
    Setting("MAIL_SERVER", "localhost", _parse_str, "SMTP host"),
    Setting("MAIL_PORT", "25", _parse_port, "SMTP port"),
    Setting("MAIL_USE_TLS", "false", _parse_bool, "use STARTTLS"),
    Setting("MAIL_USE_SSL", "false", _parse_bool, "use SMTP over TLS (port 465)"),
    Setting("MAIL_USERNAME", "", _parse_str, "SMTP user name, if the server needs one"),
    Setting("MAIL_PASSWORD", "", _parse_str, "SMTP password"),
    Setting("MAIL_FROM", "noreply@localhost", _parse_email, "sender address of all e-mail"),
    Setting("RATELIMIT_STORAGE_URI", "memory://", _parse_str,
            "where rate-limit counters live; use redis://… with several web processes"),
    Setting("DEMO_MODE", "false", _parse_bool,
            "show the demo pages (mail viewer, sign in as an example person)"),
    Setting("OUTBOX_INTERVAL_SECONDS", "10", _parse_positive_int,
            "how often the worker looks for e-mail to send"),
    Setting("OUTBOX_CLAIM_SECONDS", "300", _parse_positive_int,
            "how long one mail being sent is held by its worker before another may take it over"),
    Setting("RUN_SCHEDULER", "false", _parse_bool,
            "run background jobs inside the web process (the demo does; production uses the worker)"),
    Setting("SITE_NAME", "", _parse_one_line,
            "the site's name in the header, page titles and e-mail; empty: Dialogmöten (Dialogue meetings "
            "in English)"),
    Setting("SITE_OPERATOR", "", _parse_one_line,
            "the organisation that runs the service, named in the footer, the accessibility statement and "
            "the privacy notice (as controller of personal data); empty: the site's name"),
    Setting("SITE_OPERATOR_EMAIL", "", _parse_optional_email,
            "the operator's contact address for questions, accessibility and personal data; also the "
            "Reply-To of e-mail not about a meeting"),
    Setting("FOOTER_TEXT", "", _parse_one_line,
            "a line of text in every page's footer; empty: a sentence about the service"),
    Setting("ACCESSIBILITY_STATEMENT_DATE", "2026-12-02", _parse_date,
            "when the accessibility statement was made or last reviewed (YYYY-MM-DD)"),
    Setting("ACCESSIBILITY_KNOWN_GAPS", "", _parse_one_line,
            "known accessibility problems, for the statement's \"content that is not accessible\"; "
            "empty: none known"),
    Setting("ACCESSIBILITY_RESPONSE_DAYS", "5", _parse_positive_int,
            "within how many working days the operator answers questions about accessibility"),
    Setting("PUBLIC_PAGE_CACHE_SECONDS", None, _parse_page_cache_seconds,
            "seconds each web process keeps a visitor's public page (home, forums, register, meetings, "
            "one meeting's .ics) to serve it again without a render; emptied by any change made in the "
            "process; at most 60 (the s-maxage sent); 0 turns it off; default 30 in production, 0 otherwise"),
    Setting("NEEDS_RETENTION_DAYS", "30", _parse_days,
            "days after a meeting ends that participants' food and access needs are deleted"),
)


def load_config(instance_path: str | Path, environ: Mapping[str, str] | None = None,
                overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Read every setting from ``environ`` (default ``os.environ``), then apply ``overrides``.

    Overrides are used by tests and by the demo command; they are given already parsed.
    """
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    config = read_settings(SETTINGS, environ, overrides)
    config.update(overrides)

    if config["DATABASE_URL"] is None:
        config["DATABASE_URL"] = f"sqlite:///{Path(instance_path) / 'meetings.sqlite3'}"
    if config["PUBLIC_PAGE_CACHE_SECONDS"] is None:
        # Off where pages are being changed and looked at (development, tests).
        config["PUBLIC_PAGE_CACHE_SECONDS"] = 30 if config["MEETINGS_ENV"] == "production" else 0
    if config["MAIL_USE_TLS"] and config["MAIL_USE_SSL"]:
        raise ConfigError("MAIL_USE_SSL", "choose either MAIL_USE_TLS or MAIL_USE_SSL, not both")
    if config["MEETINGS_ENV"] == "production" and config["SECRET_KEY"] == DEFAULT_SECRET_KEY:
        raise ConfigError("SECRET_KEY", "the default key may not be used in production; "
                                        "set SECRET_KEY to a long random value")
    if config["MEETINGS_ENV"] == "production" and config["DEMO_MODE"]:
        raise ConfigError("DEMO_MODE", "the demo pages let anyone sign in as anyone; "
                                       "they cannot be turned on in production")
    if len(config["SECRET_KEY"]) < 16:
        raise ConfigError("SECRET_KEY", "use at least 16 characters")

    secure = config["BASE_URL"].startswith("https://")
    config.update(
        SQLALCHEMY_DATABASE_URI=config["DATABASE_URL"],
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(config["DATABASE_URL"]),
        TESTING=config["MEETINGS_ENV"] == "testing",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_NAME="meetings_session",
        # However busy, a session ends two weeks after signing in (idle sessions sooner: auth.py).
        PERMANENT_SESSION_LIFETIME=timedelta(days=14),
        PREFERRED_URL_SCHEME="https" if secure else "http",
        BABEL_DEFAULT_LOCALE=config["DEFAULT_LOCALE"],
        BABEL_DEFAULT_TIMEZONE=config["TIME_ZONE"],
        BABEL_DOMAIN="meetings",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).resolve().parent.parent / "translations"),
        WTF_CSRF_TIME_LIMIT=None,  # a form left open over lunch should still submit
        RATELIMIT_HEADERS_ENABLED=True,
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        SITE_HOSTS=site_hosts(config["BASE_URL"], tuple(config["EXTRA_HOSTS"] or ()), config["MEETINGS_ENV"]),
    )
    return config


def read_settings(settings: Iterable[Setting], environ: Mapping[str, str],
                  overrides: dict[str, Any]) -> dict[str, Any]:
    """Each setting from ``overrides`` (already parsed; taken out of the dict) or else parsed from
    ``environ`` or its default. The core's settings and the plugins' are read here alike."""
    config: dict[str, Any] = {}
    for setting in settings:
        if setting.name in overrides:
            config[setting.name] = overrides.pop(setting.name)
            continue
        raw = environ.get(setting.name)
        if raw is None:
            if setting.default is None:
                config[setting.name] = None
                continue
            raw = setting.default
        config[setting.name] = setting.parse(setting.name, raw)
    return config


LOOPBACK_HOSTS = ("localhost", "127.0.0.1")


def site_hosts(base_url: str, extra: tuple[str, ...], environment: str) -> list[str]:
    """The host names a request may name (``urls.refuse_foreign_hosts`` answers any other with 400).

    Only BASE_URL's host and those set in EXTRA_HOSTS: a request for another host never reaches
    a view, so nothing it sends can be built from a forged Host header. Outside production the
    machine's own names are trusted too, so the demo and tests are reached however they are typed.
    """
    hosts = [urlsplit(base_url).hostname or "localhost", *extra]
    if environment != "production":
        hosts.extend(LOOPBACK_HOSTS)
    return list(dict.fromkeys(hosts))


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        # Wait for the write lock instead of failing at once when the worker is writing.
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}
