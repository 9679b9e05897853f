"""The optional read replica: public reads go to it, everything else to the primary.

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database and
install ``ReplicaRouter``. ``ReplicaMiddleware`` decides per request whether
its reads may use the replica, and keeps the answer in a context variable the
router reads; outside a request (management commands, migrations, cron jobs,
the page cache's bookkeeping) there is no answer, so everything uses the
primary.

A request reads from the replica only when it is an anonymous reader's GET or
HEAD of a public page (``may_read_replica``). The primary answers:

- every write, and every read after the request's first write (the router
  pins the request to the primary in ``db_for_write``), and every read inside
  an ``atomic`` block the request opened;
- every admin request, and every request with a session cookie or an
  ``Authorization`` header: an editor always sees their own change;
- a comment's POST, and the page the poster is sent to afterwards (its
  ``?cua-ban=`` token shows them their own comment, written a moment ago);
- preview links (made a moment ago by an editor).

The replica being down never takes the site down: the router connects to it
before sending it a query, and a connection that fails marks the replica down
for ``REPLICA_RETRY_SECONDS`` in this process, during which reads go to the
primary; a query that fails half way through a request (the replica restarted
under it) is answered by running the view again on the primary.
"""

import contextvars
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    Error,
    InterfaceError,
    OperationalError,
    connections,
)

from articles.middleware import unavailable_response
from articles.pagecache.keys import PRIMARY_PARAMS

logger = logging.getLogger(__name__)

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"
# After a failed connection, reads stay on the primary this long (per process).
REPLICA_RETRY_SECONDS = 10
PRIMARY_PATHS = ("/xem-truoc/",)


@dataclass
class Route:
    replica: bool
    # The primary connection's atomic depth when the request started: deeper
    # means the request opened a transaction (tests wrap each in their own).
    atomic_depth: int = 0
    used_replica: bool = False


_route: contextvars.ContextVar[Route | None] = contextvars.ContextVar(
    "newsroom_db_route", default=None
)
_replica_down_until = 0.0


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def may_read_replica(request) -> bool:
    """Whether ``request`` is an anonymous reader's GET of a public page."""
    if request.method not in ("GET", "HEAD"):
        return False
    path = request.path_info
    if path.startswith(f"/{settings.ADMIN_URL}") or path.startswith(PRIMARY_PATHS):
        return False
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.META.get(
        "HTTP_AUTHORIZATION"
    ):
        return False
    return not any(p in request.GET for p in PRIMARY_PARAMS)


def mark_replica_down() -> None:
    global _replica_down_until
    _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
    logger.error(
        "Read replica unavailable: reading from the primary for %ss",
        REPLICA_RETRY_SECONDS,
    )


def replica_is_down() -> bool:
    return time.monotonic() < _replica_down_until


def _replica_connects() -> bool:
    connection = connections[REPLICA]
    try:
        # Cheap when connected: the health check runs once per request, and
        # ensure_connection does nothing on an open connection.
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except Error:
        mark_replica_down()
        connection.close()
        return False
    return True


def use_replica() -> bool:
    """Whether the next read of the current request goes to the replica."""
    route = _route.get()
    if route is None or not route.replica or replica_is_down():
        return False
    if len(connections[PRIMARY].atomic_blocks) > route.atomic_depth:
        return False
    if not _replica_connects():
        route.replica = False
        return False
    route.used_replica = True
    return True


def pin_to_primary() -> None:
    """Send the rest of the current request's reads to the primary."""
    route = _route.get()
    if route is not None:
        route.replica = False


@contextmanager
def primary():
    """Read from the primary inside the block, e.g. to fill a long-lived cache.

    A value read from a lagging replica and cached for an hour would outlive
    the lag by far; a cache refilled right after an editor's change must read
    the change.
    """
    token = _route.set(None)
    try:
        yield
    finally:
        _route.reset(token)


class ReplicaRouter:
    """Reads to the replica when the request allows it; writes to the primary."""

    def db_for_read(self, model, **hints):
        return REPLICA if use_replica() else PRIMARY

    def db_for_write(self, model, **hints):
        pin_to_primary()
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: an object read from either may
        # point to one read from the other.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    # allow_migrate: no opinion. ``manage.py migrate`` runs on the primary (the
    # default database); a streaming replica receives the schema with the data,
    # and refuses writes anyway.


class ReplicaMiddleware:
    """Decide, per request, whether its reads may go to the replica.

    Listed last in ``MIDDLEWARE`` so that its ``process_exception`` runs
    before ``DatabaseUnavailableMiddleware`` turns a database error into a 503:
    when the replica failed, the view runs again on the primary.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        route = Route(
            replica=may_read_replica(request),
            atomic_depth=len(connections[PRIMARY].atomic_blocks),
        )
        token = _route.set(route)
        try:
            response = self.get_response(request)
        finally:
            _route.reset(token)
        # Tells the page cache the page may be a little behind the primary.
        response.read_replica = route.used_replica
        return response

    def process_exception(self, request, exception):
        route = _route.get()
        if route is None or not route.used_replica:
            return None
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        replica = connections[REPLICA]
        if not replica.errors_occurred:
            return None  # the primary failed: DatabaseUnavailableMiddleware answers
        mark_replica_down()
        replica.close()
        route.replica = False
        route.used_replica = False
        match = request.resolver_match
        try:
            return match.func(request, *match.args, **match.kwargs)
        except (OperationalError, InterfaceError) as error:
            logger.error("Database unavailable: %s", error)
            return unavailable_response()
