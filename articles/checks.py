"""System checks for settings that run but are wrong in production.

``manage.py check`` (and ``check --deploy``, run by ``make check-deploy``)
reports them; ``runserver`` and ``migrate`` run them too.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

# Caches that live inside one process: what one gunicorn worker or manage.py
# command stores (a purge time, a new section in the menu, a login failure) is
# invisible to every other process.
PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.caches)
def check_shared_cache(app_configs=None, **kwargs):
    """Refuse a process-local default cache in production (``DEBUG`` off)."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in PROCESS_LOCAL_CACHES:
        return []
    return [
        Error(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) is local to one "
            "process, so purges, the site menu, rate limits and login failures "
            "recorded by one worker or command are not seen by the others.",
            hint="Set REDIS_URL, or leave CACHES to the default disk cache "
            "(CACHE_DIR) on a single machine.",
            id="newsroom.E001",
        )
    ]
