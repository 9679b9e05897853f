"""Settings for Newsroom, read from the environment (see README, "Configuration").

One module for every environment: development defaults are safe, and production
(``DEBUG`` off, the default) refuses to start without the secrets it needs.
"""

import ipaddress
import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from newsroom.media import media_origins, media_storage, private_media_storage

BASE_DIR = Path(__file__).resolve().parent.parent

# `make run` writes a git-ignored .env (DEBUG=1) so every manage.py command the
# README shows runs on the same development defaults as the server. Variables
# already in the environment win; ENV_FILE= (empty) reads none, as the tests do.
ENV_FILE = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    load_dotenv(ENV_FILE, override=False)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=1 for local development (`make run` writes it to .env)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-used-with-debug-off"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "csp",
    "django_otp",
    # django_otp.plugins.otp_totp, with Vietnamese admin labels.
    "newsroom.apps.TwoFactorConfig",
    "django_prose_editor",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "articles",
]

MIDDLEWARE = [
    "articles.middleware.RequestLimitsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "articles.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above sessions, CSRF and auth: a cached page is served without them.
    # Above the CSP middleware too: a page is stored with its policy header,
    # so a hit replays it instead of building the policy again.
    "articles.pagecache.middleware.PageCacheMiddleware",
    "articles.middleware.NewsroomCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "articles.middleware.DatabaseUnavailableMiddleware",
    # Last, so its process_exception runs first (newsroom/db_router.py).
    "newsroom.db_router.ReplicaMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Public templates must not touch ``user``, ``messages`` or
            # ``csrf_token``: reading them marks the session as accessed and adds
            # "Vary: Cookie", which makes the page uncacheable for everyone.
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL (psycopg 3) through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A hung primary must cost a reader seconds and the site's 503, not a worker
# killed by gunicorn's 30 s timeout. Statements are bounded in web processes
# only: manage.py commands (migrate, generate_content, rebuild_search_index)
# may run long statements, and runserver is a web process like gunicorn.
DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3"))
DATABASE_STATEMENT_TIMEOUT = float(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "5"))
MANAGEMENT_COMMAND = Path(sys.argv[0]).name in {"manage.py", "django-admin"} and (
    sys.argv[1:2] != ["runserver"]
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _primary_options = DATABASES["default"].setdefault("OPTIONS", {})
    _primary_options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    if DATABASE_STATEMENT_TIMEOUT > 0 and not MANAGEMENT_COMMAND:
        _primary_options["options"] = (
            f"{_primary_options.get('options', '')} -c statement_timeout="
            f"{int(DATABASE_STATEMENT_TIMEOUT * 1000)}"
        ).strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers run while a writer commits; IMMEDIATE takes the
            # write lock up front so concurrent writers queue instead of failing.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )

# Optional read replica (newsroom/db_router.py): anonymous readers' GETs of
# public pages read from it; writes, the admin, logged-in users and management
# commands use the primary. Unset: one database, nothing changes.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
# How far behind the primary the replica may be (seconds): a page read from
# the replica this soon after a purge is not kept in the page cache.
DATABASE_REPLICA_MAX_LAG = float(os.environ.get("DATABASE_REPLICA_MAX_LAG", "5"))
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        # A replica that does not answer costs a reader 2 seconds, once: then
        # reads go to the primary for a while (db_router.REPLICA_RETRY_SECONDS).
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    DATABASE_ROUTERS = ["newsroom.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by every app server), else a
# cache on disk shared by every process on this machine.
REDIS_URL = os.environ.get("REDIS_URL", "")
# A Redis that does not answer costs one call this long (seconds); then this
# process leaves it alone for REDIS_RETRY_SECONDS and one call probes it again.
REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", 0.25))
REDIS_RETRY_SECONDS = float(os.environ.get("REDIS_RETRY_SECONDS", 5))
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis, failing fast through an outage and never
            # unpickling a value this site did not seal (newsroom/cache.py).
            "BACKEND": "newsroom.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
            # 2: values sealed, not bare pickles. A new version never reads
            # the old one's keys, nor the old code the new ones' (a rolling
            # deploy runs both): the old code would fail to unpickle them.
            "VERSION": 2,
            "OPTIONS": {
                # A Redis outage degrades to cache misses, never to a 500.
                "IGNORE_EXCEPTIONS": True,
                "CLIENT_CLASS": "newsroom.cache.RedisClient",
                "SERIALIZER": "newsroom.cache.SignedPickleSerializer",
                "CONNECTION_POOL_CLASS": "newsroom.cache.ConnectionPool",
                "CONNECTION_POOL_KWARGS": {"outage_seconds": REDIS_RETRY_SECONDS},
                "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_TIMEOUT,
            },
        }
    }
    # Errors other than an outage (logged once by newsroom.cache.Outage).
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    # Without Redis, a cache on this machine's disk that every process shares
    # (gunicorn's workers, manage.py, cron): a purge, a new section or a rate
    # limit counted by one is seen by all. diskcache keeps it in SQLite, with
    # atomic add() and incr(). One shard, evicting the least recently stored
    # first: a group's purge time is then never evicted before a page stored
    # ahead of it (articles.pagecache.store). Process-local memory would be wrong as
    # soon as a second process runs; a system check refuses it in production.
    CACHE_DIR = Path(
        os.environ.get("CACHE_DIR")
        # systemd's CacheDirectory= (deploy/newsroom.service) sets this.
        or os.environ.get("CACHE_DIRECTORY")
        or BASE_DIR / "var" / "cache"
    )
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.DiskCache",
            "LOCATION": str(CACHE_DIR),
            "VERSION": 2,  # sealed pickles, as for Redis above
            "SHARDS": 1,
            # Seconds a call waits for another process's write before it
            # answers as a miss (reads) or retries (writes).
            "DATABASE_TIMEOUT": 0.25,
            "OPTIONS": {
                "size_limit": int(os.environ.get("CACHE_SIZE_LIMIT", 512 * 1024**2))
            },
        }
    }

# Page cache (articles.pagecache): anonymous public pages kept in the cache
# above, purged precisely when what they show changes; Cache-Control tells
# browsers (max-age) and shared caches, nginx or a CDN (s-maxage), how long
# they may reuse a page without asking; after that they revalidate (ETag, 304).
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", default=True)
PAGE_CACHE_TIMEOUT = int(os.environ.get("PAGE_CACHE_TIMEOUT", 600))
PAGE_BROWSER_MAX_AGE = int(os.environ.get("PAGE_BROWSER_MAX_AGE", 30))
PAGE_SHARED_MAX_AGE = int(os.environ.get("PAGE_SHARED_MAX_AGE", 1))

# `make bench` turns on a bare "ok" view at /__bench__/ok; never in production.
BENCH_BARE_VIEW = env_bool("BENCH_BARE_VIEW", default=False)

_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]

# Vietnamese, in Vietnam's time zone (UTC+7, no daylight saving time).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Django's vi formats print "Ngày 19 tháng 10 năm 2023" and do not group
# thousands; newspapers write "19/10/2023 06:36" and "1.234.567".
# Grouping is applied with |intcomma where a reader sees a count; it stays off
# globally so ids, widths and heights in HTML attributes print as plain digits.
FORMAT_MODULE_PATH = ["newsroom.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Media (uploads and their renditions): the MEDIA_ROOT folder, or S3-compatible
# object storage when MEDIA_STORAGE_URL (or AWS_STORAGE_BUCKET_NAME) is set, so
# every app server sees the same files (newsroom.media; README, "Media storage").
# Code reaches media only through Django's storage API (default_storage).
STORAGES = {
    "default": media_storage(os.environ),
    # Originals of photos whose rights have ended, out of every public path
    # until an editor extends the rights (articles.rights_expiry).
    "private": private_media_storage(os.environ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# The path the app answers media requests on: renditions not yet made, and
# with SERVE_MEDIA every file. Pages link media at the storage's own URLs.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Default: MEDIA_ROOT's sibling "<name>-private" (newsroom.storage).
PRIVATE_MEDIA_ROOT = os.environ.get("PRIVATE_MEDIA_ROOT") or None
MEDIA_ON_OBJECT_STORAGE = "OPTIONS" in STORAGES["default"]
# Make a photo's renditions when it is saved rather than on their first
# request. On object storage a missing rendition is a 404 from the bucket,
# which reaches the app only when a CDN or nginx is set to fall back to it
# (README, "Media storage"), so this is on there by default.
MEDIA_RENDITIONS_ON_SAVE = env_bool(
    "MEDIA_RENDITIONS_ON_SAVE", default=MEDIA_ON_OBJECT_STORAGE
)

# The admin lives at ADMIN_URL so it can be moved off the well-known path.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

# Security. Production hardening is on whenever DEBUG is off; each setting can
# still be overridden from the environment (e.g. SECURE_SSL_REDIRECT=0 behind a
# proxy that already redirects). See docs/security.md.
PRODUCTION = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
# Preloading is hard to undo, so it is an explicit opt-in.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
# W021 only says "you have not opted in to preloading", which is our default on
# purpose; every other deploy check stays on.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Sessions live in the database, so editors stay logged in through a cache outage.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4): no inline scripts anywhere; the admin
# additionally allows inline styles, which its widgets set.
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [
            _SELF,
            "data:",
            *media_origins(STORAGES["default"]),
            *env_list("CSP_IMG_SRC"),
        ],
        "font-src": [_SELF, "data:"],
        "connect-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
    }
}
ADMIN_CSP_UPDATE = {"style-src": ["'unsafe-inline'"]}

# Request limits (articles.middleware.RequestLimitsMiddleware): bodies per path
# prefix, checked before a view reads them; query strings over the limit: 414.
REQUEST_BODY_LIMITS = [
    ("/binh-luan/", 64 * 1024),
    (f"/{ADMIN_URL}", int(os.environ.get("UPLOAD_MAX_BYTES", 100 * 1024 * 1024))),
]
REQUEST_BODY_LIMIT_DEFAULT = 1024 * 1024
MAX_QUERY_STRING_LENGTH = 2048
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Two-factor (TOTP, django-otp): staff who add a device must use it; with
# ADMIN_2FA_REQUIRED=1 managing editors and superusers must have one.
ADMIN_2FA_REQUIRED = env_bool("ADMIN_2FA_REQUIRED", default=False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Newsroom")

# Admin login throttling (articles.login_throttle), counted in the shared cache:
# failures per client address, per account and per trusted browser (README,
# "Admin accounts and two-factor login").
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", 5))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", 15 * 60))
# How long a browser stays trusted for an account after a successful login.
LOGIN_DEVICE_COOKIE_AGE = int(
    os.environ.get("LOGIN_DEVICE_COOKIE_AGE", 90 * 24 * 60 * 60)
)

# The client's address, one rule for logins, comments and preview links
# (articles.client_ip): CLIENT_IP_HEADER is read only from a peer listed in
# CLIENT_IP_TRUSTED_PROXIES, right to left, skipping listed proxies. The
# default trusts nginx on this machine (deploy/); empty: REMOTE_ADDR only.
CLIENT_IP_TRUSTED_PROXIES = env_list("CLIENT_IP_TRUSTED_PROXIES", "127.0.0.1,::1")
for _proxy in CLIENT_IP_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"CLIENT_IP_TRUSTED_PROXIES: {_proxy!r} is not an address or network"
        ) from None
# COMMENT_CLIENT_IP_META is the old name (deprecated): a META key such as
# HTTP_X_REAL_IP, now read only from the trusted proxies like the new one.
_legacy_ip_meta = os.environ.get("COMMENT_CLIENT_IP_META", "REMOTE_ADDR")
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER") or (
    _legacy_ip_meta if _legacy_ip_meta != "REMOTE_ADDR" else "HTTP_X_FORWARDED_FOR"
)

# Image library (articles.imaging): the largest upload, and the most pixels
# (all frames together) a photo may have; a decompression bomb is refused from
# its header before anything is decoded.
IMAGE_UPLOAD_MAX_BYTES = int(os.environ.get("IMAGE_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", 50_000_000))

TAGGIT_CASE_INSENSITIVE = True
# Vietnamese tags are several space-separated syllables: split on commas only.
TAGGIT_TAGS_FROM_STRING = "articles.models.taxonomy.parse_tag_string"
TAGGIT_STRING_FROM_TAGS = "articles.models.taxonomy.tag_string"

# Rich text: the same extensions drive the admin editor and the server-side
# allow-list (articles.html.sanitize_body), so what an editor can make is
# exactly what is stored.
PROSE_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
    "Image": True,
    # "Browse..." in the figure dialog opens the image library's picker.
    "Figure": {"pickerUrl": f"/{ADMIN_URL}articles/image/chon-anh/"},
    "Caption": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
}


def _without_traceback(record) -> bool:
    record.exc_info = record.exc_text = None
    return True


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A request with a foreign Host header is a scanner's noise, not a bug:
    # one line each (the header is in the message), not a traceback.
    "filters": {
        "without_traceback": {
            "()": "django.utils.log.CallbackFilter",
            "callback": _without_traceback,
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.security.DisallowedHost": {"filters": ["without_traceback"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Where a login goes when its ``next`` points off the site (and is ignored):
# Django's default, /accounts/profile/, is no page of this site.
LOGIN_REDIRECT_URL = f"/{ADMIN_URL}"

# Page views are counted in the cache and written to the database in batches
# at most this often (seconds); `manage.py flush_views` can run from cron too.
VIEW_FLUSH_INTERVAL = int(os.environ.get("VIEW_FLUSH_INTERVAL", "300"))

# Serve uploaded media from Django itself: for development and single-machine
# installs without nginx or object storage in front.
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=DEBUG)

# Comments (see README, "Comments"). Limits a spammer meets before a moderator.
COMMENT_RATE_LIMITS = [(5, 60), (30, 60 * 60)]  # (posts, seconds), per IP and email
COMMENT_MIN_SECONDS = 3  # a form posted sooner after its token was issued is a bot
COMMENT_FORM_MAX_AGE = 2 * 60 * 60  # a form token's life, from the first touch
COMMENT_IP_BLOCK_DAYS = 7  # "Chặn người gửi": an IP is often shared, so it expires
COMMENT_OWN_MAX_AGE = 24 * 60 * 60  # the poster sees their pending comment this long
COMMENT_DUPLICATE_WINDOW = 24 * 60 * 60
COMMENT_DUPLICATE_LOCK = 10 * 60
COMMENT_MAX_LINKS = 2  # more links than this is spam
COMMENT_SPAM_SCORE = 10
COMMENTS_PER_PAGE = 50
COMMENT_NOTIFY_INTERVAL = 10 * 60  # at most one moderator email per interval
COMMENT_MODERATOR_EMAILS = env_list("COMMENT_MODERATOR_EMAILS")

# Background jobs (django-tasks, README "Background jobs"): rows in the site's
# database, run by `manage.py db_worker` (beside runserver in `make run`, its
# own systemd unit in production: deploy/newsroom-worker.service).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
# The SMTP server (Django's defaults: localhost:25, no login, no TLS).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
# Seconds an SMTP connect or reply may take before the send gives up (Django's
# default is to wait for ever: a mail server that accepts and never answers
# would hold the background worker until it is killed). Mail is only ever sent
# from background jobs and commands, never inside a request.
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
