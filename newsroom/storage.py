"""Media on S3-compatible object storage (django-storages), for many app servers.

Chosen in ``newsroom.media.media_storage`` when ``MEDIA_STORAGE_URL`` or
``AWS_STORAGE_BUCKET_NAME`` is set.
"""

from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

_PROBE = "newsroom-url-probe"


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
