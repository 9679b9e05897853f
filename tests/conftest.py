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
