"""Media on S3-compatible object storage (django-storages), for many app servers.

Chosen in ``newsroom.media.media_storage`` when ``MEDIA_STORAGE_URL`` or
``AWS_STORAGE_BUCKET_NAME`` is set.
"""

import os
import re
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from articles.renditions import rights_moment

_PROBE = "newsroom-url-probe"
# A rendition of a rights-limited photo (articles.renditions.rendition_name).
LIMITED_RE = re.compile(r"(?:^|/)renditions/.+/r([0-9]{8})-[^/]+$")


class MediaStorage(S3Storage):
    """S3Storage whose public URLs are plain string joins.

    With ``querystring_auth`` off every URL is the same prefix plus the key,
    but S3Storage still builds each one through botocore's presigner (tens of
    microseconds); a page lists hundreds of rendition URLs. The prefix is
    asked of S3Storage once and reused, so the URLs are identical to its own.
    """

    _url_prefix = None

    def url(self, name, parameters=None, expire=None, http_method=None):
        if parameters or http_method or self.querystring_auth:
            return super().url(name, parameters, expire, http_method)
        name = clean_name(name)
        if ".." in name.split("/"):
            return super().url(name)
        if self._url_prefix is None:
            probe = super().url(_PROBE)
            self._url_prefix = probe[: -len(_PROBE)]
        return self._url_prefix + filepath_to_uri(name.lstrip("/"))

    def get_object_parameters(self, name):
        """A year's ``Cache-Control`` (``MEDIA_CACHE_CONTROL``) for every
        object, except renditions of a photo whose rights end, whose names
        carry the rights' last day: those expire, for browsers and CDNs, at
        the rights moment (an absolute ``Expires``: the object is fetched long
        after it is stored, so no fixed max-age would be right)."""
        params = super().get_object_parameters(name)
        match = LIMITED_RE.search(name)
        if match:
            last_day = date.fromisoformat(match[1])  # YYYYMMDD
            params = {
                **params,
                "CacheControl": "public",
                "Expires": rights_moment(last_day),
            }
        return params


class PrivateFileSystemStorage(FileSystemStorage):
    """The disk half of ``STORAGES["private"]`` (``newsroom.media``): a folder
    beside ``MEDIA_ROOT`` that no URL reaches.

    The folder is read from the settings on every use, like
    FileSystemStorage's own default, so a changed ``MEDIA_ROOT`` (tests, a
    second site on the machine) moves it too.
    """

    def __init__(self, **kwargs):
        kwargs["base_url"] = None
        super().__init__(**kwargs)

    @property
    def base_location(self):
        configured = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
        if configured:
            return str(configured)
        media_root = Path(settings.MEDIA_ROOT)
        return str(media_root.with_name(f"{media_root.name}-private"))

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private media have no URL.")
