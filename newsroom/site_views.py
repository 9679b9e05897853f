"""Site plumbing: robots.txt, the health check and media files.

Not pages: nothing here reads the page cache or renders a template. Routed in
``newsroom/urls.py``; ``rendition`` and ``media_file`` only when media are
served from this site's own path.
"""

import logging
import mimetypes

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import default_storage
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from articles.middleware import RETRY_AFTER_SECONDS
from articles.models import Image
from articles.renditions import PREFIX as RENDITION_PREFIX
from articles.renditions import cache_control, parse_name, rendition_bytes, spec_allowed
from newsroom.media import IMMUTABLE

logger = logging.getLogger(__name__)


@require_safe
def robots_txt(request):
    """Crawl rules: admin and previews out, both sitemaps announced."""
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_URL}",
        "Disallow: /xem-truoc/",
        "Disallow: /binh-luan/",
        "",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        f"Sitemap: {request.build_absolute_uri('/sitemap-news.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def healthz(request):
    """200 when the database answers, 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        response = HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain"
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = HttpResponse("ok\n", content_type="text/plain")
    add_never_cache_headers(response)
    return response


@require_safe
def rendition(request, path):
    """A library photo's rendition, made and stored on its first request.

    The web server serves renditions that exist; this view answers the rest.
    Only renditions a page could list are made (the width, crop and focal point
    must match the photo's row), and anything else, or a photo whose rights
    have ended, is a 404 rather than an error.
    """
    spec = parse_name(f"{RENDITION_PREFIX}{path}")
    if spec is None:
        raise Http404(_("Không tìm thấy ảnh."))
    image = Image.objects.filter(file=spec.source).first()
    if image is None or image.rights_expired() or not spec_allowed(spec, image):
        raise Http404(_("Không tìm thấy ảnh."))
    try:
        data = rendition_bytes(spec)
    except Exception:
        # A broken or vanished original (or a Pillow failure) must not show
        # readers a 500: the page keeps its layout, the log keeps the cause.
        logger.exception("Cannot make rendition %s", path)
        raise Http404(_("Không tìm thấy ảnh.")) from None
    response = HttpResponse(data, content_type=spec.content_type)
    # A year, or for a photo whose rights end, until the rights moment.
    response["Cache-Control"] = cache_control(spec.until)
    return response


@require_safe
def media_file(request, path):
    """A stored media file, read through the storage (``SERVE_MEDIA``).

    For development and one-machine installs with nothing in front; a web
    server, the bucket or a CDN serves media otherwise. Stored names are never
    reused for other content, so the file is cacheable for a year.
    """
    if not path or path.endswith("/"):
        raise Http404(_("Không tìm thấy tệp."))
    try:
        handle = default_storage.open(path, "rb")
    except (OSError, SuspiciousOperation, ValueError):
        # Missing, a folder, or a path outside the storage ("../"): all 404.
        raise Http404(_("Không tìm thấy tệp.")) from None
    content_type, _encoding = mimetypes.guess_type(path)
    response = FileResponse(
        handle, content_type=content_type or "application/octet-stream"
    )
    response["Cache-Control"] = IMMUTABLE
    return response
