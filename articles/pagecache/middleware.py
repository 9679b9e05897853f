"""The page cache's middleware, and how a view lets it keep a response.

A public view marks its response with the groups it shows
(``mark_cacheable(response, shown)``, or the ``cacheable`` decorator).
``PageCacheMiddleware`` stores such a response with the time its render
*started*, and serves it while none of its groups was purged since
(``articles.pagecache.purging``).
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from ..readership import count_cached_view
from .groups import SITE
from .keys import KEY_PARAMS, PAGE_PREFIX, PRIVATE_PARAMS
from .purging import keep_for
from .store import page_store


def mark_cacheable(response, groups):
    """Let the page cache store ``response`` as a page showing ``groups``."""
    response.cache_groups = set(groups) | {SITE}
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
        return self.pages.lookup(key, count_cached_view)

    def _store(self, key, response, groups, started):
        replica = getattr(response, "read_replica", False)
        # The copy a hit sends back, headers and all (stored as bytes and a
        # JSON header, articles.pagecache.store.pack_page).
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
