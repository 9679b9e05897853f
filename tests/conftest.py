from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import DatabaseError, connections

from tests.live import ServedConnections

# How long a test's teardown waits for the live server to finish the requests
# its pages started, before the database is flushed.
LIVE_SERVER_DRAIN_SECONDS = 30


@pytest.fixture(autouse=True)
def _clear_cache():
    """Every test starts with an empty cache, so cached site data never leaks."""
    cache.clear()
    yield
    cache.clear()


def _transactional(request) -> bool:
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        return True
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(
        marker.kwargs.get("transaction")
        or marker.kwargs.get("reset_sequences")
        or (marker.args and marker.args[0])
    )


def _restore_connections() -> list[str]:
    """Roll back what is left open on this thread's connections and reset
    Django's record of it; one line for each connection that needed it."""
    left = []
    for conn in connections.all(initialized_only=True):
        manual = conn.connection is not None and not conn.autocommit
        if not (conn.in_atomic_block or conn.savepoint_ids or manual):
            continue
        left.append(f"the {conn.alias!r} connection was left in a transaction")
        conn.atomic_blocks = []
        conn.savepoint_ids = []
        conn.in_atomic_block = False
        conn.needs_rollback = False
        conn.commit_on_exit = True
        conn.run_on_commit = []
        if conn.closed_in_transaction:
            conn.closed_in_transaction = False
            conn.connection = None
        try:
            conn.rollback()
            conn.set_autocommit(True)
        except DatabaseError:
            # In-memory SQLite ignores close(); anything else reconnects.
            conn.close()
    return left


@pytest.fixture(autouse=True)
def _failures_stay_in_their_test(request):
    """A transactional test hands the next one a clean database, failed or not.

    Before pytest-django flushes the database, this waits for the live server
    to finish the requests the test's pages started, then rolls back what is
    still open. A request still running after a failure would otherwise share
    the flush's connection (on SQLite the live server uses this thread's): the
    flush fails, or the connection stays half in a transaction, and every later
    test meets "on_commit() cannot be used in manual transaction management";
    a failed flush also skips pytest-django's class cleanup, which leaves
    "Database queries to 'replica' are not allowed" for the rest of the run.
    What had to be undone fails this test, at teardown.
    """
    if not _transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")  # so it is torn down after this
    server = None
    if "live_server" in request.fixturenames:
        server = request.getfixturevalue("live_server")
        if not hasattr(server, "served"):  # pytest-django's, started once
            server.served = ServedConnections(server.thread.httpd)
    yield
    problems = []
    try:
        if server is not None:
            serving = server.served.wait_until_idle(LIVE_SERVER_DRAIN_SECONDS)
            if serving:
                problems.append(f"the live server still serves {serving} connections")
    finally:
        problems += _restore_connections()
    if problems:
        pytest.fail("; ".join(problems), pytrace=False)


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
