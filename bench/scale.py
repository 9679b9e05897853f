"""Unloaded latency of uncached pages on a big database, in one process.

    DATABASE_URL=postgres://.../newsroom_1m .venv/bin/python bench/scale.py [-n 40]

Renders each page ``n`` times through Django's full middleware stack with the
page cache off and production settings (DEBUG off), after one warm-up
request, and prints p50/p95/max wall time, the number of queries and the
median CPU time of the Django process (the database's own time is not in it:
on a machine shared with other work, CPU time is the steadier figure). Pages: home, a
section, its page 2,000 (or its last page when it has fewer), an article, a
tag, an author, and three searches; the home and article pages also with
their cached parts cold. Set ``REDIS_URL`` to keep the parts in Redis as in
production (without it they live in the process's local-memory cache).
"""

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

BASE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE))
os.environ.setdefault("SECRET_KEY", "scale-" + secrets.token_urlsafe(40))
os.environ.update(
    DEBUG="0",
    ALLOWED_HOSTS="testserver",
    SECURE_SSL_REDIRECT="0",
    PAGE_CACHE_ENABLED="0",
    DJANGO_SETTINGS_MODULE="newsroom.settings",
)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Article, Tag  # noqa: E402
from articles.pagecache import groups  # noqa: E402
from articles.pagecache.purging import purge  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=40)
    args = parser.parse_args()
    published = Article.objects.published().select_related("category")
    article = published.order_by("-published_at", "-id")[100]
    section = article.category
    in_section = published.in_category(section).count()
    deep = min(2000, max(1, in_section // 20))
    urls = {
        "home": "/",
        "category": section.get_absolute_url(),
        f"category p{deep}": f"{section.get_absolute_url()}?page={deep}",
        "article": article.get_absolute_url(),
        "tag": Tag.objects.filter(tagged_articles__isnull=False)
        .first()
        .get_absolute_url(),
        "author": article.byline[0].get_absolute_url(),
        "search ha noi": "/tim-kiem/?q=ha+noi",
        "search giao duc": "/tim-kiem/?q=giao+duc",
        "search thuc day": "/tim-kiem/?q=thuc+day+hop+tac+toan+dien",
    }
    # The home and article pages are assembled from cached parts
    # (articles.pagecache.parts): measured warm, and cold, every part stale (a purge
    # of the "site" group before each request, as after a section change).
    urls["home, parts cold"] = urls["home"]
    urls["article, parts cold"] = urls["article"]
    client = Client()
    print(f"{published.count()} published articles; section {in_section}")
    print(
        f"{'page':20} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}"
        f" {'app CPU ms':>11}"
    )
    for name, url in urls.items():
        cold = name.endswith("parts cold")
        assert client.get(url).status_code == 200, url
        times, cpu = [], []
        for _ in range(args.n):
            if cold:
                purge([groups.SITE])
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        if cold:
            purge([groups.SITE])
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(
            f"{name:20} {statistics.median(times):8.1f} {p95:8.1f} "
            f"{times[-1]:8.1f} {len(queries):8d} {statistics.median(cpu):11.1f}"
        )


if __name__ == "__main__":
    main()
