"""How often one poster may post, counted in the shared cache.

The cheap checks a post meets before the database: the rate limit (per IP and
per email, in the view) and the claim on a text just sent (in
``services.comment_create``). Every app server shares the counts when Redis
is set; when the cache is down, posts are let through, since every comment is
moderated anyway.
"""

import time

from django.conf import settings
from django.core.cache import cache

from ..client_ip import hash_ip, ip_bucket


def rate_limit_retry_after(*, ip: str, email: str, now: float | None = None) -> int:
    """Count this post; return seconds to wait if a limit is passed, else 0.

    A sliding window over two fixed ones: this window's count plus the last
    window's, weighted by how much of it still lies within ``window`` seconds
    of now. A plain fixed window starts from zero at each boundary, so six
    quick posts that straddle a minute's turn would all pass a limit of five.
    ``cache.add`` then ``cache.incr`` are atomic in Redis (django-redis runs
    INCR in a Lua script) and in local memory, so concurrent posts on several
    app servers are all counted. The identity is hashed before it becomes a
    key. If the cache is down (django-redis returns None with
    IGNORE_EXCEPTIONS), posts are let through: every comment is moderated
    anyway, and refusing all readers during an outage is worse.
    """
    now = time.time() if now is None else now
    identities = [("ip", ip_bucket(ip)), ("email", email.strip().lower())]
    wait = 0
    for kind, identity in identities:
        if not identity:
            continue
        digest = hash_ip(f"{kind}:{identity}")
        for limit, window in settings.COMMENT_RATE_LIMITS:
            bucket = int(now // window)
            prefix = f"comments:rate:{kind}:{digest}:{window}:"
            key = f"{prefix}{bucket}"
            # Kept through the next window, which weighs it.
            timeout = 2 * window + 1
            cache.add(key, 0, timeout=timeout)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=timeout)
                count = 1
            if count is None:
                continue
            elapsed = (now % window) / window
            before = cache.get(f"{prefix}{bucket - 1}") or 0
            if count + before * (1 - elapsed) > limit:
                wait = max(wait, int(window - now % window) + 1)
    return wait


def claim_post(*, fingerprint: str, email: str, ip_hash: str) -> bool:
    """False if the same poster sent the same text in the last minutes.

    ``cache.add`` is atomic, so a double click that reaches two app servers at
    once stores one comment, not two. None (cache down) counts as claimed;
    the database check in ``comment_create`` still applies.
    """
    for who in filter(None, [email.strip().lower(), ip_hash]):
        key = f"comments:dup:{hash_ip(who)}:{fingerprint[:32]}"
        if cache.add(key, 1, timeout=settings.COMMENT_DUPLICATE_LOCK) is False:
            return False
    return True
