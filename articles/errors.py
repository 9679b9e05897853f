"""Error pages in the site's look.

The 500 page is rendered without a request context on purpose: when the
database is the thing that failed, the page must not need it.
"""

from django.http import HttpResponseNotFound, HttpResponseServerError
from django.template.loader import render_to_string


def page_not_found(request, exception):
    try:
        body = render_to_string("404.html", request=request)
    except Exception:
        body = render_to_string("500.html", {"status": 404})
    return HttpResponseNotFound(body)


def server_error(request):
    return HttpResponseServerError(render_to_string("500.html"))
