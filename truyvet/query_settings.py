"""A PostgreSQL setting for one query alone, sent with it.

``SELECT set_config(name, value, true); <query>`` goes to PostgreSQL as one query string, which
it runs as one transaction: the setting is local to it (``true``), and the connection's next
queries run as the server is set. Inside a transaction the setting would last to the end of that
transaction, so there (and on other databases) the query is sent without it.

Used for the audit entry's commit without waiting for the disk (``truyvet.inserts``) and for the
cost of a random read when a place's overdue list finds its keys (``tracing.risk_views``).
"""

from django.db.backends.base.base import BaseDatabaseWrapper


def for_one_query(connection: BaseDatabaseWrapper, name: str, value: str) -> str | None:
    """The text to put before a query so that ``name`` is ``value`` for that query alone, or
    None where the query must be sent as it is (not PostgreSQL, or inside a transaction). Only
    names and values written in the code: they are put in the SQL as they are."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    return f"SELECT set_config('{name}', '{value}', true); "
