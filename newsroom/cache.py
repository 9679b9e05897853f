"""The shared cache: Redis that fails fast and never runs what it stores, or
diskcache on this machine without Redis.

**A Redis outage costs a reader a few hundred milliseconds once, not per call.**
A Redis that accepts connections and never answers made every cache call wait
its whole socket timeout, a dozen calls a page, until gunicorn killed the
worker; a refused Redis made every call open a new connection and log a
traceback. ``ConnectionPool`` hands out connections that share one per-process
``Outage``: the first call that times out or is refused marks Redis down for
``OUTAGE_SECONDS``, one warning line is logged, and until then every call fails
at once without touching the network (django-redis turns that into a miss). One
call then probes; when Redis answers, one line says so. Connections stay pooled.

Misses alone would make every page a full render from the database, ten to
twenty times the cost of a render from cached parts (``make bench``,
"cache-outage"). So while Redis is down, ``RedisCache`` keeps what it would
have stored there in this process's memory for at most ``LOCAL_SECONDS``: plain
reads and writes (get, set, and their many and delete forms) go there, and the
page cache and its parts with them (``articles.pagecache.store``). Atomic operations
(add, incr) are not imitated, since one process's count is not the site's:
they answer as django-redis does in an outage (None). A purge made during the
outage reaches only its own process, so a page part may be up to
``LOCAL_SECONDS`` old on the others.

**Nothing read from Redis is unpickled unless this site wrote it.** Whoever can
write to Redis could otherwise plant a pickle that runs code in every app
server. ``SignedPickleSerializer`` seals each pickled value with an HMAC keyed
by ``SECRET_KEY`` (``seal``/``unseal``); a value without a valid seal is a miss.
Integers are stored bare by django-redis (counters, purge times) and are never
unpickled. Pages are not pickled at all (``articles.pagecache.store``).

**The disk cache.** Django closes every cache at the end of each request.
diskcache's close() drops its SQLite connection, and opening it again
(pragmas, settings read) costs about 9 ms, more than a whole cached page; so
the connection stays open for the thread, as Django keeps database connections
with ``CONN_MAX_AGE``. Its pickled values are sealed as Redis's are
(``SealedDisk``); pages are bytes there too.
"""

import hashlib
import hmac
import io
import logging
import pickle
import sqlite3
import threading
import time
from functools import lru_cache

import redis
from diskcache import Disk, DjangoCache
from diskcache.core import MODE_PICKLE, UNKNOWN
from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache as DjangoRedisCache
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted
from django_redis.serializers.base import BaseSerializer
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Seconds a Redis that timed out or refused is left alone before one call
# probes it again.
OUTAGE_SECONDS = 5.0
# Longest a value lives in a process's own memory while Redis is down, and how
# many values it keeps there (see the module docstring).
LOCAL_SECONDS = 10
LOCAL_ENTRIES = 2000

SEAL_MAGIC = b"NRs1"
_ID_SIZE, _MAC_SIZE = 4, 16
_SEAL_HEAD = len(SEAL_MAGIC) + _ID_SIZE + _MAC_SIZE


class DiskCache(DjangoCache):
    def __init__(self, directory, params):
        options = {**params.get("OPTIONS", {}), "disk": SealedDisk}
        super().__init__(directory, {**params, "OPTIONS": options})

    def close(self, **kwargs):
        """Keep the connection between requests (see the module docstring)."""


def _fits_sqlite(value: int) -> bool:
    return -(2**63) <= value < 2**63


class SealedDisk(Disk):
    """diskcache's storage with its pickles sealed (``seal``): a pickle
    written into ``CACHE_DIR`` by anyone but this site is a miss, never
    unpickled. Strings, bytes and numbers are stored as they are."""

    def store(self, value, read, key=UNKNOWN):
        kind = type(value)
        if read or kind in (str, bytes, float) or (kind is int and _fits_sqlite(value)):
            return super().store(value, read, key)  # kept as is, not pickled
        sealed = seal(pickle.dumps(value, protocol=self.pickle_protocol))
        if len(sealed) < self.min_file_size:
            return 0, MODE_PICKLE, None, sqlite3.Binary(sealed)
        filename, full_path = self.filename(key, value)
        self._write(full_path, io.BytesIO(sealed), "xb")
        return len(sealed), MODE_PICKLE, filename, None

    def fetch(self, mode, filename, value, read):
        if mode != MODE_PICKLE:
            return super().fetch(mode, filename, value, read)
        if value is None:
            with open(f"{self._directory}/{filename}", "rb") as reader:
                value = reader.read()
        data = unseal(value)
        if data is None:
            # diskcache reads an OSError here as a miss (a file gone meanwhile).
            raise OSError("a cache value this site did not seal")
        return pickle.loads(data)


# Sealed values: an HMAC keyed by SECRET_KEY over a context (the cache key
# where the caller knows it) and the bytes.


@lru_cache(maxsize=4)
def _seal_key(secret: str) -> tuple[bytes, bytes]:
    key = hashlib.sha256(b"newsroom.cache.seal\0" + secret.encode()).digest()
    return key, hashlib.sha256(key).digest()[:_ID_SIZE]


def _mac(key: bytes, context: bytes, data: bytes) -> bytes:
    digest = hashlib.blake2b(key=key, digest_size=_MAC_SIZE)
    digest.update(context + b"\0")
    digest.update(data)
    return digest.digest()


def seal(data: bytes, context: bytes = b"") -> bytes:
    """``data`` with a header that proves this site (its SECRET_KEY) wrote it
    for ``context``."""
    key, key_id = _seal_key(settings.SECRET_KEY)
    return SEAL_MAGIC + key_id + _mac(key, context, data) + data


def unseal(blob: bytes, context: bytes = b"") -> bytes | None:
    """The bytes ``seal`` wrapped, or None when ``blob`` was not sealed by this
    site for ``context``.

    A value from before sealing, or sealed under a previous SECRET_KEY, is a
    quiet miss; a value that claims the current key with a wrong seal was
    written by someone else, and is logged.
    """
    if not isinstance(blob, bytes | bytearray | memoryview):
        return None  # not even bytes: nothing this site sealed
    blob = bytes(blob)
    if not blob.startswith(SEAL_MAGIC):
        return None
    key, key_id = _seal_key(settings.SECRET_KEY)
    start = len(SEAL_MAGIC)
    if blob[start : start + _ID_SIZE] != key_id:
        return None
    data = blob[_SEAL_HEAD:]
    mac = blob[start + _ID_SIZE : _SEAL_HEAD]
    if not hmac.compare_digest(mac, _mac(key, context, data)):
        logger.warning("cache: a value with a forged seal was ignored")
        return None
    return data


REJECTED = object()  # a stored value that is not ours: a miss


class SignedPickleSerializer(BaseSerializer):
    """django-redis serializer: pickles, sealed (see the module docstring)."""

    def dumps(self, value) -> bytes:
        return seal(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))

    def loads(self, value: bytes):
        data = unseal(value)
        return REJECTED if data is None else pickle.loads(data)


class RedisClient(DefaultClient):
    """django-redis's client with values the serializer rejects read as misses."""

    def get(self, key, default=None, version=None, client=None):
        value = super().get(key, default=default, version=version, client=client)
        return default if value is REJECTED else value

    def get_many(self, keys, version=None, client=None) -> dict:
        found = super().get_many(keys, version=version, client=client)
        return {k: v for k, v in found.items() if v is not REJECTED}


# Failing fast while Redis is down.


class CacheDown(RedisConnectionError):
    """Raised without touching the network while Redis is taken as down."""


class Outage:
    """Whether this process takes one Redis server as down, and until when.

    One per connection pool (django-redis keeps one pool per server and
    process). ``epoch`` counts failures, so a connection opened before the last
    one is dropped rather than trusted.
    """

    def __init__(self, name: str, seconds: float = OUTAGE_SECONDS):
        self.name = name
        self.seconds = seconds
        self.down = False
        self.until = 0.0
        self.epoch = 0
        self._lock = threading.Lock()

    def waiting(self) -> bool:
        """Whether calls now would fail fast (down, back-off not over)."""
        return self.down and time.monotonic() < self.until

    def admit(self) -> None:
        """Raise ``CacheDown`` while down; after the back-off, let one call
        through to probe (the others keep failing fast meanwhile)."""
        if not self.down:
            return
        with self._lock:
            now = time.monotonic()
            if self.down and now < self.until:
                raise CacheDown(f"Redis at {self.name} is taken as down")
            self.until = now + self.seconds

    def failed(self, error: Exception) -> None:
        with self._lock:
            self.until = time.monotonic() + self.seconds
            self.epoch += 1
            if self.down:
                return
            self.down = True
        logger.warning(
            "cache: Redis at %s unavailable (%s); pages are built without it, "
            "next try in %g s",
            self.name,
            error,
            self.seconds,
        )

    def answered(self) -> None:
        if not self.down:
            return
        with self._lock:
            if not self.down:
                return
            self.down = False
            self.until = 0.0
        logger.warning("cache: Redis at %s answers again", self.name)


_FAILURES = (RedisConnectionError, RedisTimeoutError)


class GuardedConnection:
    """Mixin for redis-py connections that report to, and obey, an ``Outage``."""

    def __init__(self, *args, outage: Outage, **kwargs):
        self.outage = outage
        self.outage_epoch = outage.epoch
        super().__init__(*args, **kwargs)

    def connect_check_health(self, *args, **kwargs):
        if self._sock:
            return
        self.outage.admit()
        self.outage_epoch = self.outage.epoch
        try:
            super().connect_check_health(*args, **kwargs)
        except CacheDown:
            raise
        except _FAILURES as error:
            self.outage.failed(error)
            raise

    def send_packed_command(self, *args, **kwargs):
        if self._sock and self.outage_epoch != self.outage.epoch:
            # Opened before the last failure: maybe to the same hung server.
            self.disconnect()
        try:
            return super().send_packed_command(*args, **kwargs)
        except CacheDown:
            raise
        except _FAILURES as error:
            self.outage.failed(error)
            raise

    def read_response(self, *args, **kwargs):
        try:
            response = super().read_response(*args, **kwargs)
        except _FAILURES as error:
            self.outage.failed(error)
            raise
        self.outage.answered()
        return response


class _Connection(GuardedConnection, redis.Connection):
    pass


class _SSLConnection(GuardedConnection, redis.SSLConnection):
    pass


class _UnixConnection(GuardedConnection, redis.UnixDomainSocketConnection):
    pass


_GUARDED = {
    redis.Connection: _Connection,
    redis.SSLConnection: _SSLConnection,
    redis.UnixDomainSocketConnection: _UnixConnection,
}


class ConnectionPool(redis.ConnectionPool):
    """redis-py's pool (``redis://``, ``rediss://``, ``unix://``) whose
    connections share this pool's ``Outage``."""

    def __init__(self, connection_class=redis.Connection, **kwargs):
        seconds = kwargs.pop("outage_seconds", OUTAGE_SECONDS)
        where = kwargs.get("path") or f"{kwargs.get('host')}:{kwargs.get('port')}"
        self.outage = Outage(where, seconds)
        super().__init__(
            connection_class=_GUARDED.get(connection_class, connection_class),
            outage=self.outage,
            **kwargs,
        )


def _not_an_outage(record: logging.LogRecord) -> bool:
    """Drop django-redis's traceback for a call that failed because Redis is
    down: ``Outage`` logged the outage once."""
    error = record.exc_info[1] if record.exc_info else None
    return not (
        isinstance(error, ConnectionInterrupted)
        and isinstance(error.__cause__, _FAILURES)
    )


class RedisCache(DjangoRedisCache):
    """django-redis's cache, served from this process's memory while Redis is
    down, logging ignored errors other than outages."""

    def __init__(self, server, params):
        super().__init__(server, params)
        if self.logger is not None:
            self.logger.addFilter(_not_an_outage)
        # LocMemCache instances of one name share their store: one per process.
        self.local = LocMemCache(
            f"newsroom-redis-down:{server}",
            {"TIMEOUT": LOCAL_SECONDS, "OPTIONS": {"MAX_ENTRIES": LOCAL_ENTRIES}},
        )

    def redis_down(self) -> bool:
        """Whether this process takes Redis as down right now (a call would
        fail fast); after the back-off, calls go to Redis again, one probing."""
        outage = getattr(self.client.get_client().connection_pool, "outage", None)
        return outage is not None and outage.waiting()

    def _local_timeout(self, timeout):
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return LOCAL_SECONDS if timeout is None else min(timeout, LOCAL_SECONDS)

    def get(self, key, default=None, version=None, client=None):
        if self.redis_down():
            return self.local.get(key, default, version)
        return super().get(key, default, version, client)

    def get_many(self, keys, version=None, client=None):
        if self.redis_down():
            return self.local.get_many(keys, version)
        return super().get_many(keys, version=version, client=client)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, **kwargs):
        if self.redis_down():
            self.local.set(key, value, self._local_timeout(timeout), version)
            return True
        return super().set(key, value, timeout, version, **kwargs)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None, **kwargs):
        if self.redis_down():
            self.local.set_many(data, self._local_timeout(timeout), version)
            return []
        return super().set_many(data, timeout, version, **kwargs)

    def delete(self, key, version=None, **kwargs):
        if self.redis_down():
            return self.local.delete(key, version)
        return super().delete(key, version=version, **kwargs)

    def delete_many(self, keys, version=None, **kwargs):
        if self.redis_down():
            self.local.delete_many(keys, version)
            return None
        return super().delete_many(keys, version=version, **kwargs)
