"""The names' trigram index (PostgreSQL) takes new names at once, without a pending list that
every desk search would read through (migration declarations.0009)."""

import pytest
from django.db import connection

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no trigram index; CI runs this on PostgreSQL",
)


def index_options() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'person_name_folded_trgm'")
        return cursor.fetchone()[0] or []


def pending_names() -> int:
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        cursor.execute("SELECT pending_tuples FROM pgstatginindex('person_name_folded_trgm')")
        return cursor.fetchone()[0]


@on_postgresql
def test_the_name_index_has_no_pending_list(db):
    assert "fastupdate=off" in index_options()


@on_postgresql
def test_a_new_name_goes_straight_into_the_index(make_declaration):
    make_declaration(full_name="Hoàng Thị Thuỳ Dương")
    assert pending_names() == 0
