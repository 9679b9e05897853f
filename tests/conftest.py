from pathlib import Path

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Every test starts with an empty cache, so cached site data never leaks."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Uploads go to a temporary folder that pytest prunes, never to media/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server in its own process on a free port, for the session."""
    from tests.s3 import start_s3_server

    server = start_s3_server()
    yield server
    server.stop()


@pytest.fixture
def s3_media(settings, s3_server, monkeypatch):
    """Media on a fresh bucket of the S3 server, configured the way an operator
    does (MEDIA_STORAGE_URL), with renditions made on save. MEDIA_ROOT must
    stay empty: nothing may write around the storage API."""
    from newsroom.media import media_storage
    from tests.s3 import CREDENTIALS

    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    bucket = s3_server.new_bucket()
    url = s3_server.storage_url(bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": media_storage({"MEDIA_STORAGE_URL": url}),
    }
    settings.MEDIA_ON_OBJECT_STORAGE = True
    settings.MEDIA_RENDITIONS_ON_SAVE = True
    yield {"server": s3_server, "bucket": bucket, "client": s3_server.client()}
    leftovers = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert leftovers == [], "written to MEDIA_ROOT around the storage API"
