"""Queries prepared once per PostgreSQL session, then only executed.

For a query that takes longer to plan than to run: the person page's deletion date, with its
nine subqueries, took 2.5 ms to plan and 0.3 ms to run, on a page every officer opens. PostgreSQL
keeps a prepared statement for the life of the session (a ROLLBACK does not drop it), so each
connection prepares it on first use; a new connection prepares it again.

It is sent whole each time on SQLite, and when DISABLE_SERVER_SIDE_CURSORS is set for the
database: that is the setting for PgBouncer in transaction mode (docs/scaling.md, step 5), where
the next statement may reach another server session, which would not know the name.
"""

import weakref
from collections.abc import Callable

from django.db.backends.base.base import BaseDatabaseWrapper

# For each open psycopg2 connection, the names of the statements prepared on it.
_prepared: "weakref.WeakKeyDictionary[object, set[str]]" = weakref.WeakKeyDictionary()


def fetchone(connection: BaseDatabaseWrapper, name: str, query: tuple[str, list], value, *, slot):
    """The first row of ``query`` (SQL and parameters, as a compiler gives them), with ``value``
    for the one parameter equal to ``slot``. ``name`` names the statement in the session: one
    name for one query."""
    sql, params = query
    with connection.cursor() as cursor:
        if not preparable(connection):
            cursor.execute(sql, [value if p == slot else p for p in params])
        else:
            _prepare_once(connection, cursor, name, lambda: _slotted(cursor, name, query, slot))
            cursor.execute(f"EXECUTE {name} (%s)", [value])
        return cursor.fetchone()


def first_row(connection: BaseDatabaseWrapper, name: str, sql: str, params: list, *, prefix=""):
    """The first row of ``sql`` run with ``params`` (every value a ``%s`` parameter), prepared
    under ``name`` once per session, then only executed: for a statement run very often whose
    parsing and planning weigh on its work, such as a citizen's first declaration (two inserts
    in one statement: 0.59 ms of PostgreSQL's time sent whole, 0.37 ms prepared). ``prefix``:
    SQL without parameters sent before it in the same query (the row is the last statement's)."""
    with connection.cursor() as cursor:
        text = statement(connection, name, sql, len(params), cursor=cursor)
        cursor.execute(prefix + text, params)
        return cursor.fetchone()


def statement(
    connection: BaseDatabaseWrapper, name: str, sql: str, count: int, *, cursor=None
) -> str:
    """What to send for ``sql`` and its ``count`` parameters (every value a ``%s``): ``EXECUTE
    name (...)``, prepared under ``name`` once per session, where the database allows it;
    otherwise ``sql`` itself. ``cursor``: one the caller has open, to prepare it with."""
    if not count or not preparable(connection):
        return sql
    if cursor is None:
        with connection.cursor() as own:
            return statement(connection, name, sql, count, cursor=own)
    _prepare_once(connection, cursor, name, lambda: _numbered(sql, count))
    return f"EXECUTE {name} ({', '.join(['%s'] * count)})"


def preparable(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor == "postgresql" and not connection.settings_dict.get(
        "DISABLE_SERVER_SIDE_CURSORS"
    )


def _prepare_once(connection, cursor, name: str, text: Callable[[], str]) -> None:
    """PREPARE ``name`` AS ``text()``, unless this session has prepared it already."""
    names = _prepared.setdefault(connection.connection, set())
    if name not in names:
        cursor.execute(f"PREPARE {name} AS {text()}")
        names.add(name)


def _numbered(sql: str, count: int) -> str:
    """``sql`` with ``$1``, ``$2``... for its ``%s`` parameters."""
    return sql % tuple(f"${number}" for number in range(1, count + 1))


def _slotted(cursor, name: str, query: tuple[str, list], slot) -> str:
    """The query's text with its constants written in and ``$1`` for the slot."""
    sql, params = query
    text = cursor.mogrify(sql, params).decode()
    literal = cursor.mogrify("%s", [slot]).decode()
    if text.count(literal) != 1:
        raise ValueError(f"The query {name} does not hold {literal} exactly once.")
    return text.replace(literal, "$1")
