"""The site through a database outage and a cache outage, end to end.

A real gunicorn serves the app against PostgreSQL and Redis through switchable
TCP proxies (tests/outage/proxy.py). Cutting the PostgreSQL proxy must give
friendly 503 pages with Retry-After, a 503 from /healthz and no lost comment,
and the site must recover by itself; so must a PostgreSQL that accepts
connections and never answers, within its connect timeout. Cutting the Redis
proxy must change nothing a reader sees, and a Redis that accepts connections
and never answers must cost a reader a fraction of a second once per worker,
with one log line, not a wait per cache call.

``test_outage_table`` prints what each outage does to each kind of page (run
with ``-s`` to see it): refused and hung, Redis and PostgreSQL, pages from the
page cache and rendered, and the admin's login page.
"""

import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.core import signing

from articles.comments.tokens import FORM_SALT
from tests.live import (
    PG,
    drop_database,
    free_port,
    fresh_database,
    gunicorn,
    manage,
    production_env,
    require,
    stop,
)
from tests.outage.proxy import Proxy

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS_PORT = 6379
SEED = BASE_DIR / "demo" / "000_acd85ecf6e6c6313.txt"
SECRET = "outage-test-" + secrets.token_urlsafe(32)


def fetch(url: str, data: dict | None = None, headers: dict | None = None):
    """(status, headers, body) without raising on 4xx/5xx or following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=20) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture(scope="module")
def outage_site():
    require(PG["port"], "PostgreSQL")
    require(REDIS_PORT, "Redis")
    name = f"newsroom_outage_{os.getpid()}"
    direct = fresh_database(name)
    pg_proxy, redis_proxy = Proxy(5432).start(), Proxy(REDIS_PORT).start()
    env = production_env(
        SECRET,
        SERVE_MEDIA="1",
        # The page cache would keep serving pages it already holds through a
        # database outage (a feature); here we test what the app itself answers.
        PAGE_CACHE_ENABLED="0",
        DATABASE_URL=direct,
        REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/12",
    )
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    out = manage(env, "import_article", str(SEED), "--publish", "--create-section")
    article_id = int(re.search(r"-(\d+)\.html$", out).group(1))

    port = free_port()
    served = {
        **env,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pg_proxy.port}/{name}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_proxy.port}/12",
    }
    server = gunicorn(served, port)
    base = f"http://127.0.0.1:{port}"
    try:
        yield {
            "base": base,
            "article": out,
            "article_id": article_id,
            "pg": pg_proxy,
            "redis": redis_proxy,
            "db": name,
            "env": served,
        }
    finally:
        stop(server)
        pg_proxy.stop()
        redis_proxy.stop()
        drop_database(name)


def comment_count(site) -> int:
    with psycopg.connect(dbname=site["db"], **PG) as conn:
        return conn.execute("SELECT count(*) FROM articles_comment").fetchone()[0]


def post_comment(site, body: str):
    token = signing.Signer(key=SECRET, salt=FORM_SALT).sign(
        f"{site['article_id']}:{int(time.time()) - 60}:{secrets.token_urlsafe(12)}"
    )
    return fetch(
        f"{site['base']}/binh-luan/{site['article_id']}/",
        data={
            "name": "Bạn đọc",
            "email": "ban.doc@example.com",
            "body": body,
            "ts": token,
        },
        headers={"Origin": site["base"]},
    )


def wait_for(site, path: str, status: int, tries: int = 50):
    for _ in range(tries):
        got = fetch(site["base"] + path)
        if got[0] == status:
            return got
        time.sleep(0.2)
    return got


def test_database_outage_gives_friendly_503s_and_recovers(outage_site):
    site = outage_site
    assert fetch(site["base"] + "/")[0] == 200
    assert fetch(site["base"] + "/healthz")[0] == 200
    before = comment_count(site)

    site["pg"].stop()
    try:
        for path in ["/", site["article"], "/dong-chay/"]:
            status, headers, body = wait_for(site, path, 503)
            assert status == 503, path
            assert headers["Retry-After"] == "30"
            assert "Trang tạm thời gián đoạn" in body
            assert "Traceback" not in body and "psycopg" not in body
        assert fetch(site["base"] + "/healthz")[0] == 503
        status, _headers, body = post_comment(
            site, "Gửi trong lúc cơ sở dữ liệu ngừng."
        )
        assert status == 503  # refused and asks to retry: not acknowledged
        assert "gửi lại" in body
    finally:
        site["pg"].start()

    assert wait_for(site, "/", 200)[0] == 200
    assert wait_for(site, "/healthz", 200)[0] == 200
    assert comment_count(site) == before  # nothing half-stored


def test_hung_database_gives_503s_before_gunicorn_kills_the_worker(outage_site):
    site = outage_site
    # A second server with the page cache on: what it holds keeps answering.
    port = free_port()
    cached = gunicorn({**site["env"], "PAGE_CACHE_ENABLED": "1"}, port)
    cached_base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(2):  # the first request stores it
            assert fetch(cached_base + site["article"])[0] == 200
        site["pg"].hang()
        try:
            for path in ["/dong-chay/?page=3", site["article"], "/healthz"]:
                started = time.monotonic()
                status, headers, body = fetch(site["base"] + path)
                # gunicorn's timeout (30 s) would have killed the worker and
                # answered its bare "Internal Server Error" instead.
                assert time.monotonic() - started < 20, path
                assert status == 503, (path, status, body[:200])
                assert headers["Retry-After"] == "30", path
                assert "Traceback" not in body and "psycopg" not in body
            status, _headers, body = fetch(site["base"] + "/dong-chay/")
            assert "Trang tạm thời gián đoạn" in body
            status, headers, _body = fetch(cached_base + site["article"])
            assert status == 200
        finally:
            site["pg"].start()
        assert wait_for(site, "/dong-chay/", 200)[0] == 200
        assert wait_for(site, "/healthz", 200)[0] == 200
        assert fetch(site["base"] + site["article"])[0] == 200
    finally:
        stop(cached)


def test_statement_timeout_bounds_web_processes_not_commands():
    require(PG["port"], "PostgreSQL")
    env = production_env(
        SECRET,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{PG['port']}/postgres",
        DATABASE_STATEMENT_TIMEOUT="0.05",
    )
    sleep = (
        "from django.db import connection\n"
        "connection.cursor().execute('SELECT pg_sleep(0.5)')\n"
        "print('done')"
    )
    # migrate, generate_content, rebuild_search_index: never cut.
    assert manage(env, "shell", "-c", sleep).splitlines()[-1] == "done"
    # The app as gunicorn loads it.
    web = subprocess.run(
        [sys.executable, "-c", f"import newsroom.wsgi\n{sleep}"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert web.returncode != 0 and "done" not in web.stdout
    assert "canceling statement due to statement timeout" in web.stderr


def test_cache_outage_changes_nothing_a_reader_sees(outage_site):
    site = outage_site
    before = comment_count(site)
    site["redis"].stop()
    try:
        for path in ["/", site["article"], "/dong-chay/", "/healthz"]:
            assert fetch(site["base"] + path)[0] == 200, path
        status, headers, _body = post_comment(
            site, "Gửi khi bộ nhớ đệm ngừng hoạt động."
        )
        assert status == 302, headers
    finally:
        site["redis"].start()
    assert comment_count(site) == before + 1  # stored, not lost
    assert fetch(site["base"] + "/")[0] == 200


def page_cache_server(site, log=None):
    """A second gunicorn on the same proxies with the page cache on."""
    port = free_port()
    server = gunicorn({**site["env"], "PAGE_CACHE_ENABLED": "1"}, port, log=log)
    return server, f"http://127.0.0.1:{port}"


def timed(url: str):
    started = time.monotonic()
    status, headers, body = fetch(url)
    return status, time.monotonic() - started, headers, body


def test_hung_cache_costs_a_reader_little_and_logs_one_line(outage_site, tmp_path):
    """Before: every cache call waited its socket timeout, so ``/`` took 20 s
    and the article 29.5 s (gunicorn kills a worker at 30 s)."""
    site = outage_site
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "w") as log:
        server, base = page_cache_server(site, log)
    paths = ["/", site["article"], "/admin/login/"]
    try:
        for path in paths:
            assert fetch(base + path)[0] == 200  # stores the public pages
        site["redis"].hang()
        try:
            for _ in range(3):
                for path in paths:
                    status, seconds, _headers, body = timed(base + path)
                    assert status == 200, (path, status, body[:200])
                    # A worker pays one socket timeout (0.25 s), then knows;
                    # generous for a loaded 2-core machine, far from 20 s.
                    assert seconds < 3, (path, seconds)
        finally:
            site["redis"].start()
        assert wait_for({"base": base}, site["article"], 200)[0] == 200
    finally:
        stop(server)
    log = log_path.read_text()
    outages = [line for line in log.splitlines() if "unavailable" in line]
    assert 1 <= len(outages) <= 2, log  # one line per worker (two workers)
    assert "Traceback" not in log and "Exception ignored" not in log, log


def test_outage_table(outage_site, capsys):
    """Every outage, every kind of page: status and time, printed as a table.

    PostgreSQL down: pages in the page cache still answer 200, the rest 200
    when built from cached parts alone, else the friendly 503 page. Redis down:
    everything answers 200, rendered.
    """
    site = outage_site
    server, cached_base = page_cache_server(site)
    pages = {
        "home, page cache": cached_base + "/",
        "article, page cache": cached_base + site["article"],
        "home, rendered": site["base"] + "/",
        "article, rendered": site["base"] + site["article"],
        "section, rendered": site["base"] + "/dong-chay/",
        "admin login": site["base"] + "/admin/login/",
    }
    rows = []
    try:
        for service in ("redis", "pg"):
            for mode in ("stop", "hang"):
                # The page cache holds both pages and Redis answers again.
                for path in ("/", site["article"]):
                    for _ in range(50):
                        _status, headers, _body = fetch(cached_base + path)
                        if headers.get("X-Page-Cache") == "hit":
                            break
                        time.sleep(0.2)
                    assert headers.get("X-Page-Cache") == "hit", (path, dict(headers))
                getattr(site[service], mode)()
                try:
                    for _ in range(2):  # the second is each worker's next
                        for name, url in pages.items():
                            status, seconds, headers, body = timed(url)
                            rows.append((service, mode, name, status, seconds))
                            assert "Traceback" not in body
                            if service == "redis" or "page cache" in name:
                                assert status == 200, (service, mode, name, status)
                            elif name.startswith("section"):  # no cached part
                                assert status == 503, (mode, status)
                            else:
                                # A page assembled from cached parts, or the
                                # login form, may need no query and answer.
                                assert status in (200, 503), (mode, name, status)
                            if service == "redis":
                                assert seconds < 3, (mode, name, seconds)
                            else:
                                assert seconds < 20, (mode, name, seconds)
                finally:
                    site[service].start()
                assert wait_for(site, "/", 200)[0] == 200
                if service == "redis":
                    # Each worker leaves Redis alone this long after its last
                    # failure (REDIS_RETRY_SECONDS), serving without it.
                    time.sleep(6)
    finally:
        stop(server)
    table = ["| outage | page | status | time |", "| --- | --- | --- | --- |"]
    for service, mode, name, status, seconds in rows:
        outage = {"stop": "refused", "hang": "hung"}[mode]
        label = {"redis": "Redis", "pg": "PostgreSQL"}[service]
        ms = f"{seconds * 1000:.0f} ms"
        table.append(f"| {label} {outage} | {name} | {status} | {ms} |")
    with capsys.disabled():  # the table is the point of the test: always shown
        sys.stdout.write("\n" + "\n".join(table) + "\n")
