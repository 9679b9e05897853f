"""Site-wide template context: the paper's settings and its section menu,
from the cached site context (``articles.models.sections``)."""

from .models.sections import forget_site_context, site_context

# forget_site_context stays importable from here, where the generate_content
# command imports it.
__all__ = ["forget_site_context", "site", "site_context"]


def site(request):
    data = site_context()
    return {"site": data["settings"], "menu_categories": data["menu"]}
