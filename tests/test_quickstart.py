"""The README's first command ends in `flask meetings demo --serve`: it must really serve the demo."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_demo_command_loads_data_and_serves_it(tmp_path):
    port = free_port()
    env = {**os.environ, "MEETINGS_ENV": "development",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "meetings", "demo", "--serve", "--port", str(port)]
    server = subprocess.Popen(flask, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        home = forums = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and home is None:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Accept-Language": "sv"})
                home = urllib.request.urlopen(request, timeout=5).read().decode()
                forums = urllib.request.urlopen(f"http://127.0.0.1:{port}/forums", timeout=5).read().decode()
            except OSError:
                assert server.poll() is None, server.stdout.read()
                time.sleep(0.5)
        assert home is not None, "the demo server never answered"
        assert "Kommande möten" in home
        assert "Länspartnerskapet" in forums and "TIA-nätverket" in forums
        demo_mail = urllib.request.urlopen(f"http://127.0.0.1:{port}/demo/mail", timeout=5)
        assert demo_mail.status == 200
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in output  # the local URL is printed
