"""Nothing one app server needs is kept in another one's memory or disk.

With REDIS_URL set (and media on object storage), sessions, rate limits, the
cache, the page cache and the "Đọc nhiều" counters live in Redis or
PostgreSQL; these tests read the production settings and the code itself.
"""

import ast
import importlib.util
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
SHARED_SESSIONS = {
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cache",
    "django.contrib.sessions.backends.cached_db",
    "django.contrib.sessions.backends.signed_cookies",
}
# Per-process caches that are safe: they hold what every process computes
# the same from code, settings or files shipped with the app.
ALLOWED_CACHED = {
    "articles.html._cleaner": "the nh3 cleaner, built from settings only",
    "articles.placeholder._font": "a font file from the system",
    "articles.links._template": "URL templates reversed from the URLconf",
    "articles.sample.generator._slug": (
        "a one-off command's memo of the slugs of its generated titles"
    ),
    "articles.search._fold_table": "a character table built from code",
    "articles.search._marks": "tsvector position labels built from code",
    "newsroom.cache._seal_key": "the cache seal's key, derived from SECRET_KEY",
    "articles.client_ip._networks": "CLIENT_IP_TRUSTED_PROXIES parsed, from settings",
}
# Functions that set a module global on purpose, and why that is per process.
ALLOWED_GLOBALS = {
    "newsroom.db_router.mark_replica_down": (
        "each worker's own 10 s back-off after its replica connection failed"
    ),
}
ALLOWED_THREAD_LOCALS = {
    "articles.readership._local": "one request's 'flush after the response' flag",
}
MUTATORS = {
    "append", "extend", "insert", "add", "update", "setdefault", "pop",
    "popitem", "remove", "discard", "clear", "appendleft", "__setitem__",
}  # fmt: skip
CONTAINERS = {"dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "deque"}


def production_settings(monkeypatch, **env):
    """newsroom/settings.py evaluated afresh with ``env``, as a new module."""
    for name in ["DEBUG", "REDIS_URL", "MEDIA_STORAGE_URL", "AWS_STORAGE_BUCKET_NAME"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "shared-state-test-" + "x" * 40)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location(
        "newsroom_settings_probe", BASE_DIR / "newsroom" / "settings.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_settings_with_redis_url_use_only_shared_backends(monkeypatch):
    settings = production_settings(
        monkeypatch,
        REDIS_URL="redis://10.0.0.5:6379/0",
        MEDIA_STORAGE_URL="s3://bao-anh?endpoint_url=https://s3.example.vn",
    )
    assert settings.DEBUG is False
    for alias, cache in settings.CACHES.items():
        # django-redis, failing fast in an outage and reading only sealed values.
        assert cache["BACKEND"] == "newsroom.cache.RedisCache", alias
        assert cache["LOCATION"] == "redis://10.0.0.5:6379/0"
    assert settings.SESSION_ENGINE in SHARED_SESSIONS
    # Messages ride in the cookie or the session, never in a process.
    assert getattr(
        settings, "MESSAGE_STORAGE", "django.contrib.messages.storage.fallback"
    ).startswith("django.contrib.messages.storage.")
    assert settings.STORAGES["default"]["BACKEND"] == "newsroom.storage.MediaStorage"
    # Withheld originals (photo rights ended) too: any app server or worker
    # may restore one.
    private = settings.STORAGES["private"]
    assert private["BACKEND"] == "storages.backends.s3.S3Storage"
    assert private["OPTIONS"]["bucket_name"] == "bao-anh"
    assert private["OPTIONS"]["location"] == "private"
    assert settings.MEDIA_RENDITIONS_ON_SAVE is True
    # Hashed static files ship with the code: the same on every app server.
    assert settings.STORAGES["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    # The page cache, login and comment limits and view counters all use the
    # default cache, which is Redis here.
    assert set(settings.CACHES) == {"default"}


def test_without_redis_the_cache_is_shared_on_disk_as_documented(monkeypatch):
    settings = production_settings(monkeypatch)
    assert settings.CACHES["default"]["BACKEND"] == "newsroom.cache.DiskCache"
    assert settings.CACHES["default"]["SHARDS"] == 1
    assert settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")
    assert settings.MEDIA_RENDITIONS_ON_SAVE is False


def _modules():
    for folder in ("articles", "newsroom"):
        for path in sorted((BASE_DIR / folder).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(BASE_DIR).with_suffix("").parts)
            yield name.removesuffix(".__init__"), ast.parse(path.read_text())


def _decorator_name(node) -> str:
    node = node.func if isinstance(node, ast.Call) else node
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _is_container(value) -> bool:
    if isinstance(
        value, ast.Dict | ast.List | ast.Set | ast.DictComp | ast.ListComp | ast.SetComp
    ):
        return True
    return isinstance(value, ast.Call) and _decorator_name(value) in CONTAINERS


def _mutations(function, names: set[str]):
    for node in ast.walk(function):
        if isinstance(node, ast.Global):
            yield f"global {', '.join(node.names)}"
        targets = []
        if isinstance(node, ast.Assign | ast.Delete):
            targets = node.targets
        elif isinstance(node, ast.AugAssign):
            targets = [node.target]
        for target in targets:
            base = target.value if isinstance(target, ast.Subscript) else target
            if isinstance(base, ast.Name) and base.id in names:
                if isinstance(target, ast.Subscript) or isinstance(node, ast.AugAssign):
                    yield f"{base.id}[...] changed"
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MUTATORS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in names
        ):
            yield f"{node.func.value.id}.{node.func.attr}()"


def state_in(module: str, tree) -> list[str]:
    """Per-process state in one module's syntax tree, as readable findings."""
    found = []
    containers = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and _is_container(node.value):
            containers |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and _decorator_name(node.value) == "local"
        ):
            for target in node.targets:
                if f"{module}.{target.id}" not in ALLOWED_THREAD_LOCALS:
                    found.append(f"{module}.{target.id}: thread-local state")
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            if _decorator_name(decorator) in {"cache", "lru_cache"}:
                if f"{module}.{node.name}" not in ALLOWED_CACHED:
                    found.append(f"{module}.{node.name}: per-process cache")
        allowed_global = f"{module}.{node.name}" in ALLOWED_GLOBALS
        found += [
            f"{module}.{node.name}: {m}"
            for m in _mutations(node, containers)
            if not (allowed_global and m.startswith("global "))
        ]
    return found


def test_no_module_keeps_state_in_one_process():
    """Module-level containers are never changed after import, and every
    per-process cache is on the allow-list with its reason."""
    found = [
        finding for module, tree in _modules() for finding in state_in(module, tree)
    ]
    assert found == []


@pytest.mark.parametrize(
    "source, finding",
    [
        (
            "import functools\n@functools.lru_cache\ndef f(x):\n    return x\n",
            "probe.f: per-process cache",
        ),
        (
            "import threading\n_state = threading.local()\n",
            "probe._state: thread-local state",
        ),
        ("SEEN = {}\ndef f(key):\n    SEEN[key] = 1\n", "probe.f: SEEN[...] changed"),
        ("SEEN = set()\ndef f(key):\n    SEEN.add(key)\n", "probe.f: SEEN.add()"),
        ("N = 0\ndef f():\n    global N\n    N += 1\n", "probe.f: global N"),
    ],
)
def test_the_state_check_finds_what_it_looks_for(source, finding):
    """The check above is not vacuous: each kind of state is found."""
    assert finding in state_in("probe", ast.parse(source))
