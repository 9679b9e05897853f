"""Cross-site request forgery protection without a cookie, for reader forms.

Django's CSRF protection needs a token in the page and a cookie in the browser.
A token in the article page would be cached and shared by every reader, and a
cookie on every article view makes the page uncacheable (see the README,
"Comments and caching"). Browsers send ``Origin`` (and ``Sec-Fetch-Site``) on
every form POST, JavaScript or not, and a page on another site cannot forge
them, so a reader form accepts a POST only when they prove it came from this
site, the same check Django's own CSRF middleware applies to ``Origin``.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseForbidden
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt


def _trusted_origins(request) -> set[str]:
    own = f"{request.scheme}://{request.get_host()}"
    return {own, *settings.CSRF_TRUSTED_ORIGINS}


def is_same_origin(request) -> bool:
    """True when the browser says the request was sent by one of our pages."""
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return origin in _trusted_origins(request)
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site == "same-origin"
    referer = request.headers.get("Referer")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}" in _trusted_origins(request)
    return False


def same_origin_required(view):
    """Refuse (403) a POST that does not prove it came from this site."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and not is_same_origin(request):
            return HttpResponseForbidden(
                render_to_string("403_csrf.html", request=request)
            )
        return view(request, *args, **kwargs)

    return wrapped
