"""The page cache's keys and the query parameters it reads, defined once.

A leaf module: it imports nothing of the app, so the replica router
(``newsroom/db_router.py``), the comment section (``articles.comments.section``) and
the view counters (``articles.readership``) import their names from here
without importing the cache. A parameter typed in two places could drift
apart, and a page shown to one reader would then be cached for everyone
(``tests/articles/pagecache/test_vocabulary.py`` pins them together).
"""

from datetime import datetime

from django.utils import timezone

# -- cache keys ----------------------------------------------------------------

# The version changes with the stored format (v2: purge times in integer
# microseconds; v4: pages as Redis hashes holding a ready response and its
# version; v5: the response as sealed bytes, never a pickle, see
# articles.pagecache.store), so a deploy never reads the old format: old keys
# expire.
GROUP_PREFIX = "pc:purged:v2:"
PAGE_PREFIX = "pc:page:v5:"
# v4: sealed pickles (articles.pagecache.store.pack_part).
PART_PREFIX = "pc:part:v4:"
NEXT_CHANGE_KEY = "pc:next-change:v1"

# -- query parameters ----------------------------------------------------------

# The comment section's links (articles.comments.section): "Xem thêm", newest first,
# reply to a comment.
COMMENT_PAGE_PARAM = "trang-binh-luan"
NEWEST_PARAM = "binh-luan-moi-nhat"
REPLY_PARAM = "tra-loi"
# The page a poster is sent to after posting: ``?binh-luan=cho-duyet`` is the
# notice, the same for every poster; ``?cua-ban=<token>`` shows the poster their
# own waiting comment.
NOTICE_PARAM = "binh-luan"
OWN_PARAM = "cua-ban"

# Query parameters a public page reads; any other (utm_*, fbclid...) changes
# nothing on the page, so it is left out of the key and cannot fill the cache.
KEY_PARAMS = (
    "page",
    COMMENT_PAGE_PARAM,
    NEWEST_PARAM,
    REPLY_PARAM,
    NOTICE_PARAM,
    # Search and sitemap pages.
    "q",
    "chuyen_muc",
    "tu",
    "den",
    "p",
)
# Parameters that make a page personal: never stored, never served from cache.
PRIVATE_PARAMS = (OWN_PARAM,)
# Parameters of pages that show what the reader just wrote: read from the
# primary database, never a lagging replica (newsroom.db_router). Every
# private page is one of them.
PRIMARY_PARAMS = (*PRIVATE_PARAMS, NOTICE_PARAM)

# -- view counters ---------------------------------------------------------------

# articles.readership owns them; the page store increments an article's counter
# in the same round trip as a page-cache hit (articles.pagecache.store's Lua
# script builds ``view_counter``'s key from VIEWS_PREFIX the same way).
VIEWS_PREFIX = "views:"
BATCH_KEY = VIEWS_PREFIX + "batch"
LAST_FLUSH_KEY = VIEWS_PREFIX + "last-flush"
FLUSH_LOCK_KEY = VIEWS_PREFIX + "flush-lock"


def view_counter(batch: int, hour: int, article_id: int) -> str:
    """The counter of ``article_id``'s views in ``batch`` and ``hour``."""
    return f"{VIEWS_PREFIX}{batch}:{hour}:{article_id}"


def view_slots(batch: int) -> str:
    """How many counters ``batch`` has (its slots' count)."""
    return f"{VIEWS_PREFIX}{batch}:slots"


def view_slot(batch: int, slot: int) -> str:
    """Which counter (hour, article) is ``batch``'s slot number ``slot``."""
    return f"{VIEWS_PREFIX}{batch}:slot:{slot}"


def hour_of(now: datetime) -> int:
    """The hour a view at ``now`` is counted in (hours since the epoch)."""
    return int(now.timestamp()) // 3600


def current_hour() -> int:
    return hour_of(timezone.now())
