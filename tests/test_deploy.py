"""docs/deploying.md, tested: the example apps under ``gunicorn -w 4`` (and waitress) on an empty database.

Every worker creates the tables at start-up; the schema lock makes one of them
do it and the others find it done. Then one sign-up and one sign-in go through
whichever workers answer, which share the secret key from the environment.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from nestauth_peewee import NestAuthModels

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
APPS = {"flask": "flask_app:create_app()", "bottle": "bottle_app:create_app()"}
SECRET = "deploy-test-secret-" + "k" * 40

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _call(port: int, method: str, path: str, payload: dict | None = None, token: str | None = None
          ) -> tuple[int, dict]:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            return response.status, json.loads(body) if body else {}
    except urllib.error.HTTPError as exc:
        body = exc.read()
        return exc.code, json.loads(body) if body else {}


def _serve(command: list[str], database_url: str, port: int, log: Path, **extra_env: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "NESTAUTH_SECRET_KEY": SECRET,
           "PYTHONPATH": str(ROOT / "examples"), **extra_env}
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=ROOT / "examples", env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited with {server.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    pytest.fail(f"the server did not listen within 120 s:\n{log.read_text()}")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


def _sign_up_and_in(port: int) -> None:
    email, password = "ann@example.com", "correct horse battery staple 42"
    status, body = _call(port, "POST", "/register", {"email": email, "password": password})
    assert status == 201, body
    status, issued = _call(port, "POST", "/login", {"email": email, "password": password})
    assert status == 200, issued
    # Several requests, so that more than one worker answers with the same secret key.
    for _ in range(8):
        status, me = _call(port, "GET", "/me", token=issued["access_token"])
        assert status == 200, me
        assert me["email"] == email


@pytest.mark.parametrize("app", sorted(APPS))
def test_gunicorn_four_workers_start_on_an_empty_database_and_serve(app, empty_db, empty_db_url, tmp_path):
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    server = _serve([str(BIN / "gunicorn"), "-w", "4", "--bind", f"127.0.0.1:{port}", "--timeout", "120",
                     APPS[app]], empty_db_url, port, log)
    try:
        # Wait until all four workers have booted (each ran create_tables at import).
        deadline = time.monotonic() + 120
        while log.read_text().count("Booting worker") < 4 and time.monotonic() < deadline:
            time.sleep(0.2)
        _sign_up_and_in(port)
        time.sleep(0.5)  # a worker that failed after booting would be reported by now
        assert server.poll() is None, log.read_text()
    finally:
        _stop(server)
    text = log.read_text()
    assert text.count("Booting worker") == 4, text
    assert "Worker failed to boot" not in text and "Traceback" not in text, text
    assert set(empty_db.get_tables()) >= {m._meta.table_name for m in NestAuthModels}


@pytest.mark.parametrize("dialect", ["postgres", "mysql"], indirect=True)
def test_gunicorn_with_the_example_config_preloads_and_pools_per_worker(empty_db, empty_db_url, tmp_path):
    # examples/gunicorn.conf.py: --preload (start-up once, in the master), a pool per worker,
    # and the master's pooled connection closed before the workers fork.
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    pooled = empty_db_url.replace("://", "+pool://", 1)
    server = _serve([str(BIN / "gunicorn"), "-c", str(ROOT / "examples" / "gunicorn.conf.py"), APPS["flask"]],
                    pooled, port, log, BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="4", GUNICORN_THREADS="4")
    try:
        _sign_up_and_in(port)
        assert server.poll() is None, log.read_text()
    finally:
        _stop(server)
    text = log.read_text()
    assert text.count("Booting worker") == 4 and "Traceback" not in text, text


@pytest.mark.parametrize("dialect", ["sqlite"], indirect=True)
def test_waitress_threads_serve_the_flask_example(empty_db, empty_db_url, tmp_path):
    port = _free_port()
    log = tmp_path / "waitress.log"
    server = _serve([str(BIN / "waitress-serve"), "--threads", "8", f"--listen=127.0.0.1:{port}", "--call",
                     "flask_app:create_app"], empty_db_url, port, log)
    try:
        _sign_up_and_in(port)
    finally:
        _stop(server)
    assert "Traceback" not in log.read_text()
