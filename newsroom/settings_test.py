"""Test settings: the real settings with test-only speed-ups.

The environment still decides the database (DATABASE_URL) and cache (REDIS_URL),
so the same suite runs against SQLite and PostgreSQL.
"""

import os

# Never the developer's .env (make run writes DEBUG=1 there): the suite runs
# on the environment it is given, production defaults included.
os.environ["ENV_FILE"] = ""
os.environ.setdefault(
    "SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789"
)

from newsroom.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Tests render pages without running collectstatic first, and keep media in a
# temporary folder whatever the environment says (tests of object storage
# point the default storage at their own S3 server: tests/s3.py).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Beside the temporary MEDIA_ROOT (newsroom.storage).
    "private": {"BACKEND": "newsroom.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ON_OBJECT_STORAGE = False
MEDIA_RENDITIONS_ON_SAVE = False
# The test client speaks plain HTTP.
SECURE_SSL_REDIRECT = False
# Most tests count queries on repeated GETs: the page cache would answer them.
# Tests of the cache turn it on (tests/articles/pagecache/test_page_cache.py).
PAGE_CACHE_ENABLED = False
# In-process tests share one process, and reset the cache per test
# (tests/conftest.py): local memory, unless REDIS_URL puts them on Redis.
# Tests of several processes (tests/live.py) run the default disk cache.
if not REDIS_URL:  # noqa: F405
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # One process: the check against a per-process cache in production
    # (articles.checks) is for servers, and tests/ops/test_boot.py tests it.
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "newsroom.E001"]  # noqa: F405

# The read replica's stand-in (tests/replica): a second, separate test
# database, so a test can tell which database a request read. It is
# DATABASE_REPLICA_URL when set, else the main database's name + "_ro". The
# router is off for every other test (they read what they just wrote, with no
# middleware in between); tests/replica turns it on with override_settings.
if "replica" not in DATABASES:  # noqa: F405
    _primary = DATABASES["default"]  # noqa: F405
    DATABASES["replica"] = {  # noqa: F405
        **_primary,
        "NAME": f"{_primary['NAME']}_ro"
        if _primary["ENGINE"] != "django.db.backends.sqlite3"
        else str(BASE_DIR / "db-replica.sqlite3"),  # noqa: F405
        "TEST": {},
    }
DATABASE_ROUTERS = []

# Background jobs: the real database backend from settings.py, not the
# immediate one, so that a test sees what production does: the request only
# queues a row. Tests run the queue with tests/jobs.py's run_pending_jobs(),
# and tests/ops/test_worker.py with a real `manage.py db_worker`.
