"""Where uploaded media live, read from the environment (see README, "Media storage").

The local ``MEDIA_ROOT`` folder by default; S3-compatible object storage
(django-storages) when ``MEDIA_STORAGE_URL`` or ``AWS_STORAGE_BUCKET_NAME`` is
set. Pure functions of the environment, so settings can import this module
without importing boto3.
"""

from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ImproperlyConfigured

# Every stored name is new for new content (uploads get a random part, a
# rendition's name holds its source, crop and width), so browsers and CDNs may
# keep any media object for a year without asking again.
IMMUTABLE = "public, max-age=31536000, immutable"

# MEDIA_STORAGE_URL query parameters, and the AWS_* variables, that reach
# django-storages' S3Storage. Credentials are not among them: boto3 reads
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or an instance role) itself.
S3_OPTIONS = {
    "endpoint_url": "AWS_S3_ENDPOINT_URL",
    "region_name": "AWS_S3_REGION_NAME",
    "custom_domain": "AWS_S3_CUSTOM_DOMAIN",
    "location": "AWS_LOCATION",
    "default_acl": "AWS_DEFAULT_ACL",
    "addressing_style": "AWS_S3_ADDRESSING_STYLE",
    "signature_version": "AWS_S3_SIGNATURE_VERSION",
    "url_protocol": "AWS_S3_URL_PROTOCOL",
}


def _s3_options(environ) -> dict | None:
    url = environ.get("MEDIA_STORAGE_URL", "").strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ImproperlyConfigured(
                "MEDIA_STORAGE_URL must look like s3://bucket/optional/prefix"
                "?endpoint_url=https://s3.example.com"
            )
        if "@" in parts.netloc:
            # Not echoed: it would print the secret into the logs.
            raise ImproperlyConfigured(
                "MEDIA_STORAGE_URL must not hold credentials: set "
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead"
            )
        options = {"bucket_name": parts.netloc}
        if parts.path.strip("/"):
            options["location"] = parts.path.strip("/")
        for key, value in parse_qsl(parts.query):
            if key not in S3_OPTIONS:
                raise ImproperlyConfigured(
                    f"MEDIA_STORAGE_URL: unknown option {key!r}; known: "
                    + ", ".join(sorted(S3_OPTIONS))
                )
            options[key] = value
        return options
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        return None
    options = {"bucket_name": bucket}
    for option, variable in S3_OPTIONS.items():
        if environ.get(variable):
            options[option] = environ[variable]
    return options


def media_storage(environ) -> dict:
    """The ``STORAGES["default"]`` entry for this environment."""
    options = _s3_options(environ)
    if options is None:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    cache_control = environ.get("MEDIA_CACHE_CONTROL", IMMUTABLE)
    return {
        "BACKEND": "newsroom.storage.MediaStorage",
        "OPTIONS": {
            **options,
            # Public, stable URLs: a signed URL changes on every page render,
            # which no browser or CDN can cache.
            "querystring_auth": False,
            # A name is never given to other content, so "immutable" holds.
            "file_overwrite": False,
            "object_parameters": {"CacheControl": cache_control},
        },
    }


def private_media_storage(environ) -> dict:
    """The ``STORAGES["private"]`` entry: where a photo's original waits while
    its rights have ended (``articles.rights_expiry``). Never served.

    On disk, a folder beside ``MEDIA_ROOT`` (``PRIVATE_MEDIA_ROOT``, default
    ``MEDIA_ROOT`` + ``-private``), outside what nginx's ``/media/`` serves. On
    object storage, the same bucket under ``MEDIA_PRIVATE_PREFIX`` (default
    ``private``), outside the media prefix the bucket policy makes public, with
    private objects and no CDN domain.
    """
    options = _s3_options(environ)
    if options is None:
        return {"BACKEND": "newsroom.storage.PrivateFileSystemStorage"}
    prefix = environ.get("MEDIA_PRIVATE_PREFIX", "private").strip("/") or "private"
    options.pop("custom_domain", None)
    location = options.get("location", "")
    options["location"] = f"{prefix}/{location}" if location else prefix
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **options,
            "default_acl": "private",
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "private, no-store"},
        },
    }


def media_origins(storage: dict) -> list[str]:
    """The origins media URLs point at, for the CSP's ``img-src``."""
    options = storage.get("OPTIONS")
    if not options:
        return []
    if options.get("custom_domain"):
        protocol = options.get("url_protocol", "https:")
        return [f"{protocol}//{options['custom_domain']}"]
    if options.get("endpoint_url"):
        parts = urlsplit(options["endpoint_url"])
        origins = [f"{parts.scheme}://{parts.netloc}"]
        if options.get("addressing_style") != "path":
            # boto3 puts the bucket in the host name unless the endpoint is an
            # IP address or path-style addressing is asked for.
            origins.append(f"{parts.scheme}://{options['bucket_name']}.{parts.netloc}")
        return origins
    # Amazon S3 itself: virtual-hosted URLs, global and regional.
    bucket = options["bucket_name"]
    origins = [f"https://{bucket}.s3.amazonaws.com"]
    if options.get("region_name"):
        origins.append(f"https://{bucket}.s3.{options['region_name']}.amazonaws.com")
    return origins
