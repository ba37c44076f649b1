"""A PostgreSQL read replica for the views that ask for it; everything else on the primary.

settings.py installs :class:`ReplicaRouter` when DATABASE_REPLICA_URL is set (docs/scaling.md).
Only code running under :func:`replica_reads` (views decorated with :func:`reads_from_replica`:
the report, the risk list, and their downloads) reads from the replica. There, a page may lag the
primary by the replication delay, usually under a second; the report reads counts that are
refreshed every 5 minutes anyway. Every write goes to the primary, and so does every read
elsewhere, so that a person's page always shows what was just recorded.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.db import DEFAULT_DB_ALIAS, connections

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


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        if not _replica_reads.get() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS  # inside a transaction, read what it wrote
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica is a copy of the primary: the same rows, the same keys

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS  # the replica receives the schema by replication
