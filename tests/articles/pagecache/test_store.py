"""Where the page cache keeps pages (``articles.pagecache.store``).

The purge rules themselves are in ``test_page_cache``; these check what the
store adds: cached article hits still count as views, and on Redis a hit,
counting included, is one round trip. The Redis tests run when the suite
runs with ``REDIS_URL`` (CI's PostgreSQL run does).
"""

import pickle
from pathlib import Path

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory

from articles import pagecache, readership
from articles.models import Article, SiteSettings
from articles.pagecache.middleware import _key
from articles.pagecache.store import CachePages, RedisPages, page_store
from tests.factories import PublishedArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    SiteSettings.load()


@pytest.fixture
def redis_store():
    store = page_store()
    if not isinstance(store, RedisPages):
        pytest.skip("the cache is not Redis (set REDIS_URL)")
    return store


def hit(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.get("X-Page-Cache") == "hit"


@pytest.fixture
def round_trips(monkeypatch):
    """Commands (or pipelines) the app sends to Redis, counted at the socket."""
    from redis.connection import AbstractConnection

    sent = []
    real = AbstractConnection.send_packed_command

    def counted(self, command, *args, **kwargs):
        sent.append(command)
        return real(self, command, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    return sent


def test_every_cached_article_hit_counts_a_view(client):
    article = PublishedArticleFactory()
    url = article.get_absolute_url()
    readership.flush_views()  # starts the flush clock: none is due below
    assert not hit(client, url)  # rendered and stored: one view
    assert all(hit(client, url) for _ in range(4))
    readership.flush_views()
    assert Article.objects.get(pk=article.pk).view_count == 5


def test_a_cached_article_hit_is_one_redis_round_trip(client, redis_store, round_trips):
    article = PublishedArticleFactory()
    url = article.get_absolute_url()
    readership.flush_views()
    client.get(url)  # stored
    assert hit(client, url)  # the article's first cached view creates its counter
    round_trips.clear()
    assert hit(client, url)
    assert len(round_trips) == 1
    readership.flush_views()
    assert Article.objects.get(pk=article.pk).view_count == 3


def test_any_other_cached_page_hit_is_one_redis_round_trip(
    client, redis_store, round_trips
):
    PublishedArticleFactory()
    client.get("/")
    round_trips.clear()
    assert hit(client, "/")
    assert len(round_trips) == 1


def test_a_purge_in_the_render_instant_is_newer_than_the_page(redis_store):
    """Purge times round up and render starts round down, in microseconds."""
    started = 1_700_000_000.000_000_4
    pagecache.purge(["home"])  # any purge time: then overwrite it precisely
    cache.set(pagecache.GROUP_PREFIX + "home", 1_700_000_000_000_001)
    entry = {
        "groups": ["home"],
        "fresh_from": started,
        "started": started,
        "response": HttpResponse(b"old"),
    }
    redis_store.store("pc:test", entry, 60)
    assert redis_store.lookup("pc:test", None) is None
    cache.set(pagecache.GROUP_PREFIX + "home", 1_699_999_999_999_999)
    found = redis_store.lookup("pc:test", None)
    assert found["response"].content == b"old"


def test_redis_down_serves_fresh_pages(settings, redis_store):
    """An unreachable Redis makes the page cache miss, never fail."""
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    store = page_store()  # the setting change reset Django's cache handler
    assert isinstance(store, RedisPages)
    assert store.lookup("pc:any", None) is None
    # A real entry: if the back-off of an earlier test's outage ends between
    # the lookup and this call, the store packs it before it tries Redis.
    entry = {"groups": [], "fresh_from": 0, "response": HttpResponse("x")}
    store.store("pc:any", entry, 60)
    PublishedArticleFactory(title="Vẫn đọc được khi Redis tắt")
    response = Client().get("/")
    assert response.status_code == 200
    assert "Vẫn đọc được khi Redis tắt" in response.content.decode()


def test_other_backends_keep_pages_as_plain_values(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    assert isinstance(page_store(), CachePages)
    assert not isinstance(page_store(), RedisPages)
    response = Client().get("/")
    assert response.status_code == 200


def test_a_worker_serves_its_own_copy_only_while_redis_stores_that_version(
    client, redis_store, round_trips
):
    """The page's bytes cross the network once per worker and version."""
    article = PublishedArticleFactory(title="Bản đầu")
    url = article.get_absolute_url()
    client.get(url)  # stored
    client.get(url)  # the worker's first hit: the page comes from Redis
    round_trips.clear()
    response = client.get(url)  # its own copy, confirmed by Redis
    assert response.get("X-Page-Cache") == "hit"
    assert len(round_trips) == 1
    article.title = "Bản sửa"
    article.save()  # purges the page: the next request renders and stores
    assert "Bản sửa" in client.get(url).content.decode()
    again = client.get(url)
    assert again.get("X-Page-Cache") == "hit"
    assert "Bản sửa" in again.content.decode()
    assert "Bản đầu" not in again.content.decode()


class Planted:
    """A pickle that touches a file when unpickled: code run by a cache read."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (Path.touch, (self.path,))


def test_a_page_planted_in_redis_as_a_pickle_is_never_unpickled(
    client, redis_store, tmp_path
):
    """Whoever can write to Redis cannot run code here through the page cache:
    a page whose bytes this site did not seal is a miss, rendered afresh."""
    PublishedArticleFactory(title="Trang thật")
    marker = tmp_path / "ran"
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    key = _key(request)
    redis_store._client().hset(
        str(cache.make_key(key)),
        mapping={
            "fresh": 2**53,  # newer than any purge
            "groups": "",
            "view": "",
            "version": "planted",
            "page": pickle.dumps(Planted(marker)),
        },
    )
    response = client.get("/")
    assert not marker.exists()
    assert response.status_code == 200
    assert response.get("X-Page-Cache") != "hit"
    assert "Trang thật" in response.content.decode()


def test_a_cached_part_planted_in_redis_as_a_pickle_is_never_unpickled(
    redis_store, tmp_path
):
    marker = tmp_path / "ran"
    redis_store._client().hset(
        str(cache.make_key("pc:part:planted")),
        mapping={"fresh": 2**53, "groups": "", "page": pickle.dumps(Planted(marker))},
    )
    assert redis_store.get_parts(["pc:part:planted"]) == {}
    assert not marker.exists()
    redis_store.set_part("pc:part:planted", 0, ["home"], {"html": "thật"}, 60)
    assert redis_store.get_parts(["pc:part:planted"]) == {
        "pc:part:planted": {"html": "thật"}
    }


def test_a_value_sealed_under_an_old_secret_key_is_a_miss_not_an_error(
    client, redis_store, settings
):
    """After SECRET_KEY changes, what Redis holds reads as misses, including
    the last-flush time the page lookup reads in its round trip."""
    article = PublishedArticleFactory()
    url = article.get_absolute_url()
    client.get(url)  # stored
    assert hit(client, url)
    real = settings.SECRET_KEY
    settings.SECRET_KEY = "an-older-secret-key"
    cache.set(readership.LAST_FLUSH_KEY, 1.5, timeout=None)
    settings.SECRET_KEY = real
    assert cache.get(readership.LAST_FLUSH_KEY) is None
    assert hit(client, url)  # the page's round trip read the old value: no 500
