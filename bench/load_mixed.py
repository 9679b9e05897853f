"""A bounded load test on loopback: mixed reads and comment posts.

    .venv/bin/python bench/load_mixed.py [--requests 2000] [--concurrency 50]

Starts gunicorn on 127.0.0.1 against a fresh database (SQLite in a temporary
folder, or a new PostgreSQL database when DATABASE_URL points at PostgreSQL),
with Redis as the cache when it answers on 127.0.0.1:6379. Sends the requests
from a thread pool, then checks that no answer was a 5xx and that every
comment acknowledged with a redirect is in the database. Prints the figures.
"""

import argparse
import os
import random
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))
SECRET = "bench-" + secrets.token_urlsafe(32)


def free_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def database(tmp: Path) -> tuple[str, callable]:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        name = f"newsroom_bench_{os.getpid()}"
        with psycopg.connect(
            "postgres://postgres@127.0.0.1:5432/postgres", autocommit=True
        ) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        dsn = f"postgres://postgres@127.0.0.1:5432/{name}"

        def count():
            with psycopg.connect(dsn) as c:
                return c.execute("SELECT count(*) FROM articles_comment").fetchone()[0]

        def drop():
            with psycopg.connect(
                "postgres://postgres@127.0.0.1:5432/postgres", autocommit=True
            ) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        count.drop = drop
        return dsn, count
    path = tmp / "bench.sqlite3"

    def count():
        with sqlite3.connect(path) as c:
            return c.execute("SELECT count(*) FROM articles_comment").fetchone()[0]

    count.drop = lambda: None
    return f"sqlite:///{path}", count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--comment-share", type=float, default=0.15)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    url, count_comments = database(tmp)
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "0",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(tmp / "media"),
        # Every simulated reader has their own address, as behind a proxy.
        "CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
    }
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        env["REDIS_URL"] = "redis://127.0.0.1:6379/11"
    except OSError:
        env.pop("REDIS_URL", None)
    manage = [sys.executable, "manage.py"]
    run = {"cwd": BASE_DIR, "env": env, "check": True}
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], **run)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], **run)
    subprocess.run(
        [*manage, "load_demo", "--password-file", str(tmp / "pw")],
        **run,
        capture_output=True,
    )
    before = count_comments()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "newsroom.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(2 * os.cpu_count() + 1),
            "--timeout",
            "30",
            "--log-level",
            "error",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    try:
        for _ in range(300):  # up to a minute on a busy two-core machine
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        results, elapsed, acknowledged = hammer(port, args)
    finally:
        server.terminate()
        server.wait(timeout=30)
    stored = count_comments() - before
    count_comments.drop()
    statuses = Counter(status for status, _latency in results["all"])
    latencies = sorted(latency for _status, latency in results["all"])
    fivexx = sum(n for status, n in statuses.items() if status >= 500)
    print(
        f"requests: {len(latencies)} at concurrency {args.concurrency} "
        f"in {elapsed:.1f} s ({len(latencies) / elapsed:.0f} req/s)"
    )
    print(f"statuses: {dict(sorted(statuses.items()))}")
    print(
        f"latency ms: p50 {latencies[len(latencies) // 2] * 1000:.0f}, "
        f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.0f}"
    )
    print(f"comments acknowledged (302): {acknowledged}, new rows stored: {stored}")
    print(f"5xx: {fivexx}, lost comments: {acknowledged - stored}")
    sys.exit(1 if fivexx or acknowledged != stored else 0)


def hammer(port, args):
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/")
    home = conn.getresponse().read().decode()
    paths = sorted(set(re.findall(r'href="(/[a-z0-9-]+/[a-z0-9-]+-\d+\.html)"', home)))
    sections = sorted(set(re.findall(r'href="(/[a-z0-9-]+/)"', home)))
    from django.conf import settings
    from django.core import signing

    settings.configure(SECRET_KEY=SECRET)
    from articles.comments.tokens import FORM_SALT

    def comment_request(n):
        path = random.choice(paths)
        article_id = int(re.search(r"-(\d+)\.html$", path).group(1))
        token = signing.Signer(key=SECRET, salt=FORM_SALT).sign(
            f"{article_id}:{int(time.time()) - 60}:{secrets.token_urlsafe(12)}"
        )
        body = urllib.parse.urlencode(
            {
                "name": f"Bạn đọc {n}",
                "email": f"doc.gia.{n}@example.com",
                "body": f"Ý kiến số {n} về bài viết, {secrets.token_hex(8)}.",
                "ts": token,
            }
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://127.0.0.1:{port}",
            "X-Real-IP": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
        }
        return "POST", f"/binh-luan/{article_id}/", body, headers

    def one(n):
        if random.random() < args.comment_share:
            method, path, body, headers = comment_request(n)
        else:
            method, path, body, headers = (
                "GET",
                random.choice(paths + sections + ["/"]),
                None,
                {},
            )
        started = time.perf_counter()
        client = HTTPConnection("127.0.0.1", port, timeout=60)
        client.request(method, path, body=body, headers=headers)
        status = client.getresponse().status
        client.close()
        return method, status, time.perf_counter() - started

    random.seed(2026)
    results = {}
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        outcomes = list(pool.map(one, range(args.requests)))
    elapsed = time.perf_counter() - started
    results["all"] = [(status, latency) for _method, status, latency in outcomes]
    acknowledged = sum(
        1 for method, status, _ in outcomes if method == "POST" and status == 302
    )
    return results, elapsed, acknowledged


if __name__ == "__main__":
    main()
