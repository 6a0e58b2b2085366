"""Logging that never writes secrets: sign-in tokens and feed tokens are cut out of request lines."""

from __future__ import annotations

import logging
import re

from flask import Flask

# Any long URL-safe token in a path segment after one of these prefixes.
SECRET_PATH = re.compile(r"(/(?:sign-in|invitation|feeds/private|r)/)[A-Za-z0-9_\-]{16,}")


def redact(text: str) -> str:
    return SECRET_PATH.sub(r"\1[redacted]", text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = redact(record.getMessage())
            record.args = None
        else:
            record.msg = redact(str(record.msg))
        return True


def init_app(app: Flask) -> None:
    secret_filter = RedactSecrets()
    # The development server and gunicorn write one line per request, path included.
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", app.logger.name):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(secret_filter)
