"""Compensation claims: organisations that attended a meeting claim a participation fee, mileage and
costs against receipts; the forum's organisers handle the claims, pay them and export them for the
accounts. A built-in plugin, loaded like any other, using only ``meetings.api`` and the hooks."""

from __future__ import annotations

from pathlib import Path

from meetings import hookimpl

from . import models  # noqa: F401 - registers the plugin's tables
from .i18n import domain


@hookimpl
def translation_domains():
    return [domain]


@hookimpl
def migration_directories():
    return [Path(__file__).parent / "migrations"]
