"""Request guards and response headers that apply to every page."""

import base64
import hashlib
import logging
import re

import psycopg
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


IMPORTMAP_RE = re.compile(rb'<script type="importmap"[^>]*>(.*?)</script>', re.S)


class NewsroomCSPMiddleware(CSPMiddleware):
    """django-csp with the admin's policy.

    Public pages get the strict policy from ``CONTENT_SECURITY_POLICY``. In the
    admin, the widgets (select2, the prose editor) set style attributes, and
    django-prose-editor loads its modules through an inline import map: that
    one script is allowed by its SHA-256 hash, no other inline script is.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(f"/{settings.ADMIN_URL}"):
            update = {**(parts.update or {}), **settings.ADMIN_CSP_UPDATE}
            hashes = self.import_map_hashes(response)
            if hashes:
                update["script-src"] = [*update.get("script-src", []), *hashes]
            parts.update = update
        return parts

    @staticmethod
    def import_map_hashes(response) -> list[str]:
        if getattr(response, "streaming", False) or "html" not in response.get(
            "Content-Type", ""
        ):
            return []
        return [
            f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
            for body in IMPORTMAP_RE.findall(response.content)
        ]


class SecurityHeadersMiddleware:
    """Headers Django has no setting for: Permissions-Policy and CORP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY
        )
        return response


class RequestLimitsMiddleware:
    """Refuse oversized requests before any view reads them.

    Django caps form bodies (DATA_UPLOAD_MAX_MEMORY_SIZE) only when a view
    reads them; this answers early and per route: a comment is a few KB, so a
    megabyte posted to the comment URL is refused with 413 at once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if len(request.META.get("QUERY_STRING", "")) > settings.MAX_QUERY_STRING_LENGTH:
            return _plain(414, "Địa chỉ quá dài.\n")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _plain(400, "Content-Length không hợp lệ.\n")
        if length > self.limit_for(request.path_info):
            return _plain(413, "Dữ liệu gửi lên quá lớn.\n")
        return self.get_response(request)

    @staticmethod
    def limit_for(path: str) -> int:
        for prefix, limit in settings.REQUEST_BODY_LIMITS:
            if path.startswith(prefix):
                return limit
        return settings.REQUEST_BODY_LIMIT_DEFAULT


class DatabaseUnavailableMiddleware:
    """A database outage answers 503 with a friendly page, never a traceback.

    The page is rendered without the request context (which needs the
    database). Each request tries the database again, so the site recovers by
    itself when it is back. A hung database is an outage too: the connect
    timeout and the web processes' statement_timeout (settings.DATABASES)
    raise psycopg's OperationalError and QueryCanceled, which Django wraps as
    its OperationalError, or not when psycopg is called outside Django.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(
            exception, OperationalError | InterfaceError | psycopg.OperationalError
        ):
            return None
        cause = exception.__cause__ or exception
        if isinstance(cause, psycopg.errors.QueryCanceled):
            logger.error("Database statement cancelled: %s", exception)
        else:
            logger.error("Database unavailable: %s", exception)
        return unavailable_response()


def unavailable_response() -> HttpResponse:
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _plain(status: int, text: str) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
