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


# -- nginx and photo rights -------------------------------------------------------

LOCATION_RE = re.compile(
    r'^    location\s+(?:(?P<op>~\*?|\^~|=)\s+)?"?(?P<path>[^"\s{]+)"?\s*\{'
    r"(?P<body>.*?)^    \}",
    re.MULTILINE | re.DOTALL,
)


def nginx_location(uri: str) -> str:
    """The body of the location nginx picks for ``uri`` in deploy/nginx.conf:
    the longest prefix, unless a regex (checked in order) matches first."""
    conf = (BASE_DIR / "deploy" / "nginx.conf").read_text()
    locations = list(LOCATION_RE.finditer(conf))
    prefixes = [m for m in locations if not m["op"] and uri.startswith(m["path"])]
    longest = max(prefixes, key=lambda m: len(m["path"]), default=None)
    if longest is None or longest["op"] != "^~":
        for m in locations:
            if m["op"] in ("~", "~*") and re.search(m["path"], uri):
                return m["body"]
    return longest["body"] if longest else ""


def test_nginx_sends_renditions_of_rights_limited_photos_to_the_app():
    from datetime import date

    from articles.renditions import rendition_name

    source = "images/2026/11/ky-ket-1a2b3c4d.jpg"
    limited = rendition_name(
        source, width=640, ext="webp", ratio="16x9", until=date(2026, 12, 31)
    )
    body = nginx_location(f"/media/{limited}")
    # The app decides: 404 from the rights moment, cached only until then.
    assert "proxy_pass http://newsroom_app" in body
    assert "try_files" not in body and "expires" not in body
    # A photo without a rights date: files from the disk, kept a year.
    plain = nginx_location(f"/media/{rendition_name(source, width=640, ext='webp')}")
    assert "try_files $uri @app" in plain and "expires 1y" in plain


def test_no_nginx_location_serves_the_withheld_originals():
    conf = (BASE_DIR / "deploy" / "nginx.conf").read_text()
    served = [
        f"{root.rstrip('/')}{m['path']}"
        for m in LOCATION_RE.finditer(conf)
        for root in re.findall(r"^\s*root\s+([^;]+);", m["body"], re.MULTILINE)
    ] + [
        alias
        for m in LOCATION_RE.finditer(conf)
        for alias in re.findall(r"^\s*alias\s+([^;]+);", m["body"], re.MULTILINE)
    ]
    assert "/srv/newsroom/media/" in served
    # PRIVATE_MEDIA_ROOT's default beside MEDIA_ROOT=/srv/newsroom/media.
    assert not [p for p in served if "/srv/newsroom/media-private/".startswith(p)]
    unit = (BASE_DIR / "deploy" / "newsroom.service").read_text()
    assert "ReadWritePaths=/srv/newsroom/media-private" in unit


# -- the background worker --------------------------------------------------------


def unit(name: str) -> dict[str, list[str]]:
    """A systemd unit in deploy/: each key's values, in order."""
    values: dict[str, list[str]] = {}
    for line in (BASE_DIR / "deploy" / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key, []).append(value)
    return values


def test_the_worker_unit_runs_db_worker_as_the_app_runs():
    app, worker = unit("newsroom.service"), unit("newsroom-worker.service")
    assert "manage.py db_worker --no-reload" in worker["ExecStart"][0]
    assert worker["Restart"] == ["always"]
    # The same user, checkout, environment, cache folder, write access and
    # hardening as gunicorn: it runs the app's code on the app's files.
    for key in app:
        if key.startswith(("Protect", "Private", "ReadWrite", "Restrict", "NoNew")):
            assert worker.get(key) == app[key], key
    for key in ("User", "Group", "WorkingDirectory", "EnvironmentFile"):
        assert worker[key] == app[key], key
    assert worker["CacheDirectory"] == app["CacheDirectory"]


def test_finished_job_results_are_pruned_daily_and_the_units_are_documented():
    prune = unit("newsroom-tasks-prune.service")
    assert "manage.py prune_db_task_results" in prune["ExecStart"][0]
    assert unit("newsroom-tasks-prune.timer")["OnCalendar"]
    guide = (BASE_DIR / "docs" / "deployment.md").read_text()
    for name in ("newsroom-worker.service", "newsroom-tasks-prune.timer"):
        assert name in guide
    assert "systemctl enable --now newsroom-worker" in guide
