"""The database settings the migrations give PostgreSQL."""

import pytest
from django.db import connection

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL settings; CI runs these on PostgreSQL"
)


@on_postgresql
@pytest.mark.django_db
def test_the_sites_database_compiles_no_query_to_machine_code():
    """A session opened on the database after the migrations has JIT off: compiling a staff
    page's query cost more than running it (declarations.0016)."""
    fresh = connection.get_new_connection(connection.get_connection_params())
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
    finally:
        fresh.close()


@on_postgresql
@pytest.mark.django_db
@pytest.mark.parametrize(
    "table", ["declarations_person", "declarations_declaration", "tracing_followup"]
)
def test_autovacuum_looks_after_the_busiest_tables_sooner(table):
    """People, declarations and follow-ups are vacuumed and analysed after 2% of their rows
    changed, so that the lists' index-only reads stay index-only (declarations.0018)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [table])
        options = set(cursor.fetchone()[0] or [])
    assert {
        "autovacuum_vacuum_scale_factor=0.02",
        "autovacuum_vacuum_insert_scale_factor=0.02",
        "autovacuum_analyze_scale_factor=0.02",
    } <= options
