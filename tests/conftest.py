import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Every test starts with an empty cache, so cached site data never leaks."""
    cache.clear()
    yield
    cache.clear()
