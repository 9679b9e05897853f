"""The shared cache without Redis: diskcache's Django backend, kept open.

Django closes every cache at the end of each request. diskcache's close() drops
its SQLite connection, and opening it again (pragmas, settings read) costs
about 9 ms, more than a whole cached page; so the connection stays open for
the thread, as Django keeps database connections with ``CONN_MAX_AGE``.
"""

from diskcache import DjangoCache


class DiskCache(DjangoCache):
    def close(self, **kwargs):
        """Keep the connection between requests (see the module docstring)."""
