"""Cached parts of pages, refreshed by the page cache's own purges.

A full page render is the expensive path: a page-cache miss after a purge, a
staff member's page, a reader with a pending comment. Most misses are purges
of something else on the page: every publish purges "latest" and so every
article page whose "Đừng bỏ lỡ" reaches beyond its section; every approved
comment purges its article's page. So the parts of a page that change for
different reasons are kept apart, each with the groups it shows
(``articles.pagecache.groups``): the article itself (head, body, byline, tags), the
sidebar shared by every article page, and "Đừng bỏ lỡ". A purge of any of a
part's groups makes it stale exactly as it makes a page stale, so a part is
never older than the pages it sits in, and a page finds all its parts and
their purge times in one round trip (``articles.pagecache.store``).

Parts are built from the primary database: a part built from a lagging read
replica right after a purge would outlive the purge.
"""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from newsroom.db_router import primary

from .groups import SITE
from .keys import PART_PREFIX as PREFIX
from .purging import keep_for
from .store import page_store


@dataclass
class Part:
    """A part named ``name`` (its cache key), made by ``build()``.

    ``groups`` are the page-cache groups it shows: an iterable, or a function
    of the built value when only the value knows them (an article's authors
    and tags). ``timeout`` (seconds) bounds how stale a part may get from
    changes no purge announces (view counts behind "Đọc nhiều"); a part never
    outlives the next scheduled publish or embargo end.
    """

    name: str
    groups: Iterable[str] | Callable
    build: Callable
    timeout: int | None = None


def lookup_parts(*parts: Part) -> dict:
    """The fresh cached copies of ``parts``, by part name (one round trip)."""
    found = page_store().get_parts([PREFIX + part.name for part in parts])
    return {
        part.name: found[PREFIX + part.name]
        for part in parts
        if PREFIX + part.name in found
    }


def build_part(part: Part, *, keep=True):
    """``part.build()``, stored for the pages that show it unless ``keep`` is
    false (a staff preview of an article readers cannot see)."""
    built_at = time.time()
    with primary():  # shared by many pages: never a lagging replica's copy
        value = part.build()
    if keep:
        groups = part.groups(value) if callable(part.groups) else part.groups
        page_store().set_part(
            PREFIX + part.name,
            built_at,
            {*groups, SITE},
            value,
            keep_for(part.timeout),
        )
    return value


def cached_parts(*parts: Part) -> list:
    """Each part's fresh copy from the cache, or built now (one round trip
    when all are fresh)."""
    found = lookup_parts(*parts)
    return [
        found[part.name] if part.name in found else build_part(part) for part in parts
    ]
