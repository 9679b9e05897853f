"""Where the page cache keeps its pages: one round trip per hit on Redis.

A page-cache hit must cost little more than Django's bare "ok" view, and on
Redis the cost is round trips: reading the page, then its groups' purge times,
then (for an article) the view counter's batch and the counter itself was
four. ``page_store()`` picks the store for the configured cache:

``RedisPages`` (django-redis): a page is a Redis hash of its fresh-from time,
its groups, the article it counts a view for and the page's bytes. One Lua
script reads it, compares every group's purge time, and, for an article page,
increments the article's view counter for the current batch and hour when the
counter exists, all in one ``EVALSHA``. The rare view it cannot count there
(the article's first in a batch and hour) goes through
``articles.readership.record_view``.

``CachePages`` (any other backend: local memory in development and tests):
the page is one cache value, checked with a second ``get_many``. ``RedisPages``
keeps parts so too while Redis is down: the cache then keeps values in the
process's own memory for a few seconds (``newsroom.cache.RedisCache``), so pages
are still built from cached parts rather than wholly from the database. Whole
pages are not kept meanwhile: every request renders.

Both compare purge times in integer microseconds (``purging.purge`` rounds
up), so a purge in the same instant as a render's start always wins.

A page is never pickled: it is stored as a JSON header (status, headers, groups,
times) and the body's bytes (``pack_page``), sealed with the site's secret
(``newsroom.cache.seal``) for its key, so whoever can write to the cache can
neither run code here (an unpickled page could) nor make a reader's page out of
bytes this site did not render. Cached parts are pickles of the site's own
objects, sealed the same way: one without a valid seal is a miss.
"""

import json
import math
import pickle
import secrets
import threading
from collections import OrderedDict

from django.core.cache import caches
from django.http import HttpResponse

from newsroom.cache import REJECTED, seal, unseal

from .keys import BATCH_KEY, GROUP_PREFIX, LAST_FLUSH_KEY, VIEWS_PREFIX, current_hour

# KEYS[1]: the page. ARGV: purge-time key prefix, view-counter key prefix,
# batch key, last-flush key, current hour, the version of the worker's own
# copy of the page ('' for none). Returns false for a miss, else {the page
# ('' when the worker's copy is current), its version, counted, last flush}.
LOOKUP = """
local e = redis.call('HMGET', KEYS[1], 'fresh', 'groups', 'view', 'version')
if not e[1] then return false end
local fresh = tonumber(e[1])
for g in string.gmatch(e[2], '%S+') do
  local t = tonumber(redis.call('GET', ARGV[1] .. g) or '')
  if t and t >= fresh then return false end
end
local page = ''
if e[4] ~= ARGV[6] then page = redis.call('HGET', KEYS[1], 'page') end
if not page then return false end
local counted, last = 0, ''
if e[3] and e[3] ~= '' then
  local batch = redis.call('GET', ARGV[3])
  if batch then
    local k = ARGV[2] .. batch .. ':' .. ARGV[5] .. ':' .. e[3]
    if redis.call('EXISTS', k) == 1 then
      redis.call('INCR', k)
      counted = 1
    end
  end
  last = redis.call('GET', ARGV[4]) or ''
end
return {page, e[4] or '', counted, last}
"""
# Pages each worker keeps a copy of (about 30 KB each), least recently used
# first out. A copy is served only when Redis says, in the same round trip as
# the purge check, that it is the stored version: the page's bytes then never
# pass through Lua (copying 28 KB through a script cost Redis 33 µs a hit).
LOCAL_COPIES = 200

# Cached page parts (articles.pagecache.parts): KEYS are parts, ARGV[1] the
# purge-time key prefix; an empty string for each part missing or stale.
PARTS = """
local out = {}
for i, k in ipairs(KEYS) do
  local e = redis.call('HMGET', k, 'fresh', 'groups', 'page')
  local value = e[3]
  if value then
    local fresh = tonumber(e[1])
    for g in string.gmatch(e[2], '%S+') do
      local t = tonumber(redis.call('GET', ARGV[1] .. g) or '')
      if t and t >= fresh then
        value = false
        break
      end
    end
  end
  out[i] = value or ''
end
return out
"""


def pack_page(key: str, entry: dict) -> bytes:
    """``entry`` (``PageCacheMiddleware._store``'s) as sealed bytes: a JSON
    header line, then the response's body as it is."""
    response = entry["response"]
    header = {
        "status": response.status_code,
        "headers": list(response.headers.items()),
        **{k: entry.get(k) for k in ("counts_view", "groups", "started", "fresh_from")},
    }
    data = json.dumps(header, separators=(",", ":")).encode() + b"\n"
    return seal(data + response.content, key.encode())


def unpack_page(key: str, blob) -> dict | None:
    """The entry ``pack_page`` made for ``key``, or None for bytes this site
    did not seal for that key."""
    data = unseal(blob, key.encode()) if blob else None
    return None if data is None else page_entry(data)


def page_entry(data: bytes) -> dict:
    """The entry in ``data``, the bytes ``pack_page`` sealed (checked)."""
    header_end = data.index(b"\n")
    entry = json.loads(data[:header_end])
    entry["response"] = HttpResponse(
        data[header_end + 1 :],
        status=entry.pop("status"),
        headers=dict(entry.pop("headers")),
    )
    return entry


def pack_part(key: str, value) -> bytes:
    return seal(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), key.encode())


def unpack_part(key: str, blob):
    """The part stored for ``key``, or None for bytes this site did not seal
    for that key (never unpickled)."""
    data = unseal(blob, key.encode())
    return None if data is None else pickle.loads(data)


def micros(seconds: float) -> int:
    """A render's start in the purge times' unit (rounded down: never fresher)."""
    return math.floor(seconds * 1_000_000)


def purged_since(fresh_from: float, purge_times) -> bool:
    """Whether any of ``purge_times`` (of the groups something shows) is at or
    after ``fresh_from`` (seconds): then it is stale. A missing purge time
    never is. (The Lua scripts above apply the same rule.)"""
    fresh = micros(fresh_from)
    return any(t >= fresh for t in purge_times)


class CachePages:
    """Pages as plain values of any Django cache: two round trips per hit."""

    def __init__(self, alias):
        self.alias = alias

    @property
    def cache(self):
        # Per thread, as Django hands out cache connections.
        return caches[self.alias]

    def lookup(self, key, count_view):
        entry = unpack_page(key, self.cache.get(key))
        if entry is None:
            return None
        purged = self.cache.get_many([GROUP_PREFIX + g for g in entry["groups"]])
        if purged_since(entry["fresh_from"], purged.values()):
            return None
        if entry.get("counts_view"):
            count_view(entry["counts_view"], counted=False, last_flush=None)
        return entry

    def store(self, key, entry, timeout):
        # Bytes: the disk cache keeps them as they are, never pickled.
        self.cache.set(key, pack_page(key, entry), timeout)

    def get_parts(self, keys) -> dict:
        """The parts of ``keys`` that are stored and fresh, by key."""
        found = self.cache.get_many(keys)
        groups = {g for built_at, part_groups, _ in found.values() for g in part_groups}
        purged = self.cache.get_many([GROUP_PREFIX + g for g in groups])
        return {
            key: value
            for key, (built_at, part_groups, value) in found.items()
            if not purged_since(
                built_at,
                [purged[k] for g in part_groups if (k := GROUP_PREFIX + g) in purged],
            )
        }

    def set_part(self, key, built_at, groups, value, timeout):
        self.cache.set(key, (built_at, sorted(groups), value), timeout)


class RedisPages(CachePages):
    """Pages as Redis hashes, checked and counted by one Lua script."""

    def __init__(self, alias):
        # Here, not at the top: the module also serves caches that are not
        # Redis (local memory in development and tests).
        from redis.exceptions import RedisError

        super().__init__(alias)
        self.errors = RedisError
        self.script = None
        self.parts_script = None
        self.fixed_args = None
        self.copies = OrderedDict()  # key -> (version, page bytes, seal checked)
        self.copies_lock = threading.Lock()

    def _client(self):
        return self.cache.client.get_client(write=True)

    def _args(self):
        """The scripts' fixed arguments (full Redis keys), made once: the
        purge-time prefix, the view-counter prefix, the batch and last-flush keys."""
        if self.fixed_args is None:
            make_key = self.cache.make_key
            self.fixed_args = [
                str(make_key(k))
                for k in (GROUP_PREFIX, VIEWS_PREFIX, BATCH_KEY, LAST_FLUSH_KEY)
            ]
        return self.fixed_args

    def lookup(self, key, count_view):
        if self._down():
            return None
        client = self._client()
        redis_key = str(self.cache.make_key(key))
        with self.copies_lock:
            version, copy = self.copies.get(redis_key, (b"", None))
        try:
            if self.script is None:
                self.script = client.register_script(LOOKUP)
            found = self.script(
                keys=[redis_key],
                args=[*self._args(), current_hour(), version],
                client=client,
            )
        except self.errors:
            # A miss; newsroom.cache logs the outage once, not every call.
            return None
        if not found:
            return None
        page, version, counted, last = found
        if page:
            # Checked once per version, not on every hit of the worker's copy.
            page = unseal(page, key.encode())
            if page is None:
                return None
            with self.copies_lock:
                self.copies[redis_key] = (version, page)
                self.copies.move_to_end(redis_key)
                while len(self.copies) > LOCAL_COPIES:
                    self.copies.popitem(last=False)
        else:
            page = copy
        entry = page_entry(page)
        if entry.get("counts_view"):
            last = self.cache.client.decode(last) if last else None
            if last is REJECTED:  # not sealed by this site (or its old secret)
                last = None
            count_view(entry["counts_view"], counted=bool(counted), last_flush=last)
        return entry

    def _down(self) -> bool:
        """Whether this process takes Redis as down (``newsroom.cache``): then
        parts go to its memory, as plain values (``CachePages``), pages nowhere."""
        redis_down = getattr(self.cache, "redis_down", None)
        return redis_down is not None and redis_down()

    def store(self, key, entry, timeout):
        if self._down():
            return
        mapping = {
            "fresh": micros(entry["fresh_from"]),
            "groups": " ".join(entry["groups"]),
            "view": entry.get("counts_view") or "",
            "version": secrets.token_hex(8),
            "page": pack_page(key, entry),
        }
        self._set_hash(key, mapping, timeout)

    def _set_hash(self, key, mapping, timeout):
        redis_key = self.cache.make_key(key)
        try:
            with self._client().pipeline(transaction=True) as pipe:
                pipe.delete(redis_key)
                pipe.hset(redis_key, mapping=mapping)
                pipe.expire(redis_key, timeout)
                pipe.execute()
        except self.errors:
            pass  # not stored; newsroom.cache logs the outage once

    def get_parts(self, keys) -> dict:
        if not keys:
            return {}
        if self._down():
            return super().get_parts(keys)
        client = self._client()
        try:
            if self.parts_script is None:
                self.parts_script = client.register_script(PARTS)
            found = self.parts_script(
                keys=[str(self.cache.make_key(k)) for k in keys],
                args=self._args()[:1],
                client=client,
            )
        except self.errors:
            return {}  # built instead; newsroom.cache logs the outage once
        parts = {}
        for k, blob in zip(keys, found, strict=True):
            if blob and (value := unpack_part(k, blob)) is not None:
                parts[k] = value
        return parts

    def set_part(self, key, built_at, groups, value, timeout):
        if self._down():
            return super().set_part(key, built_at, groups, value, timeout)
        self._set_hash(
            key,
            {
                "fresh": micros(built_at),
                "groups": " ".join(sorted(groups)),
                "page": pack_part(key, value),
            },
            timeout,
        )


def _joins_keys(cache) -> bool:
    """Whether a key prefix plus a suffix makes the suffixed key (the default
    key function does; the Lua script builds group and counter keys so)."""
    return cache.make_key("pc:") + "x" == cache.make_key("pc:x")


def page_store(alias="default"):
    """The store for the cache ``alias``: a new object, as cheap as its settings."""
    cache = caches[alias]
    # Here and guarded: django-redis matters only when the cache is Redis.
    try:
        from django_redis.cache import RedisCache
    except ImportError:  # pragma: no cover - django-redis is a dependency
        RedisCache = ()
    if isinstance(cache, RedisCache) and _joins_keys(cache):
        return RedisPages(alias)
    return CachePages(alias)
