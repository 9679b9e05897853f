"""Page-cache group names: what a cached page or part shows.

A page or a cached part carries the groups it shows, and a purge of any of
them makes it stale (``articles.pagecache``). Every name is built here, one
function or constant per kind, so the view that marks a page and the receiver
that purges it cannot spell a group differently; a test fails on a group name
built by hand anywhere else (``tests/articles/pagecache/test_vocabulary.py``).

A leaf module: it imports nothing, so anything may import it.
"""

# Every page and part: purged when something every page shows changes (a
# section's name in the menu, the paper's settings in the header and footer).
SITE = "site"
# The home page: every publish changes its top.
HOME = "home"
# Whatever lists the newest articles: feeds, sitemaps, search, and the article
# pages whose "Đừng bỏ lỡ" reaches beyond their own section.
LATEST = "latest"
# The "Nổi bật" block of article pages.
FEATURED = "featured"
# The cached parts that show "Đọc nhiều", purged by each flush of the view
# counts (articles.readership).
MOST_READ = "most-read"


def article(pk) -> str:
    """The article's own page and parts."""
    return f"article:{pk}"


def category(pk) -> str:
    """The section's listing pages (and the home page's block for it)."""
    return f"category:{pk}"


def related(category_pk) -> str:
    """The article pages of a section: "Đừng bỏ lỡ" lists its newest first."""
    return f"related:{category_pk}"


def tag(pk) -> str:
    """The tag's listing pages: they change when an article gains or loses it."""
    return f"tag:{pk}"


def tagname(pk) -> str:
    """Pages that show the tag's name: they change when the tag is renamed."""
    return f"tagname:{pk}"


def author(pk) -> str:
    """The author's listing pages."""
    return f"author:{pk}"


def byline(pk) -> str:
    """Pages that show the author's name: they change when the author does."""
    return f"byline:{pk}"
