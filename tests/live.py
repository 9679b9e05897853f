"""What the tests that run real servers share: required services, free ports,
fresh PostgreSQL databases and the app's production environment.

A missing service skips the test on a developer's machine and fails it under
CI=true, where every service must be there.
"""

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import pytest

BASE_DIR = Path(__file__).resolve().parents[1]
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(message: str):
    """Skip, or fail under CI=true where every service must be there."""
    if ci():
        pytest.fail(message)
    pytest.skip(message)


def reachable(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def require(port: int, what: str) -> None:
    if not reachable(port):
        unavailable(f"{what} is not running on 127.0.0.1:{port}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_database(name: str) -> str:
    """Drop and create database ``name`` on the local server; its URL."""
    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://postgres@127.0.0.1:{PG['port']}/{name}"


def drop_database(name: str) -> None:
    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env: dict, *args: str) -> str:
    """Run ``manage.py *args`` with ``env``; its standard output, stripped."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def gunicorn(env: dict, port: int, *, workers: int = 2, timeout: int = 30, log=None):
    """Start the app under gunicorn on ``port``; return once it listens.

    Its standard error goes to ``log`` (an open file) when given. The caller
    terminates the process (``stop``).
    """
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "newsroom.wsgi:application"),
            *("-b", f"127.0.0.1:{port}", "-w", str(workers)),
            *("--timeout", str(timeout), "--log-level", "warning"),
        ],
        cwd=BASE_DIR,
        env=env,
        stderr=log,
    )
    for _ in range(150):
        if reachable(port):
            return server
        if server.poll() is not None:
            break
        time.sleep(0.2)
    stop(server)
    pytest.fail(f"gunicorn did not start on 127.0.0.1:{port}")


def stop(server) -> None:
    server.terminate()
    server.wait(timeout=20)


def production_env(secret: str, **overrides: str) -> dict:
    """This process's environment with production settings on 127.0.0.1 over
    plain HTTP, plus ``overrides``.

    Without ``REDIS_URL`` the processes share the default disk cache, in a
    folder of their own (never the checkout's ``var/cache``)."""
    return {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "ENV_FILE": "",
        "CACHE_DIR": tempfile.mkdtemp(prefix="newsroom-cache-"),
        "DEBUG": "0",
        "SECRET_KEY": secret,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        **overrides,
    }


class ServedConnections:
    """The connections a threaded WSGI server (pytest-django's live server) is
    still serving, each in a thread of its own.

    A page can still be loading when its test ends, above all when the test
    failed; its requests go on in the server. On SQLite they share the test's
    connection, so the database must not be flushed until they are done.
    """

    def __init__(self, httpd):
        self._serving = 0
        self._changed = threading.Condition()
        accept = httpd.process_request
        serve = httpd.process_request_thread

        # Counted on accepting, before the thread starts, so a wait that
        # begins while a thread is starting still sees the connection.
        def process_request(request, client_address):
            with self._changed:
                self._serving += 1
            accept(request, client_address)

        def process_request_thread(request, client_address):
            try:
                serve(request, client_address)
            finally:
                with self._changed:
                    self._serving -= 1
                    self._changed.notify_all()

        httpd.process_request = process_request
        httpd.process_request_thread = process_request_thread

    def wait_until_idle(self, timeout: float) -> int:
        """Wait up to ``timeout`` seconds for the last connection to end; the
        number still being served."""
        with self._changed:
            self._changed.wait_for(lambda: self._serving == 0, timeout)
            return self._serving
