"""A PostgreSQL read replica for the views that ask for it; everything else on the primary.

settings.py installs :class:`ReplicaRouter` when DATABASE_REPLICA_URL is set (docs/scaling.md).
Only code running under :func:`replica_reads` (views decorated with :func:`reads_from_replica`:
the report, the risk list, and their downloads) reads from the replica. There, a page may lag the
primary by the replication delay, usually under a second; the report reads counts that are
refreshed every 5 minutes anyway. Every write goes to the primary, and so does every read
elsewhere, so that a person's page always shows what was just recorded.

A replica that does not answer (stopped, restarting, cut off) is not a reason to fail its pages:
their reads go to the primary until it answers again (``ReplicaHealth``).
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
# Read on the primary even under replica_reads: a session or a lockout must be the latest one.
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes"})

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, reads may go to the replica (when there is one)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reads_from_replica(view):
    """Mark a view whose reads may lag the primary a little: the report and list pages.

    Put it under the access decorators, so that the user and their rights come from the primary.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaHealth:
    """Whether the replica answers, as this process last found: its connection is checked as
    Django checks a connection kept between requests (CONN_HEALTH_CHECKS), once a request, then
    opened if need be (in DB_CONNECT_TIMEOUT at most). One that fails is not tried again for
    ``RETRY_SECONDS``: a worker waits for a replica that does not answer once in that time at
    most. (The cache's ``truyvet.cache.Outage`` does the same for Redis, and also mends what was
    written meanwhile; nothing is written to a replica.)"""

    RETRY_SECONDS = 10

    def __init__(self):
        self.retry_at = 0.0
        self.away = False

    def answers(self) -> bool:
        if time.monotonic() < self.retry_at:
            return False
        replica = connections[REPLICA]
        try:
            replica.close_if_health_check_failed()
            replica.ensure_connection()
        except DatabaseError as error:
            self.retry_at = time.monotonic() + self.RETRY_SECONDS
            if not self.away:
                logger.error("read replica unavailable, reading from the primary: %s", error)
            self.away = True
            return False
        if self.away:
            logger.warning("read replica available again")
            self.away = False
        return True


replica_health = ReplicaHealth()


def replica_configured() -> bool:
    """Whether reads may go to a replica: the router is installed (``DATABASE_REPLICA_URL``)."""
    return f"{__name__}.ReplicaRouter" in settings.DATABASE_ROUTERS


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        if not _replica_reads.get() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS  # inside a transaction, read what it wrote
        if not replica_health.answers():
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica is a copy of the primary: the same rows, the same keys

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS  # the replica receives the schema by replication
