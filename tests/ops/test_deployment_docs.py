"""docs/deployment.md keeps up with the code it describes."""

import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
READ_RE = re.compile(r'(?:os\.environ\.get|env_bool|env_list)\(\s*"([A-Z0-9_]+)"')


def settings_variables() -> set[str]:
    source = (BASE_DIR / "newsroom" / "settings.py").read_text()
    # dj_database_url.config() reads DATABASE_URL.
    return set(READ_RE.findall(source)) | {"DATABASE_URL"}


def documented_variables() -> set[str]:
    guide = (BASE_DIR / "docs" / "deployment.md").read_text()
    return {
        name
        for line in guide.splitlines()
        if line.startswith("| `")
        for name in re.findall(r"`([A-Z0-9_]+)`", line.split("|")[1])
    }


def test_every_variable_the_settings_read_is_in_the_table():
    missing = settings_variables() - documented_variables()
    assert not missing, f"add to docs/deployment.md's table: {sorted(missing)}"
    assert len(settings_variables()) > 30  # the pattern still finds them


def test_gunicorn_config_uses_the_workers_make_bench_measures():
    config = (BASE_DIR / "deploy" / "gunicorn.conf.py").read_text()
    bench = (BASE_DIR / "bench" / "run.py").read_text()
    assert "2 * multiprocessing.cpu_count() + 1" in config
    assert "2 * (os.cpu_count() or 1) + 1" in bench
    assert 'worker_class = "sync"' in config
    unit = (BASE_DIR / "deploy" / "newsroom.service").read_text()
    assert "-c deploy/gunicorn.conf.py newsroom.wsgi:application" in unit
