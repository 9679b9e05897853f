"""Search at scale: the query plan and the median time of the search page's queries.

    export DATABASE_URL=postgres://...
    .venv/bin/python manage.py generate_content --articles 100000
    .venv/bin/python bench/search.py [--runs 20]

Prints EXPLAIN ANALYZE of one search (PostgreSQL: it must use the GIN index on
``search_vector``) and, per query, the median time of what ``/tim-kiem/`` runs:
the count and the first page of 20.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.db import connection  # noqa: E402

from articles.models import Article  # noqa: E402
from articles.search import (  # noqa: E402
    newest_match_ids,
    newest_matches,
    ranked,
    search_terms,
)

QUERIES = [
    "ha noi",
    "HÀ NỘI hợp tác",
    "kinh te so",
    "chuyển đổi số",
    "dang",
    "giao duc",
    "thuc day hop tac toan dien",
    "y te",
]


def page(query):
    """What the search view runs: the newest matches once, then the ranked page."""
    qs = Article.objects.published().select_related("category", "cover")
    terms = search_terms(query)
    ids = newest_match_ids(qs, terms)
    return len(ids), list(ranked(qs, ids, terms)[:20])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE articles_article"
            if connection.vendor == "postgresql"
            else "ANALYZE"
        )
    total = Article.objects.count()
    print(
        f"{connection.vendor}, {total} articles, "
        f"{Article.objects.published().count()} published\n"
    )
    published = Article.objects.published()
    terms = search_terms("ha noi hop tac")
    qs = ranked(published, newest_matches(published, terms), terms)[:20]
    print("EXPLAIN ANALYZE (q=ha noi hop tac, first page):")
    options = {"analyze": True} if connection.vendor == "postgresql" else {}
    print(qs.explain(**options))
    print()
    all_times = []
    for query in QUERIES:
        page(query)  # warm the buffer cache
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            count, _rows = page(query)
            times.append((time.perf_counter() - start) * 1000)
        all_times += times
        times.sort()
        print(
            f"{query!r:32} {count:6} results  median {statistics.median(times):7.1f}"
            f" ms  p95 {times[int(len(times) * 0.95) - 1]:7.1f} ms"
        )
    print(
        f"\nmedian over all queries: {statistics.median(all_times):.1f} ms "
        f"({len(all_times)} runs)"
    )


if __name__ == "__main__":
    main()
