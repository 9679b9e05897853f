"""The cached section tree and the paper's settings row: the site context.

Both change rarely and appear on every page (the menu, the footer, a section
page's sub-sections), so they are cached together and dropped by
``articles.signals`` when an editor changes them; a warm page spends no query
on them. Here in the models package because ``ArticleQuerySet.in_category()``
reads the tree, and the models import nothing that imports them.
"""

from django.core.cache import cache

from newsroom.db_router import primary

from .site import SiteSettings
from .taxonomy import Category

SITE_CACHE_KEY = "site:context:v2"
SITE_CACHE_TIMEOUT = 60 * 60


def site_context() -> dict:
    data = cache.get(SITE_CACHE_KEY)
    if data is None:
        # From the primary: an hour of a menu read from a lagging replica just
        # after an editor's change would be an hour of the old menu.
        with primary():
            categories = list(
                Category.objects.only(
                    "name", "slug", "position", "parent_id", "show_in_menu"
                )
            )
            settings_row = SiteSettings.load()
        children = {}
        for category in categories:
            if category.parent_id:
                children.setdefault(category.parent_id, []).append(category.pk)
        data = {
            "settings": settings_row,
            "menu": [c for c in categories if c.parent_id is None and c.show_in_menu],
            # Sub-section ids by section id, for the home page's blocks.
            "children": children,
        }
        cache.set(SITE_CACHE_KEY, data, SITE_CACHE_TIMEOUT)
    return data


def forget_site_context() -> None:
    cache.delete(SITE_CACHE_KEY)
