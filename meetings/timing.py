"""A Server-Timing header on every response: how long the app itself took, in milliseconds.

Browsers' developer tools show it, and the benchmarks in bench/ read it to report server time
apart from network and client time.
"""

from __future__ import annotations

import time

from flask import Flask, g


def init_app(app: Flask) -> None:
    @app.before_request
    def start_clock() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def add_server_timing(response):
        started = g.get("request_started")
        if started is not None:
            response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response
