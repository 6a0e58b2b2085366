"""Logging that never writes secrets: sign-in, invitation and feed tokens are cut out of every record.

Redaction happens where log records are made, so it covers every logger and handler alike: the
development server's and gunicorn's request lines, Flask's "Exception on /sign-in/…", and any
library's messages.
"""

from __future__ import annotations

import logging
import re

from flask import Flask

# Any long URL-safe token in a path segment after one of these prefixes.
SECRET_PATH = re.compile(r"(/(?:sign-in|invitation|calendar/private|registrations|r)/)[A-Za-z0-9_\-]{16,}")


def redact(text: str) -> str:
    return SECRET_PATH.sub(r"\1[redacted]", text)


class _RedactingFactory:
    """Wraps the log-record factory; marked so it is installed once however many apps start."""

    def __init__(self, wrapped):
        self.wrapped = wrapped

    def __call__(self, *args, **kwargs) -> logging.LogRecord:
        record = self.wrapped(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed message is logging's problem to report, not ours
            return record
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return record


def init_app(app: Flask) -> None:
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _RedactingFactory):
        logging.setLogRecordFactory(_RedactingFactory(factory))
