"""Configuration comes from the environment and bad values stop the app, naming the setting."""

import subprocess
import sys
from pathlib import Path

import pytest

from meetings import create_app
from meetings.config import DEFAULT_SECRET_KEY, ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_run_on_a_sqlite_file_in_the_instance_folder(tmp_path):
    config = load_config(tmp_path, environ={"MEETINGS_ENV": "development"})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'meetings.sqlite3'}"
    assert config["TIME_ZONE"] == "Europe/Stockholm"
    assert config["DEFAULT_LOCALE"] == "sv"
    assert config["MEETINGS_PLUGINS"] is None  # the built-in plugins


def test_settings_are_read_from_the_environment(tmp_path):
    config = load_config(tmp_path, environ={
        "MEETINGS_ENV": "production", "SECRET_KEY": "a-long-random-production-secret",
        "DATABASE_URL": "postgresql://db.internal/meetings", "BASE_URL": "https://moten.example.se/",
        "MAIL_SERVER": "smtp.example.se", "MAIL_PORT": "587", "MAIL_USE_TLS": "yes",
        "MEETINGS_PLUGINS": "ical, minutes", "TIME_ZONE": "Europe/Helsinki",
    })
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://db.internal")
    assert config["BASE_URL"] == "https://moten.example.se"
    assert config["MAIL_PORT"] == 587 and config["MAIL_USE_TLS"] is True
    assert config["MEETINGS_PLUGINS"] == ("ical", "minutes")
    assert config["SESSION_COOKIE_SECURE"] is True  # https base URL: cookies only over TLS
    assert config["SESSION_COOKIE_HTTPONLY"] is True


def test_production_refuses_the_default_secret_key(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path, environ={})  # production is the default mode
    assert error.value.setting == "SECRET_KEY"
    assert "SECRET_KEY" in str(error.value)


def test_development_accepts_the_default_secret_key(tmp_path):
    config = load_config(tmp_path, environ={"MEETINGS_ENV": "development"})
    assert config["SECRET_KEY"] == DEFAULT_SECRET_KEY


@pytest.mark.parametrize(("setting", "value"), [
    ("MAIL_PORT", "smtp"),
    ("MAIL_PORT", "70000"),
    ("MAIL_USE_TLS", "maybe"),
    ("DATABASE_URL", "mysql://localhost/x"),
    ("DATABASE_URL", "not a url"),
    ("BASE_URL", "moten.example.se"),
    ("TIME_ZONE", "Europe/Lulea"),
    ("DEFAULT_LOCALE", "de"),
    ("MEETINGS_ENV", "staging"),
    ("MEETINGS_PLUGINS", "ical; rm -rf"),
    ("MAIL_BACKEND", "sendmail"),
    ("MAIL_FROM", "nobody"),
])
def test_invalid_values_name_the_setting(tmp_path, setting, value):
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path, environ={"MEETINGS_ENV": "development", setting: value})
    assert error.value.setting == setting
    assert value in str(error.value) or setting in str(error.value)


def test_demo_pages_can_never_be_on_in_production(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path, environ={"SECRET_KEY": "x" * 32, "DEMO_MODE": "true"})
    assert error.value.setting == "DEMO_MODE"


def test_create_app_stops_on_bad_configuration(monkeypatch):
    monkeypatch.setenv("MEETINGS_ENV", "development")
    monkeypatch.setenv("MAIL_PORT", "twenty-five")
    with pytest.raises(ConfigError, match="MAIL_PORT"):
        create_app()


def test_the_wsgi_entry_point_refuses_to_start_in_production_without_a_secret(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
