"""New rows in one prepared statement: a parent and a child that points at it, or one row.

A citizen's first declaration writes a person and the declaration. Through the ORM that is a
transaction of four round trips (BEGIN, two INSERTs, COMMIT), and the Python around them cost
about three times the writes' own work. ``insert_pair`` sends one statement instead::

    WITH parent AS (INSERT INTO person (...) VALUES (...) RETURNING id)
    INSERT INTO declaration (person_id, ...) SELECT parent.id, ... FROM parent RETURNING id

PostgreSQL runs a statement atomically on its own: both rows are written or neither is. The
column lists and the values come from the models' fields, as the ORM's own INSERT takes them
(defaults, ``auto_now_add``, JSON), so a new field is written like any other.

It does not call ``Model.save()`` nor send ``pre_save``/``post_save``: the caller sets what
``save()`` would and uses it only where no receiver has anything to do
(``declarations.services.declaration_submit``). Other databases (SQLite) have no
data-modifying ``WITH``: callers ask :func:`supported` and save through the ORM there.

The statement is prepared once per database session (``truyvet.prepared``): parsing and
planning its forty values took over a third of PostgreSQL's time for it. ``insert_one`` writes
one row the same way: the audit log's entry, which nearly every staff page writes.

A row written on its own may be committed without waiting for the disk (``wait_for_disk``): the
commit returns once the row is in PostgreSQL's memory and its write-ahead log is flushed within
a fraction of a second after (``synchronous_commit = off`` for that transaction alone). Waiting
for the disk cost the audit entry of a page 1.4–2 ms at the median and 8–9 ms at the 95th
percentile on this project's machines, against 0.1–0.15 ms and 0.2–1.7 without. A crash of the
database server itself (not of the app) can then lose the rows of its last 0.6 s at most
(three times ``wal_writer_delay``), never half a row and never an earlier one.
"""

from contextlib import nullcontext
from functools import cache

from django.db import connections, router, transaction
from django.db.models import Model

from truyvet import prepared, query_settings


def supported(model: type[Model]) -> bool:
    """Whether the database that ``model`` is written to can take :func:`insert_pair`."""
    return connections[router.db_for_write(model)].vendor == "postgresql"


def insert_pair(parent: Model, child: Model, link: str) -> None:
    """Insert the unsaved ``parent`` and ``child`` (whose foreign key ``link`` is to be the
    parent) in one statement, and give both their primary keys, as ``save()`` would.

    Raises ``IntegrityError`` as ``save()`` would, having written nothing. Inside a transaction
    the statement runs in a savepoint, so that the transaction survives such an error.
    """
    using = router.db_for_write(type(parent))
    connection = connections[using]
    statement = _statement(type(parent), type(child), link, using)
    params = [
        *_values(parent, statement.parent_fields, connection),
        *_values(child, statement.child_fields, connection),
    ]
    nested = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
    with nested:
        row = prepared.first_row(connection, statement.name, statement.sql, params)
    parent.pk, child.pk = row
    setattr(child, link, parent)
    for saved in (parent, child):
        saved._state.adding = False
        saved._state.db = using


def insert_one(instance: Model, *, wait_for_disk: bool = True) -> None:
    """Insert the unsaved ``instance`` in one statement, prepared once per database session, and
    give it its primary key, as ``save(force_insert=True)`` would, without its signals: for a
    row written on nearly every page, such as the audit log's, whose INSERT the ORM compiled
    and PostgreSQL planned each time. Where the database cannot return the new key, it saves
    as usual.

    ``wait_for_disk=False``: outside a transaction, on PostgreSQL, the row's own commit does not
    wait for the disk (the module's docstring says what that risks). Inside a transaction the
    row is committed with it, as the transaction's other writes are."""
    model = type(instance)
    using = router.db_for_write(model)
    connection = connections[using]
    if not connection.features.can_return_columns_from_insert:
        instance.save(force_insert=True, using=using)
        return
    statement = _single_statement(model, using)
    params = _values(instance, statement.fields, connection)
    no_wait = None if wait_for_disk else query_settings.for_one_query(connection, *_NO_WAIT)
    (instance.pk,) = prepared.first_row(
        connection, statement.name, statement.sql, params, prefix=no_wait or ""
    )
    instance._state.adding = False
    instance._state.db = using


# For the INSERT alone (``truyvet.query_settings``): the session's next transactions wait for
# the disk again.
_NO_WAIT = ("synchronous_commit", "off")


class _SingleStatement:
    def __init__(self, model, connection):
        quote = connection.ops.quote_name
        self.fields = _insert_fields(model)
        table = model._meta.db_table
        columns = ", ".join(quote(f.column) for f in self.fields)
        self.name = f"truyvet_insert_{table}"  # prepared under this name
        # Only names from the model's metadata, quoted, are put in the text; values are parameters.
        self.sql = (
            f"INSERT INTO {quote(table)} ({columns}) "  # noqa: S608
            f"VALUES ({_placeholders(self.fields)}) RETURNING {quote(model._meta.pk.column)}"
        )


@cache
def _single_statement(model, using: str) -> _SingleStatement:
    return _SingleStatement(model, connections[using])


class _Statement:
    def __init__(self, parent_model, child_model, link: str, connection):
        quote = connection.ops.quote_name
        link_field = child_model._meta.get_field(link)
        self.parent_fields = _insert_fields(parent_model)
        self.child_fields = [f for f in _insert_fields(child_model) if f is not link_field]
        parent_pk = quote(parent_model._meta.pk.column)
        child_pk = quote(child_model._meta.pk.column)
        parent_columns = ", ".join(quote(f.column) for f in self.parent_fields)
        child_columns = ", ".join(quote(f.column) for f in self.child_fields)
        self.name = f"truyvet_pair_{child_model._meta.db_table}"  # prepared under this name
        # Only names from the models' metadata, quoted, are put in the text; values are parameters.
        self.sql = (
            f"WITH parent AS ("  # noqa: S608
            f"INSERT INTO {quote(parent_model._meta.db_table)} ({parent_columns}) "
            f"VALUES ({_placeholders(self.parent_fields)}) RETURNING {parent_pk}) "
            f"INSERT INTO {quote(child_model._meta.db_table)} "
            f"({quote(link_field.column)}, {child_columns}) "
            f"SELECT parent.{parent_pk}, {_placeholders(self.child_fields)} FROM parent "
            f"RETURNING (SELECT {parent_pk} FROM parent), {child_pk}"
        )


@cache
def _statement(parent_model, child_model, link: str, using: str) -> _Statement:
    return _Statement(parent_model, child_model, link, connections[using])


def _insert_fields(model) -> list:
    """The fields an INSERT of a new row writes: as ``Model._save_table``, all local concrete
    fields but the automatic primary key and generated columns."""
    meta = model._meta
    return [
        field
        for field in meta.local_concrete_fields
        if field is not meta.auto_field and not field.generated
    ]


def _placeholders(fields) -> str:
    return ", ".join("%s" for _field in fields)


def _values(instance: Model, fields, connection) -> list:
    """Each field's value as the ORM's INSERT sends it (``SQLInsertCompiler.as_sql``)."""
    return [
        field.get_db_prep_save(field.pre_save(instance, True), connection=connection)
        for field in fields
    ]
