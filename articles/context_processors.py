"""Site-wide template context: the paper's settings and its section menu.

Both change rarely and appear on every page, so they are cached and dropped by
``articles.signals`` when an editor changes them; a warm page spends no query on
them.
"""

from django.core.cache import cache

from newsroom.db_router import primary

from .models import Category, SiteSettings

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


def site(request):
    data = site_context()
    return {"site": data["settings"], "menu_categories": data["menu"]}
