"""`make bench`: requests/second and latency of the site under production settings.

    .venv/bin/python bench/run.py [--seconds 10] [--connections 32]

Needs a database that already holds articles (``BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/newsroom_bench``; fill it with
``manage.py generate_content --articles 100000``) and wrk (``apt-get install
wrk``). Redis (``BENCH_REDIS_URL``, default db 15 on 127.0.0.1) is the cache.

In one run, all on 127.0.0.1 with gunicorn (pinned in pyproject.toml, 2 x
cores + 1 sync workers): a bare Django view returning "ok" (the framework's
ceiling), then home, category, article, tag, author (and search and feed when
those routes exist) with the page cache off ("uncached") and on
("django-cached"), and through nginx with ``deploy/nginx.conf`` when nginx is
installed ("nginx-cached"). Each figure: wrk with N connections for S seconds
after a warm-up (saturated req/s, p50, p99), and with one connection (unloaded
p50, p95, p99). Writes ``bench/results/<UTC time>.json`` and prints a table.
``--pages article,home`` and ``--no-nginx`` shorten a run while working on
one page; the figures of record come from a whole run.

Then the cache outage ("cache-outage", skipped with ``--no-cache-outage``): the
uncached article and home with Redis up, refusing connections and hung
(accepting and never answering, through ``tests/outage/proxy.py``), each on a
fresh gunicorn, and the ratio of each outage's p50 and req/s to Redis up. An
outage must cost a page at most twice its Redis-up uncached render.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

BASE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE))  # for tests.outage.proxy, the switchable proxy
# One secret for the whole run: cached values are sealed with it
# (newsroom/cache.py), so every phase reads what the warm-up stored.
SECRET_KEY = "bench-" + secrets.token_urlsafe(40)
PY = str(BASE / ".venv" / "bin" / "python")
GUNICORN = str(BASE / ".venv" / "bin" / "gunicorn")
APP_PORT, NGINX_PORT, SECOND_APP_PORT = 8765, 8766, 8767
LUA = str(BASE / "bench" / "latency.lua")


def env(cache_on: bool) -> dict:
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench"
        ),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        "CACHE_KEY_PREFIX": "bench",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "PAGE_CACHE_ENABLED": "1" if cache_on else "0",
        "BENCH_BARE_VIEW": "1",
        "LOG_LEVEL": "ERROR",
    }


def manage(*args, cache_on=True) -> str:
    out = subprocess.run(
        [PY, "manage.py", *args],
        cwd=BASE,
        env=env(cache_on),
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout


def pages() -> dict:
    """One URL per page kind, from the database."""
    code = (
        "import json\n"
        "from articles.models import Article, Author, Category, Tag\n"
        "from django.urls import NoReverseMatch, reverse\n"
        "a = Article.objects.published().select_related('category')"
        ".order_by('-published_at', '-id')[50]\n"
        "urls = {'home': '/', 'category': a.category.get_absolute_url(),"
        " 'article': a.get_absolute_url(),"
        " 'tag': Tag.objects.filter(tagged_articles__isnull=False).first()"
        ".get_absolute_url(),"
        " 'author': a.byline[0].get_absolute_url()}\n"
        "for name, route, q in (('search', 'articles:search', '?q=ha+noi'),"
        " ('feed', 'articles:feed', '')):\n"
        "    try: urls[name] = reverse(route) + q\n"
        "    except NoReverseMatch: pass\n"
        "print(json.dumps(urls))\n"
    )
    return json.loads(manage("shell", "-c", code).strip().splitlines()[-1])


def wait_for(url: str, timeout=30) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except Exception:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer")


def start_gunicorn(
    cache_on: bool, workers: int, port=APP_PORT, extra_env=None
) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            GUNICORN,
            "newsroom.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=BASE,
        env={**env(cache_on), **(extra_env or {})},
    )
    wait_for(f"http://127.0.0.1:{port}/__bench__/ok")
    return proc


def stop(proc: subprocess.Popen, sig=signal.SIGTERM) -> None:
    proc.send_signal(sig)
    proc.wait(timeout=30)


def worker_rss_mb(proc: subprocess.Popen) -> list[float]:
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
        sizes.append(round(kb / 1024, 1))
    return sizes


def wrk(url: str, connections: int, seconds: int) -> dict:
    threads = min(2, connections)
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", LUA, url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    data = json.loads(out.strip().splitlines()[-1])
    data["rps"] = round(data["requests"] / data["seconds"], 1)
    return data


def measure(url: str, args) -> dict:
    wrk(url, args.connections, 2)  # warm-up: workers, caches, connections
    loaded = wrk(url, args.connections, args.seconds)
    unloaded = wrk(url, 1, max(3, args.seconds // 2))
    return {
        "rps": loaded["rps"],
        "p50_ms": loaded["p50_ms"],
        "p99_ms": loaded["p99_ms"],
        "requests": loaded["requests"],
        "socket_errors": loaded["errors"],
        "non2xx": loaded["non2xx"],
        "unloaded_p50_ms": unloaded["p50_ms"],
        "unloaded_p95_ms": unloaded["p95_ms"],
        "unloaded_p99_ms": unloaded["p99_ms"],
    }


def nginx_conf(tmp: Path, ports=(APP_PORT,), front_cache=True) -> Path:
    """deploy/nginx.conf made runnable here: loopback port, temporary paths.

    ``ports``: the app servers behind it; ``front_cache=False`` turns the
    micro-cache off, so every request reaches (and is balanced across) them.
    """
    site = (BASE / "deploy" / "nginx.conf").read_text()
    site = site.replace("/var/cache/nginx/newsroom", str(tmp / "cache"))
    site = site.replace("/srv/newsroom", str(BASE))
    site = site.replace("listen 80;", f"listen 127.0.0.1:{NGINX_PORT};")
    servers = "".join(f"server 127.0.0.1:{port}; " for port in ports)
    site = site.replace("server 127.0.0.1:8000;", servers.strip())
    if not front_cache:
        site = site.replace("proxy_cache newsroom_pages;", "proxy_cache off;")
    site = site.replace("server_name bao.example.vn;", "server_name 127.0.0.1;")
    tmp.chmod(0o755)  # nginx workers run as an unprivileged user
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"worker_processes auto;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\n"
        "events { worker_connections 1024; }\n"
        f"http {{\n access_log off;\n client_body_temp_path {tmp}/body;\n"
        f" proxy_temp_path {tmp}/proxy;\n{site}\n}}\n"
    )
    return conf


SCALE_PAGES = ("home", "article")


def behind_nginx(ports, front_cache, urls, args, label) -> dict:
    """Measure each of ``urls`` through nginx in front of the apps on ``ports``."""
    with tempfile.TemporaryDirectory() as tmp:
        conf = nginx_conf(Path(tmp), ports, front_cache)
        nginx = subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"])
        try:
            wait_for(f"http://127.0.0.1:{NGINX_PORT}/")
            figures = {}
            for name in urls:
                print(f"{label:14} {name:9} {urls[name]}", file=sys.stderr)
                figures[name] = measure(
                    f"http://127.0.0.1:{NGINX_PORT}{urls[name]}", args
                )
            return figures
        finally:
            stop(nginx, signal.SIGQUIT)


def scale_out(urls, args) -> dict:
    """One app instance against two behind nginx, page cache on.

    Two instances on one 2-core machine share its CPU, so this shows that
    requests spread over both and nothing breaks, not a capacity gain; on two
    machines the app tier's capacity doubles (docs/deployment.md, Capacity).
    """
    urls = {name: urls[name] for name in SCALE_PAGES}
    figures = {}
    first = start_gunicorn(True, args.workers)
    try:
        figures["1 instance, no front cache"] = behind_nginx(
            (APP_PORT,), False, urls, args, "1 app"
        )
        second = start_gunicorn(True, args.workers, SECOND_APP_PORT)
        try:
            figures["2 instances, no front cache"] = behind_nginx(
                (APP_PORT, SECOND_APP_PORT), False, urls, args, "2 apps"
            )
            figures["2 instances, front cache"] = behind_nginx(
                (APP_PORT, SECOND_APP_PORT), True, urls, args, "2 apps+nginx"
            )
        finally:
            stop(second)
    finally:
        stop(first)
    return figures


OUTAGE_PAGES = ("article", "home")


def cache_outage(urls, args) -> dict:
    """The uncached ``OUTAGE_PAGES`` with Redis up, refused and hung."""
    from tests.outage.proxy import Proxy

    redis = urllib.parse.urlsplit(env(False)["REDIS_URL"])
    proxy = Proxy(redis.port or 6379, redis.hostname or "127.0.0.1")
    user = redis.netloc.rpartition("@")[0]
    through_proxy = redis._replace(
        netloc=(user + "@" if user else "") + f"127.0.0.1:{proxy.port}"
    ).geturl()
    base = f"http://127.0.0.1:{APP_PORT}"
    figures = {name: {} for name in OUTAGE_PAGES if name in urls}
    for state in ("up", "refused", "hung"):
        if state == "hung":
            proxy.hang()  # "refused": the proxy is not listening yet
        extra = {} if state == "up" else {"REDIS_URL": through_proxy}
        proc = start_gunicorn(False, args.workers, extra_env=extra)
        try:
            for name in figures:
                print(f"cache {state:8} {name:9} {urls[name]}", file=sys.stderr)
                figures[name][state] = measure(base + urls[name], args)
        finally:
            stop(proc)
            proxy.stop()
    for states in figures.values():
        up = states["up"]
        for state in ("refused", "hung"):
            r = states[state]
            r["p50_vs_up"] = round(r["p50_ms"] / up["p50_ms"], 2)
            r["rps_up_vs"] = round(up["rps"] / r["rps"], 2)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--pages", help="only these pages, comma-separated (default: every page)"
    )
    parser.add_argument(
        "--no-nginx", action="store_true", help="skip the nginx and scale-out phases"
    )
    parser.add_argument(
        "--no-cache-outage",
        action="store_true",
        help="skip the Redis refused/hung phase",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    manage("collectstatic", "--noinput")
    urls = pages()
    if args.pages:
        wanted = args.pages.split(",")
        urls = {name: path for name, path in urls.items() if name in wanted}
    with_nginx = shutil.which("nginx") and not args.no_nginx
    base = f"http://127.0.0.1:{APP_PORT}"
    results = {"bare": {}, "uncached": {}, "django-cached": {}, "nginx-cached": {}}

    for mode, cache_on in (("uncached", False), ("django-cached", True)):
        proc = start_gunicorn(cache_on, args.workers)
        try:
            if mode == "uncached":
                results["bare"]["ok"] = measure(f"{base}/__bench__/ok", args)
            for name, path in urls.items():
                print(f"{mode:14} {name:9} {path}", file=sys.stderr)
                results[mode][name] = measure(base + path, args)
            if cache_on and with_nginx:
                results["nginx-cached"] = behind_nginx(
                    (APP_PORT,), True, urls, args, "nginx-cached"
                )
            results[f"rss_mb_{mode}"] = worker_rss_mb(proc)
        finally:
            stop(proc)

    if with_nginx and set(SCALE_PAGES) <= set(urls):
        results["scale-out"] = scale_out(urls, args)
    if not args.no_cache_outage and set(OUTAGE_PAGES) & set(urls):
        results["cache-outage"] = cache_outage(urls, args)

    count = manage(
        "shell",
        "-c",
        "from articles.models import Article; "
        "print(Article.objects.published().count())",
    ).split()[-1]
    bare = results["bare"]["ok"]["rps"]
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "published_articles": int(count),
        "workers": args.workers,
        "wrk": f"-c{args.connections} -d{args.seconds}s (unloaded: -c1)",
        "urls": urls,
        "results": results,
    }
    out = (
        BASE
        / "bench"
        / "results"
        / (datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ") + ".json")
    )
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")

    head = (
        f"{'mode':14} {'page':9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'1c p50':>7} {'1c p95':>7} {'1c p99':>7} {'vs bare':>8}"
    )
    print(f"{count} published articles, {args.workers} workers\n{head}")
    for mode in ("bare", "uncached", "django-cached", "nginx-cached"):
        for name, r in results[mode].items():
            print(
                f"{mode:14} {name:9} {r['rps']:>9.1f} {r['p50_ms']:>8.2f} "
                f"{r['p99_ms']:>8.2f} {r['unloaded_p50_ms']:>7.2f} "
                f"{r['unloaded_p95_ms']:>7.2f} {r['unloaded_p99_ms']:>7.2f} "
                f"{r['rps'] / bare:>7.0%}"
            )
    # A non-2xx answer voids a figure (it measured an error page); so do socket
    # errors beyond one in a thousand requests (a few under saturation on two
    # shared cores are the load generator's, not the site's).
    failed = [
        f"{mode} {name}: {r['non2xx']} non-2xx, {r['socket_errors']} socket errors"
        for mode in ("bare", "uncached", "django-cached", "nginx-cached")
        for name, r in results[mode].items()
        if r["non2xx"] or r["socket_errors"] * 1000 > r["requests"]
    ]
    if failed:
        print("ERRORS (those figures are void):")
        print("\n".join(failed))
    for setup, figures in results.get("scale-out", {}).items():
        for name, r in figures.items():
            print(
                f"{setup[:27]:27} {name:9} {r['rps']:>9.1f} {r['p50_ms']:>8.2f} "
                f"{r['p99_ms']:>8.2f} {r['rps'] / bare:>7.0%}"
            )
    for name, states in results.get("cache-outage", {}).items():
        for state, r in states.items():
            vs = (
                f"p50 x{r['p50_vs_up']}, req/s /{r['rps_up_vs']}"
                if state != "up"
                else ""
            )
            print(
                f"{'redis ' + state:14} {name:9} {r['rps']:>9.1f} {r['p50_ms']:>8.2f} "
                f"{r['p99_ms']:>8.2f} {r['unloaded_p50_ms']:>7.2f}  {vs}"
            )
    for mode in ("uncached", "django-cached"):
        print(f"worker RSS after {mode}: {results[f'rss_mb_{mode}']} MB")
    print(f"written: {out.relative_to(BASE)}")
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
