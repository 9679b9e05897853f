"""The server-side page cache for anonymous readers, and its precise purge.

A public view marks its response with the *groups* it shows
(``middleware.mark_cacheable``): ``article:<id>``, ``home``,
``category:<id>``, ``tag:<id>``, ``author:<id>``, ``featured``, ``latest``,
``site``, each built by one function or constant of ``groups``.
``PageCacheMiddleware`` stores such a response in the shared cache (Redis when
``REDIS_URL`` is set) with the time its render *started*. Purging a group
writes the group's purge time; a stored page is served only while it was
rendered after the last purge of each of its groups (``purging``). Feeds,
sitemaps and search plug in by marking their responses with the same groups
(see README, "Caching").

The modules, leaves first:

- ``groups``: every group name; ``keys``: every cache key prefix and the query
  parameters the cache reads or refuses (shared with the replica router). Both
  import nothing of the app.
- ``store``: where pages and parts are kept (one round trip per hit on Redis).
- ``purging``: ``purge`` and the groups an article change refreshes; the
  receivers in ``articles.signals`` call it after commit.
- ``parts``: cached parts of pages, refreshed by the same purges.
- ``middleware``: ``PageCacheMiddleware``, ``mark_cacheable``, ``cacheable``.
"""

from importlib import import_module

# The public names, by the module that defines them. Imported on first use, not
# here: newsroom.db_router imports ``keys``, which runs this file first, and
# ``purging`` imports the router back; a leaf must stay a leaf.
_PUBLIC = {
    "PageCacheMiddleware": "middleware",
    "cacheable": "middleware",
    "mark_cacheable": "middleware",
    "forget_next_change": "purging",
    "groups_before": "purging",
    "groups_for_article": "purging",
    "groups_of": "purging",
    "keep_for": "purging",
    "next_change_at": "purging",
    "purge": "purging",
    "purge_all": "purging",
    "purge_articles_on_commit": "purging",
    "GROUP_PREFIX": "keys",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name):
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_PUBLIC[name]}"), name)
