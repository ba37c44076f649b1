"""The database settings the migrations give PostgreSQL."""

import pytest
from django.db import connection

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no JIT; CI runs this on PostgreSQL"
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
