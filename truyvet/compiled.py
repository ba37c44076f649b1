"""Querysets compiled to SQL once per process, for the queries the busiest staff pages run on
every request.

Django compiles a queryset to SQL each time it runs. For a person's 20 latest declarations that
took 0.9 ms of the query's 2.1 ms in one process, against 0.4 ms for PostgreSQL to answer; the
person page runs four such queries. ``compiled_once`` keeps each call site's compiled query under
a name, with what Django needs to turn its rows into objects, and runs it with the new values.
On PostgreSQL it is also prepared once per session (``truyvet.prepared``), so that it is not
planned again either.

Building the queryset costs too (a filter on a related field, 0.1 ms): a call site may pass a
function that makes it, which is then called only the first time in a process; later calls run
the kept SQL through the queryset it made, on the database the router picks now.

Never for a query that needs one of its values written in the SQL: PostgreSQL plans a prepared
statement for its values five times, then may keep a generic plan made without them, and such a
plan cannot use a partial index whose condition names a value. The risk list's first page,
prepared, took that plan after five runs: with the risk level a parameter, the index of people at
risk (``person_at_risk_listed``, ``NOT risk_level = 'none'``) could not serve it, and it walked
every person newest first (25 ms instead of 0.4; docs/performance.md, thirty-second round). The
queries prepared here look one person up by a key; such a query is compiled once and sent whole
(``prepare=False``), so that PostgreSQL plans it each time for its values.

A call site's queryset must have one shape: the same SQL whatever the values. Its values must
all be parameters, passed in their order (a slice's LIMIT and OFFSET are written into the SQL,
so a page number cannot vary). The first compilation checks the values; with the setting
``COMPILED_QUERIES_VERIFY`` (on in the tests), every call compiles the queryset again and fails
if its SQL is not the kept one.
"""

import copy
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

from truyvet import prepared

# (name, database alias): the compiler of the first call, holding its SQL and its columns.
_kept: dict[tuple[str, str], SQLCompiler] = {}
# name: the queryset that a function given for it made, the first time.
_made: dict[str, QuerySet] = {}
_lock = threading.Lock()


def compiled_once(
    queryset: QuerySet | Callable[[], QuerySet],
    name: str,
    *values,
    prepare: bool = True,
    before: str = "",
) -> list:
    """The objects ``queryset`` gives, from SQL compiled once per process under ``name`` (one
    name per call site, a valid SQL identifier), run with ``values``: the queryset's parameters
    in their order. ``queryset`` may be a function that makes it: called the first time only
    (and each time when verifying). ``prepare=False``: the kept SQL is sent whole each time,
    and PostgreSQL plans it for its values (for a query that needs them, as above); ``before``
    is sent ahead of it, in the same string (a setting for that query alone:
    ``truyvet.query_settings``)."""
    if callable(queryset):
        queryset = _made_once(queryset, name)
    alias = queryset.db  # the router's choice now (a queryset made earlier has none of its own)
    kept = _kept.get((name, alias))
    if kept is None or getattr(settings, "COMPILED_QUERIES_VERIFY", False):
        kept = _compile(queryset, name, alias, values, kept)
    run = copy.copy(kept)
    run.connection = connections[alias]
    if prepare:
        run.as_sql = lambda *args, **kwargs: _statement(
            run.connection, name, kept.kept_sql, values, before
        )
    else:
        run.as_sql = lambda *args, **kwargs: (before + kept.kept_sql, values)
    queryset = queryset._chain()  # a copy of the query, which alone answers with the kept SQL
    queryset.query.get_compiler = lambda *args, **kwargs: run
    return list(queryset)


def _made_once(make: Callable[[], QuerySet], name: str) -> QuerySet:
    if getattr(settings, "COMPILED_QUERIES_VERIFY", False):
        return make()  # made again each time, for its SQL to be checked against the kept one
    made = _made.get(name)
    if made is None:
        with _lock:
            made = _made.setdefault(name, make())
    return made


def _compile(queryset, name: str, alias: str, values: tuple, kept: SQLCompiler | None):
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    if list(params) != list(values):
        raise ValueError(f"The query {name} takes {params!r}, not {values!r}.")
    if kept is not None:
        if sql != kept.kept_sql:
            raise ValueError(f"The query {name} changed shape:\n{kept.kept_sql}\n{sql}")
        return kept
    compiler.kept_sql = sql
    with _lock:
        return _kept.setdefault((name, alias), compiler)


def _statement(connection, name: str, sql: str, values: tuple, before: str) -> tuple[str, tuple]:
    return before + prepared.statement(connection, f"truyvet_q_{name}", sql, len(values)), values
