"""The Redis cache backend (``newsroom.cache``) against a real Redis, reached
through a real TCP proxy that refuses or hangs.

A Redis that is down is asked once, then left alone for a while: the calls in
between send nothing and log nothing, and one warning line marks the outage
(and one its end). A value planted in Redis by someone else is never
unpickled: it reads as a miss.
"""

import logging
import pickle
import time
from pathlib import Path

import pytest
from django.core.cache import caches
from redis.connection import AbstractConnection

from tests.live import require
from tests.outage.proxy import Proxy

REDIS_PORT = 6379
DB = 12  # the outage suite's Redis database


@pytest.fixture
def sent(monkeypatch):
    """Commands the app sends to Redis, counted at the socket."""
    commands = []
    real = AbstractConnection.send_packed_command

    def counted(self, command, *args, **kwargs):
        commands.append(command)
        return real(self, command, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    return commands


def redis_cache(settings, port: int, **pool_kwargs):
    """The site's Redis cache settings, pointed at ``port``."""
    require(REDIS_PORT, "Redis")
    from newsroom import settings as site_settings

    if not site_settings.REDIS_URL:
        pytest.skip("the site's cache is not Redis (set REDIS_URL)")
    default = site_settings.CACHES["default"]
    options = dict(default["OPTIONS"])
    if pool_kwargs:
        options["CONNECTION_POOL_KWARGS"] = {
            **options.get("CONNECTION_POOL_KWARGS", {}),
            **pool_kwargs,
        }
    settings.CACHES = {
        "default": {
            **default,
            "LOCATION": f"redis://127.0.0.1:{port}/{DB}",
            "OPTIONS": options,
        }
    }
    return caches["default"]


@pytest.fixture
def proxy():
    proxy = Proxy(REDIS_PORT).start()
    yield proxy
    proxy.stop()


def outage_lines(caplog):
    return [r for r in caplog.records if "Redis at" in r.getMessage()]


@pytest.mark.parametrize("mode", ["hang", "stop"])
def test_a_redis_that_is_down_is_asked_once_then_left_alone(
    settings, proxy, sent, caplog, mode
):
    site_cache = redis_cache(settings, proxy.port)
    site_cache.set("outage:probe", "up")
    assert site_cache.get("outage:probe") == "up"
    getattr(proxy, mode)()  # hang: accepts, never answers; stop: refuses
    caplog.set_level(logging.WARNING)
    sent.clear()
    for n in range(20):
        assert site_cache.get("outage:probe") is None
        # Meanwhile plain values live in this process's memory, a few seconds.
        site_cache.set(f"outage:{n}", n)
        assert site_cache.get_many(["outage:probe", f"outage:{n}"]) == {
            f"outage:{n}": n
        }
        # Atomic operations are not imitated: one process's count is not the site's.
        assert site_cache.add(f"outage:add:{n}", 1) is None
    # A hung server sees the one command that timed out; a refused one none.
    assert len(sent) <= 1
    lines = outage_lines(caplog)
    assert len(lines) == 1, [r.getMessage() for r in caplog.records]
    assert "unavailable" in lines[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info], "no traceback per call"


def test_after_the_back_off_one_call_probes_and_redis_is_used_again(
    settings, proxy, caplog
):
    site_cache = redis_cache(settings, proxy.port, outage_seconds=0.2)
    caplog.set_level(logging.WARNING)
    proxy.hang()
    assert site_cache.get("outage:probe") is None
    proxy.start()
    time.sleep(0.3)  # past the back-off
    site_cache.set("outage:probe", "back")
    assert site_cache.get("outage:probe") == "back"
    messages = [r.getMessage() for r in outage_lines(caplog)]
    assert len(messages) == 2 and "answers again" in messages[1], messages
    site_cache.delete("outage:probe")


def test_calls_share_one_pooled_connection(settings, proxy):
    """No new connection per call: the pool keeps the one it opened."""
    site_cache = redis_cache(settings, proxy.port)
    for n in range(5):
        site_cache.set(f"outage:{n}", n)
        site_cache.get(f"outage:{n}")
    assert site_cache.client.get_client().connection_pool._created_connections == 1
    site_cache.delete_many([f"outage:{n}" for n in range(5)])


@pytest.mark.django_db
def test_while_redis_is_down_pages_are_built_from_parts_kept_in_memory(
    settings, proxy, client, django_assert_num_queries
):
    """Not a full render from the database per request: that costs ten to
    twenty times a render from cached parts (make bench, "cache-outage")."""
    from articles.models import SiteSettings
    from tests.factories import PublishedArticleFactory

    redis_cache(settings, proxy.port)
    settings.PAGE_CACHE_ENABLED = False
    SiteSettings.load()
    url = PublishedArticleFactory().get_absolute_url()
    proxy.stop()
    assert client.get(url).status_code == 200  # finds Redis down; builds parts
    with django_assert_num_queries(0):  # as with Redis up and the parts warm
        assert client.get(url).status_code == 200


class Planted:
    """A pickle that touches a file when unpickled: code run by a cache read."""

    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):
        return (Path.touch, (self.path,))


def test_a_value_planted_in_redis_as_a_pickle_is_never_unpickled(settings, tmp_path):
    site_cache = redis_cache(settings, REDIS_PORT)
    marker = tmp_path / "ran"
    raw = site_cache.client.get_client()
    for key in ("site:context:v2", "comment:blocklist"):
        raw.set(site_cache.make_key(key), pickle.dumps(Planted(marker)), ex=60)
    assert site_cache.get("site:context:v2") is None
    assert not marker.exists()
    assert site_cache.get("site:context:v2", "default") == "default"
    assert site_cache.get_many(["site:context:v2", "comment:blocklist"]) == {}
    assert not marker.exists()
    # What the site stores itself still reads back: sealed, not bare pickles.
    site_cache.set("site:context:v2", {"menu": ["Thời sự"], "ids": {1, 2}})
    assert site_cache.get("site:context:v2") == {"menu": ["Thời sự"], "ids": {1, 2}}
    stored = raw.get(site_cache.make_key("site:context:v2"))
    assert not stored.startswith(b"\x80"), "a bare pickle"
    site_cache.delete_many(["site:context:v2", "comment:blocklist"])


def test_a_value_planted_in_the_disk_cache_as_a_pickle_is_never_unpickled(
    settings, tmp_path
):
    """Without Redis: whoever writes a pickle into CACHE_DIR runs no code."""
    from diskcache import FanoutCache

    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.DiskCache",
            "LOCATION": str(tmp_path / "cache"),
            "SHARDS": 1,
        }
    }
    site_cache = caches["default"]
    marker = tmp_path / "ran"
    big = {"html": "x" * 100_000}  # kept in a file of its own, not in SQLite
    site_cache.set("site:context:v2", {"menu": ["Thời sự"]})
    site_cache.set("body:picture", big)
    assert site_cache.get("site:context:v2") == {"menu": ["Thời sự"]}
    assert site_cache.get("body:picture") == big
    # diskcache's own default storage: bare pickles, as an attacker writes them.
    planter = FanoutCache(str(tmp_path / "cache"), shards=1)
    for key in ("site:context:v2", "body:picture"):
        planter.set(site_cache.make_key(key), Planted(marker))
    planter.close()
    assert site_cache.get("site:context:v2") is None
    assert not marker.exists()
    assert site_cache.get("body:picture", "default") == "default"
    assert not marker.exists()
