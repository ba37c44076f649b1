"""``truyvet.prepared``: a query is prepared once per PostgreSQL session and then only executed;
sent whole on SQLite and behind PgBouncer in transaction mode (DISABLE_SERVER_SIDE_CURSORS)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from psycopg2.extras import Json

from truyvet import prepared

SLOT = -7_340_461_953
QUERY = ("SELECT %s + 1, %s", [SLOT, "tên"])
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no PREPARE; CI runs this on PostgreSQL"
)


def sent(context: CaptureQueriesContext) -> list[str]:
    return [query["sql"].split(" (")[0].split(" AS ")[0] for query in context.captured_queries]


@on_postgresql
def test_a_query_is_prepared_once_per_session_then_executed(db):
    with CaptureQueriesContext(connection) as context:
        first = prepared.fetchone(connection, "test_plus_one", QUERY, 41, slot=SLOT)
        second = prepared.fetchone(connection, "test_plus_one", QUERY, 1, slot=SLOT)
    assert (first, second) == ((42, "tên"), (2, "tên"))
    assert sent(context) == [
        "PREPARE test_plus_one",
        "EXECUTE test_plus_one",
        "EXECUTE test_plus_one",
    ]


@on_postgresql
def test_a_new_connection_prepares_it_again(transactional_db):
    prepared.fetchone(connection, "test_again", QUERY, 1, slot=SLOT)
    connection.close()
    with CaptureQueriesContext(connection) as context:
        assert prepared.fetchone(connection, "test_again", QUERY, 2, slot=SLOT) == (3, "tên")
    assert sent(context) == ["PREPARE test_again", "EXECUTE test_again"]


def test_it_is_sent_whole_where_it_cannot_be_prepared(db, pgbouncer):
    with CaptureQueriesContext(connection) as context:
        assert prepared.fetchone(connection, "test_whole", QUERY, 41, slot=SLOT) == (42, "tên")
    assert [query["sql"] for query in context.captured_queries] == ["SELECT 41 + 1, 'tên'"]


@on_postgresql
def test_a_query_must_hold_the_slot_exactly_once(db):
    with pytest.raises(ValueError, match="exactly once"):
        prepared.fetchone(connection, "test_twice", ("SELECT %s, %s", [SLOT, SLOT]), 1, slot=SLOT)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_person_page_prepares_the_deletion_date_once(client, officer, citizen):
    client.force_login(officer)
    connection.close()  # a session that has not prepared it yet
    with CaptureQueriesContext(connection) as context:
        for _ in range(2):
            assert client.get(citizen.staff_path).status_code == 200
    statements = [s for s in sent(context) if "truyvet_deletion_date" in s]
    assert statements == [
        "PREPARE truyvet_deletion_date",
        "EXECUTE truyvet_deletion_date",
        "EXECUTE truyvet_deletion_date",
    ]


INSERT = "INSERT INTO test_rows (day, answers, note) VALUES (%s, %s, %s) RETURNING id, day, note"


@pytest.fixture
def test_rows(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE test_rows (id serial, day date, answers jsonb, note text)"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE test_rows")


@on_postgresql
def test_a_statement_with_every_value_a_parameter_is_prepared_once(test_rows):
    values = [dt.date(2021, 5, 10), Json(["cough"]), None]
    with CaptureQueriesContext(connection) as context:
        first = prepared.first_row(connection, "test_insert", INSERT, values)
        second = prepared.first_row(connection, "test_insert", INSERT, [None, Json([]), "tên"])
    assert (first, second) == ((1, dt.date(2021, 5, 10), None), (2, None, "tên"))
    assert sent(context) == ["PREPARE test_insert", "EXECUTE test_insert", "EXECUTE test_insert"]


def test_a_statement_is_sent_whole_where_it_cannot_be_prepared(db, pgbouncer):
    with CaptureQueriesContext(connection) as context:
        row = prepared.first_row(connection, "test_whole_row", "SELECT %s, %s", [1, "tên"])
    assert row == (1, "tên")
    assert [query["sql"] for query in context.captured_queries] == ["SELECT 1, 'tên'"]
