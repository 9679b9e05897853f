"""Site-wide template context: the paper's settings and its section menu.

Both change rarely and appear on every page, so they are cached and dropped by
``articles.signals`` when an editor changes them; a warm page spends no query on
them.
"""

from django.core.cache import cache

from .models import Category, SiteSettings

SITE_CACHE_KEY = "site:context:v1"
SITE_CACHE_TIMEOUT = 60 * 60


def site_context() -> dict:
    data = cache.get(SITE_CACHE_KEY)
    if data is None:
        data = {
            "settings": SiteSettings.load(),
            "menu": list(
                Category.objects.filter(parent=None, show_in_menu=True).only(
                    "name", "slug", "position"
                )
            ),
        }
        cache.set(SITE_CACHE_KEY, data, SITE_CACHE_TIMEOUT)
    return data


def forget_site_context() -> None:
    cache.delete(SITE_CACHE_KEY)


def site(request):
    data = site_context()
    return {"site": data["settings"], "menu_categories": data["menu"]}
