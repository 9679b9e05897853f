"""Cached parts of pages, refreshed by the page cache's own purges.

A full page render is the expensive path: a page-cache miss after a purge, a
staff member's page, a reader with a pending comment. Parts that many pages
share ("Nổi bật" and "Đọc nhiều" on every article page) or that outlive the
page around them ("Đừng bỏ lỡ" survives a new comment on the article) are
built once and kept in the shared cache with the groups they show
(``articles.pagecache``). A purge of any of those groups makes the part stale
exactly as it makes a page stale, so a part is never older than the pages it
sits in, and a hit costs one cache round trip (the part and its groups' purge
times in one ``get_many``).

Values are the ORM rows the templates already use, so a cached part renders
exactly like a fresh one. Parts are built from the primary database: a part
built from a lagging read replica right after a purge would outlive the purge.
"""

import time
from collections.abc import Callable, Iterable

from django.core.cache import cache

from newsroom.db_router import primary

from .pagecache import GROUP_PREFIX, SITE_GROUPS, keep_for, purged_since

PREFIX = "pc:part:v2:"


def cached_part(name: str, groups: Iterable[str], build: Callable, *, timeout=None):
    """``build()``, or its copy from the cache while none of ``groups`` was purged.

    ``timeout`` (seconds) bounds how stale a part may get from changes no purge
    announces (view counts behind "Đọc nhiều"); a part never outlives the next
    scheduled publish or embargo end.
    """
    key = PREFIX + name
    group_keys = [GROUP_PREFIX + g for g in {*groups, *SITE_GROUPS}]
    found = cache.get_many([key, *group_keys])
    entry = found.pop(key, None)
    if entry is not None:
        built_at, value = entry
        if not purged_since(built_at, found.values()):
            return value
    built_at = time.time()
    with primary():  # shared by many pages: never a lagging replica's copy
        value = build()
    cache.set(key, (built_at, value), keep_for(timeout))
    return value
