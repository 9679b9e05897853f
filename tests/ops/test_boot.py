"""Starting a process: development defaults from .env, production fail-closed.

Each case runs a real ``manage.py`` or gunicorn in a subprocess with an
environment of its own (no ``DEBUG``, no ``SECRET_KEY`` unless given), the way
an operator's shell or systemd starts it.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live import free_port

BASE_DIR = Path(__file__).resolve().parents[2]
UNSET = ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "ENV_FILE")


def bare_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CACHE_DIR=str(tmp_path / "cache"),
        **extra,
    )
    env.pop("REDIS_URL", None)
    return env


def run(env, *args, timeout=60):
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_manage_py_reads_the_development_settings_make_run_writes(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("# written by make run\nDEBUG=1\n")
    result = run(bare_env(tmp_path, ENV_FILE=str(dotenv)), "manage.py", "check")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_environment_wins_over_the_env_file(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("DEBUG=1\n")
    env = bare_env(tmp_path, ENV_FILE=str(dotenv), DEBUG="0")
    result = run(env, "manage.py", "check")
    assert result.returncode == 1
    assert "SECRET_KEY is not set" in result.stderr


def test_a_missing_secret_is_one_line_on_stderr_not_a_traceback(tmp_path):
    result = run(bare_env(tmp_path, ENV_FILE=""), "manage.py", "check")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsroom: SECRET_KEY is not set")
    assert "Traceback" not in result.stderr


def test_gunicorn_refuses_to_start_without_the_secret_in_one_line(tmp_path):
    port = free_port()
    result = run(
        bare_env(tmp_path, ENV_FILE=""),
        *("-m", "gunicorn", "newsroom.wsgi:application", "-b", f"127.0.0.1:{port}"),
        timeout=60,
    )
    # 4: gunicorn's "App failed to load", which stops the arbiter at once.
    assert result.returncode == 4
    assert "Traceback" not in result.stderr
    refusals = [
        line for line in result.stderr.splitlines() if line.startswith("newsroom: ")
    ]
    assert refusals and refusals[0].startswith("newsroom: SECRET_KEY is not set")


@pytest.mark.parametrize(
    ("debug", "backend", "refused"),
    [
        ("0", "django.core.cache.backends.locmem.LocMemCache", True),
        ("1", "django.core.cache.backends.locmem.LocMemCache", False),
        ("0", "newsroom.cache.DiskCache", False),
    ],
)
def test_a_process_local_cache_is_refused_in_production(
    settings, debug, backend, refused
):
    from articles.checks import check_shared_cache

    settings.DEBUG = debug == "1"
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "unused"}}
    assert [e.id for e in check_shared_cache()] == (
        ["newsroom.E001"] if refused else []
    )


def test_the_default_cache_without_redis_is_shared_on_disk(tmp_path):
    env = bare_env(tmp_path, ENV_FILE="", DEBUG="1")
    code = (
        "from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], "
        "settings.CACHES['default']['LOCATION'])"
    )
    result = run(env, "manage.py", "shell", "--no-imports", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "newsroom.cache.DiskCache",
        str(tmp_path / "cache"),
    ]
