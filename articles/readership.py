"""Counting page views without a database write per view.

A view is two cache round trips (Redis in production): the current *batch* and
the last flush time are read together, and the article's counter for the
current hour in that batch is incremented (created on its first view),
and the first view of an article in a batch also records the article in the
batch's list of slots, so a flush can find every counter without scanning
keys (Django's cache API has no key listing; this works on Redis and local
memory alike).

``flush_views()`` moves the counters to the database in a few statements:

1. it opens a new batch (an atomic ``incr``), so new views go there;
2. it reads the closed batch's slots and counters and deletes them;
3. it adds the counts to ``HourlyViews`` rows and to ``Article.view_count``
   (``count = count + n`` in the database, so concurrent flushes add up);
4. it rewrites the "Đọc nhiều" rankings (``MostRead``) for 24 hours and 7 days,
   and prunes hourly rows older than the longest window.

It runs from ``manage.py flush_views`` (cron, every minute or five) and
opportunistically after the response of an article view once every
``VIEW_FLUSH_INTERVAL`` seconds, so a site without cron still fills the lists.
A view counted in the instant a batch closes may be lost, and a cache outage
loses the views of the current batch: the counts are a popularity signal, not
an audit.
"""

import threading
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, F, Sum, Value, When
from django.utils import timezone

from .models import Article, HourlyViews, MostRead
from .pagecache import groups
from .pagecache.keys import (
    BATCH_KEY,
    FLUSH_LOCK_KEY,
    LAST_FLUSH_KEY,
    hour_of,
    view_counter,
    view_slot,
    view_slots,
)
from .pagecache.purging import purge

# Counters of a batch nobody flushed expire rather than pile up.
BATCH_TTL = 2 * 24 * 3600
# Rankings kept per window: more than a page shows
# (article_page.MOST_READ_SHOWN), so a list stays full when published() leaves
# out withdrawn articles.
MOST_READ_KEPT = 20
WINDOWS = {MostRead.Window.DAY: timedelta(hours=24), MostRead.Window.WEEK: timedelta(7)}
KEEP_HOURS = timedelta(days=8)
UPDATE_CHUNK = 500

_local = threading.local()


def flush_interval() -> int:
    return getattr(settings, "VIEW_FLUSH_INTERVAL", 300)


def _current_batch() -> int:
    batch = cache.get(BATCH_KEY)
    if batch is None:
        cache.add(BATCH_KEY, 0, timeout=None)
        batch = cache.get(BATCH_KEY, 0)
    return batch


def record_view(article_id: int, *, now: datetime | None = None) -> None:
    """Count one view of ``article_id`` in the cache. Never touches the database.

    Two cache round trips in the common case (it runs on every page-cache hit
    of an article): read the batch and the last flush time together, then
    increment the article's counter. When a flush is due, it is scheduled for
    after the response is sent.
    """
    now = now or timezone.now()
    state = cache.get_many([BATCH_KEY, LAST_FLUSH_KEY])
    batch = state.get(BATCH_KEY)
    if batch is None:
        batch = _current_batch()
    key = view_counter(batch, hour_of(now), article_id)
    try:
        cache.incr(key)
    except ValueError:  # the article's first view in this batch and hour
        _first_view(batch, key, article_id, hour_of(now))
    if _flush_due(now, state.get(LAST_FLUSH_KEY)):
        _local.flush_after_response = True


def count_cached_view(article_id: int, *, counted: bool, last_flush) -> None:
    """The view of a page-cache hit of ``article_id``.

    The page store may already have counted it in the same round trip as the
    lookup (``articles.pagecache.store``); then only the flush clock is checked,
    with the last flush time the store read.
    """
    if not counted:
        record_view(article_id)
    elif _flush_due(timezone.now(), last_flush):
        _local.flush_after_response = True


def _first_view(batch: int, key: str, article_id: int, hour: int) -> None:
    if not cache.add(key, 1, timeout=BATCH_TTL):
        try:  # another process counted it first
            cache.incr(key)
        except ValueError:
            pass
        return
    slots = view_slots(batch)
    cache.add(slots, 0, timeout=BATCH_TTL)
    try:
        slot = cache.incr(slots)
    except ValueError:  # evicted between add and incr: lose this one view
        return
    cache.set(view_slot(batch, slot), (hour, article_id), BATCH_TTL)


def _flush_due(now: datetime, last: float | None) -> bool:
    """True for one process once ``VIEW_FLUSH_INTERVAL`` has passed since a flush.

    An empty cache starts the clock rather than flushing, so a cold cache never
    adds a flush to the request that finds it cold.
    """
    if last is None:
        cache.add(LAST_FLUSH_KEY, now.timestamp(), timeout=None)
        return False
    if now.timestamp() - last < flush_interval():
        return False
    return cache.add(FLUSH_LOCK_KEY, 1, timeout=flush_interval())


def flush_after_response(sender, **kwargs):
    """``request_finished`` receiver: run the flush a view asked for, if any."""
    if getattr(_local, "flush_after_response", False):
        _local.flush_after_response = False
        flush_views(refresh_if_idle=False)


def _collect(batch: int) -> dict[tuple[int, int], int]:
    slot_count = cache.get(view_slots(batch)) or 0
    slot_keys = [view_slot(batch, n) for n in range(1, slot_count + 1)]
    slots = cache.get_many(slot_keys)
    count_keys = {
        view_counter(batch, hour, pk): (hour, pk) for hour, pk in slots.values()
    }
    counts = cache.get_many(list(count_keys))
    cache.delete_many([*slot_keys, *count_keys, view_slots(batch)])
    return {count_keys[key]: n for key, n in counts.items() if n}


def flush_views(*, now: datetime | None = None, refresh_if_idle: bool = True) -> int:
    """Write the counted views to the database; return how many views.

    With nothing counted, the rankings are still refreshed (the windows slide)
    unless ``refresh_if_idle`` is off, as for the opportunistic flush.
    """
    now = now or timezone.now()
    cache.set(LAST_FLUSH_KEY, now.timestamp(), timeout=None)
    cache.delete(FLUSH_LOCK_KEY)
    cache.add(BATCH_KEY, 0, timeout=None)
    closed = cache.incr(BATCH_KEY) - 1
    counted = _collect(closed)
    if not counted and not refresh_if_idle:
        return 0
    with transaction.atomic():
        total = _store(counted)
        most_read_refresh(now=now)
    # Committed: the parts that show "Đọc nhiều" follow the new rankings.
    # (Pages keep their own lifetime: purging every page each minute would
    # empty the page cache.)
    purge([groups.MOST_READ])
    return total


def _add_to(queryset, key: str, field: str, amounts: dict[int, int]) -> None:
    """``field = field + amounts[key]`` for every row, a chunk per statement."""
    keys = list(amounts)
    for start in range(0, len(keys), UPDATE_CHUNK):
        chunk = keys[start : start + UPDATE_CHUNK]
        increment = Case(
            *[When(**{key: k}, then=Value(amounts[k])) for k in chunk], default=0
        )
        queryset.filter(**{f"{key}__in": chunk}).update(**{field: F(field) + increment})


def _store(counted: dict[tuple[int, int], int]) -> int:
    if not counted:
        return 0
    existing = set(
        Article.objects.filter(pk__in={pk for _, pk in counted}).values_list(
            "pk", flat=True
        )
    )
    by_hour = defaultdict(dict)
    per_article = defaultdict(int)
    for (hour, pk), n in counted.items():
        if pk in existing:
            by_hour[hour][pk] = n
            per_article[pk] += n
    for hour, amounts in by_hour.items():
        start = datetime.fromtimestamp(hour * 3600, tz=UTC)
        HourlyViews.objects.bulk_create(
            [HourlyViews(article_id=pk, hour=start) for pk in amounts],
            ignore_conflicts=True,
        )
        _add_to(HourlyViews.objects.filter(hour=start), "article_id", "views", amounts)
    _add_to(Article.objects.all(), "pk", "view_count", per_article)
    return sum(per_article.values())


def most_read_refresh(*, now: datetime | None = None) -> None:
    """Rewrite the "Đọc nhiều" rankings from the hourly counts.

    Ranks every article with views; the page filters through ``published()``
    when it reads them, so a few extra places cover withdrawn articles.
    """
    now = now or timezone.now()
    HourlyViews.objects.filter(hour__lt=now - KEEP_HOURS).delete()
    rows = []
    for window, span in WINDOWS.items():
        top = (
            HourlyViews.objects.filter(hour__gte=now - span)
            .values("article")
            .annotate(total=Sum("views"))
            .order_by("-total", "-article")[:MOST_READ_KEPT]
        )
        rows += [
            MostRead(
                window=window, position=i, article_id=r["article"], views=r["total"]
            )
            for i, r in enumerate(top, start=1)
        ]
    MostRead.objects.all().delete()
    MostRead.objects.bulk_create(rows)


def split_most_read(articles, size: int = 5) -> dict[str, list]:
    """The "Đọc nhiều" lists from rows of ``published().with_rankings()``.

    Returns ``{"day": [...], "week": [...]}`` in ranking order, ``size`` each.
    """
    lists = {}
    for window in WINDOWS:
        ranked = [a for a in articles if getattr(a, f"{window}_position", None)]
        ranked.sort(key=lambda a, w=window: getattr(a, f"{w}_position"))
        lists[window] = ranked[:size]
    return lists
