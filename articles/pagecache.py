"""The server-side page cache for anonymous readers, and its precise purge.

A public view marks its response with the *groups* it shows
(``mark_cacheable(response, groups)``): ``article:<id>``, ``home``,
``category:<id>``, ``tag:<id>``, ``author:<id>``, ``featured``, ``latest``,
``site``. ``PageCacheMiddleware`` stores such a response in the shared cache
(Redis when ``REDIS_URL`` is set) with the time its render *started*. Purging a
group writes the group's purge time; a stored page is served only while it was
rendered after the last purge of each of its groups. So a purge costs one
write per group whatever the number of pages, a render racing a purge is never
kept, and an evicted purge time only makes pages miss.

``groups_for_article`` is the one list of what an article change refreshes; the
receivers in ``articles.signals`` call ``purge`` with it after commit. Feeds,
sitemaps and search plug in by marking their responses with the same groups
(see README, "Caching").

Scheduled articles need no purge job: every stored page expires at the next
scheduled publish or embargo time at the latest (``next_change_at``).
"""

import hashlib
import math
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from newsroom.db_router import primary

# The version changes with the stored format (v2: purge times in integer
# microseconds; v4: pages as Redis hashes holding a ready response and its
# version; v5: the response as sealed bytes, never a pickle, see
# articles.pagestore), so a deploy never reads the old format: old keys expire.
GROUP_PREFIX = "pc:purged:v2:"
PAGE_PREFIX = "pc:page:v5:"
NEXT_CHANGE_KEY = "pc:next-change:v1"
# Query parameters a public page reads; any other (utm_*, fbclid...) changes
# nothing on the page, so it is left out of the key and cannot fill the cache.
KEY_PARAMS = (
    "page",
    "trang-binh-luan",
    "binh-luan-moi-nhat",
    "tra-loi",
    "binh-luan",
    # Search and sitemap pages.
    "q",
    "chuyen_muc",
    "tu",
    "den",
    "p",
)
# Parameters that make a page personal: never stored, never served from cache.
PRIVATE_PARAMS = ("cua-ban",)
SITE_GROUPS = ("site",)


def mark_cacheable(response, groups):
    """Let the page cache store ``response`` as a page showing ``groups``."""
    response.cache_groups = set(groups) | set(SITE_GROUPS)
    return response


def cacheable(groups):
    """View decorator: the page cache may store the view's 200 responses."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                mark_cacheable(response, groups)
            return response

        return wrapped

    return decorator


def groups_for_article(article, *, category=None, tag_ids=(), author_ids=()):
    """Every group of pages that lists or shows ``article`` while it is public.

    Its own page; the home page; its section's page and the parent section's
    (section pages list sub-sections' articles); its tags' and authors' list
    pages; ``latest`` (feeds, sitemaps, search, and the article pages whose
    "Đừng bỏ lỡ" reaches beyond their own section); ``related:<section>`` (the
    section's article pages: "Đừng bỏ lỡ" lists the section's newest first);
    ``featured`` when it is featured (the "Nổi bật" block on article pages).

    Pages that show a tag's or an author's *name* carry ``tagname:<id>`` and
    ``byline:<id>``, purged when the tag or author changes, not when another
    article with that tag is published.
    """
    category = category or article.category
    groups = {
        f"article:{article.pk}",
        "home",
        "latest",
        f"category:{category.pk}",
        f"related:{category.pk}",
    }
    if category.parent_id:
        groups.add(f"category:{category.parent_id}")
    if article.featured:
        groups.add("featured")
    groups.update(f"tag:{pk}" for pk in tag_ids)
    groups.update(f"author:{pk}" for pk in author_ids)
    return groups


def purge(groups) -> None:
    """Stop serving every stored page that shows one of ``groups``.

    The purge time is kept in integer microseconds, rounded up, so a page
    whose render started in the same instant counts as older than the purge
    (and a Redis script can compare it without unpickling).
    """
    now = math.ceil(time.time() * 1_000_000)
    cache.set_many({GROUP_PREFIX + g: now for g in groups}, timeout=None)


def purge_all() -> None:
    purge(SITE_GROUPS)


def next_change_at() -> float | None:
    """Epoch time of the next scheduled publish or embargo end, or None.

    Cached; ``forget_next_change`` drops it whenever an article is saved. Read
    from the primary: a lagging replica would miss the article just scheduled.
    """
    value = cache.get(NEXT_CHANGE_KEY)
    if value is None or (value and value <= time.time()):
        from .models import Article

        now = timezone.now()
        scheduled = Article.objects.filter(
            status=Article.Status.PUBLISHED, published_at__gt=now
        ).order_by("published_at")
        embargoed = Article.objects.filter(
            status=Article.Status.PUBLISHED, embargo_until__gt=now
        ).order_by("embargo_until")
        with primary():
            times = [
                t
                for t in (
                    scheduled.values_list("published_at", flat=True).first(),
                    embargoed.values_list("embargo_until", flat=True).first(),
                )
                if t
            ]
        value = min(times).timestamp() if times else 0
        cache.set(NEXT_CHANGE_KEY, value, settings.PAGE_CACHE_TIMEOUT)
    return value or None


def keep_for(timeout: int | None = None) -> int:
    """Seconds to keep something rendered now: ``timeout`` (default
    ``PAGE_CACHE_TIMEOUT``), cut short by the next scheduled publish or
    embargo end, so scheduled articles appear on time without a purge."""
    timeout = timeout or settings.PAGE_CACHE_TIMEOUT
    change = next_change_at()
    if change:
        timeout = max(1, min(timeout, int(change - time.time())))
    return timeout


def forget_next_change() -> None:
    cache.delete(NEXT_CHANGE_KEY)


def _key(request) -> str | None:
    if request.method not in ("GET", "HEAD"):
        return None
    if any(p in request.GET for p in PRIVATE_PARAMS):
        return None
    params = "&".join(f"{p}={v}" for p in KEY_PARAMS for v in request.GET.getlist(p))
    raw = f"{request.get_host()}{request.path}?{params}"
    return PAGE_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def _is_private(request) -> bool:
    """Staff (a session cookie) or anyone sending credentials: never shared."""
    return bool(
        request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        or request.META.get("HTTP_AUTHORIZATION")
    )


def _public_headers(response, rendered_at: float) -> None:
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PAGE_BROWSER_MAX_AGE,
        s_maxage=settings.PAGE_SHARED_MAX_AGE,
    )
    if not response.has_header("ETag"):
        response["ETag"] = f'"{hashlib.md5(response.content).hexdigest()}"'
    response["Last-Modified"] = http_date(int(rendered_at))


class PageCacheMiddleware:
    """Serve anonymous readers' public pages from the shared cache.

    Sits above the session, CSRF and auth middleware, so a hit runs no view
    and touches no session; answers conditional GETs (304) for hits and
    misses alike. Requests with a session cookie (staff) skip the cache and
    get ``private, no-cache``.
    """

    def __init__(self, get_response):
        from .pagestore import page_store

        self.get_response = get_response
        self.pages = page_store()

    def __call__(self, request):
        private = _is_private(request)
        key = None
        if settings.PAGE_CACHE_ENABLED and not private:
            key = _key(request)
        if key:
            hit = self._lookup(key)
            if hit is not None:
                return self._answer(request, hit)
        started = time.time()
        response = self.get_response(request)
        groups = getattr(response, "cache_groups", None)
        if groups is None or response.status_code != 200:
            return response
        if private:
            patch_cache_control(response, private=True, no_cache=True, max_age=0)
            return response
        if response.has_header("Cache-Control") or response.cookies:
            return response  # the view made it personal (preview, own comment)
        if "cookie" in response.get("Vary", "").lower():
            return response
        _public_headers(response, started)
        if key:
            self._store(key, response, groups, started)
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=int(started),
            response=response,
        )

    def _lookup(self, key):
        # A cached article page is still a page view for "Đọc nhiều": the
        # store counts it, in the same round trip on Redis.
        from .readership import count_cached_view

        return self.pages.lookup(key, count_cached_view)

    def _store(self, key, response, groups, started):
        from django.http import HttpResponse

        replica = getattr(response, "read_replica", False)
        # The copy a hit sends back, headers and all (stored as bytes and a
        # JSON header, articles.pagestore.pack_page).
        copy = HttpResponse(
            response.content,
            headers={
                k: v
                for k, v in response.headers.items()
                if k.lower() not in ("set-cookie", "vary", "content-length")
            },
        )
        copy["Content-Length"] = str(len(response.content))
        copy["X-Page-Cache"] = "hit"
        entry = {
            "counts_view": getattr(response, "counts_view", None),
            "groups": sorted(groups),
            "started": started,
            # A page read from the read replica may miss a change committed up
            # to DATABASE_REPLICA_MAX_LAG before its render: a purge in that
            # window makes it stale (newsroom/db_router.py).
            "fresh_from": started
            - (settings.DATABASE_REPLICA_MAX_LAG if replica else 0),
            "response": copy,
        }
        self.pages.store(key, entry, keep_for())

    @staticmethod
    def _answer(request, entry):
        response = entry["response"]
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=int(entry["started"]),
            response=response,
        )


def _snapshot_groups(article_ids) -> dict[int, set]:
    """Groups of each of ``article_ids`` that is public now or scheduled to be
    (read from the DB).

    A scheduled article's groups are purged too, though its pages do not show
    it yet: a page stored before it was scheduled was kept for up to
    ``PAGE_CACHE_TIMEOUT``, past its time; rendered again after the purge, it
    is kept only until that time (``keep_for``). So scheduling holds whatever
    saved the article: the admin, the importer, a script.
    """
    from .models import Article, ArticleAuthor, TaggedArticle

    articles = list(
        Article.objects.published_or_scheduled()
        .filter(pk__in=list(article_ids))
        .select_related("category")
        .only("pk", "featured", "category__id", "category__parent")
    )
    if not articles:
        return {}
    ids = [a.pk for a in articles]
    tags, authors = {}, {}
    for aid, tid in TaggedArticle.objects.filter(content_object_id__in=ids).values_list(
        "content_object_id", "tag_id"
    ):
        tags.setdefault(aid, []).append(tid)
    for aid, uid in ArticleAuthor.objects.filter(article_id__in=ids).values_list(
        "article_id", "author_id"
    ):
        authors.setdefault(aid, []).append(uid)
    return {
        a.pk: groups_for_article(
            a, tag_ids=tags.get(a.pk, ()), author_ids=authors.get(a.pk, ())
        )
        for a in articles
    }


def groups_of(article_ids) -> set:
    """Every group the public ones of ``article_ids`` show now (read before a
    bulk change, for ``purge_articles_on_commit``'s ``before``)."""
    return set().union(*_snapshot_groups(article_ids).values())


def groups_before(article_id) -> set:
    """What ``article_id`` shows now, read before a change is saved.

    The purge after commit covers these groups too, so an article that leaves
    a section, a tag or "Nổi bật", or stops being public, leaves those pages.
    """
    return groups_of([article_id])


def purge_articles_on_commit(article_ids, before=(), extra=()) -> None:
    """After commit, purge every page that showed (``before``) or now shows
    the articles, plus ``extra`` groups; nothing if the transaction rolls back.
    """
    ids, groups = set(article_ids), set(before) | set(extra)

    def flush():
        forget_next_change()
        now = _snapshot_groups(ids) if ids else {}
        purge(groups.union(*now.values()))

    transaction.on_commit(flush)
