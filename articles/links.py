"""Public URLs of articles, sections, tags and authors without ``reverse()``.

A listing page builds a hundred such links; ``reverse()`` re-walks the URL
resolver for each (about a tenth of an uncached render). Each pattern is
reversed once per script prefix with placeholder values, then filled in by
string replacement. Values that ``reverse()`` would have to quote (anything
but an ASCII slug) take the ordinary path, so the result is always what
``reverse()`` gives.
"""

import re
from functools import lru_cache

from django.urls import get_script_prefix, reverse

_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")


def _mark(key: str, position: int):
    """A value ``reverse()`` accepts for ``key`` and no other part contains."""
    return 10**15 + position if key == "pk" else f"zq{key}zq"


@lru_cache(maxsize=64)
def _template(name: str, prefix: str, keys: tuple[str, ...]) -> str:
    """The reversed URL as a ``str.format`` template with a field per key."""
    url = reverse(name, kwargs={k: _mark(k, i) for i, k in enumerate(keys)})
    url = url.replace("{", "{{").replace("}", "}}")
    for i, key in enumerate(keys):
        url = url.replace(str(_mark(key, i)), "{" + key + "}", 1)
    return url


def link(name: str, **kwargs) -> str:
    """``reverse(name, kwargs=kwargs)``, from a cached template when it may be."""
    if not all(
        isinstance(v, int) or (isinstance(v, str) and _SLUG.match(v))
        for v in kwargs.values()
    ):
        return reverse(name, kwargs=kwargs)
    keys = tuple(sorted(kwargs))
    return _template(name, get_script_prefix(), keys).format(**kwargs)
