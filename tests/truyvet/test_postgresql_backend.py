"""The site's PostgreSQL backend (truyvet/postgresql/base.py): a connection kept between
requests is checked without a round trip while nothing has happened to it, and with Django's
``SELECT 1`` when the server has said something or the connection is not idle."""

import time

import pytest
from django.db import connection
from django.db.backends.postgresql import base as django_postgresql

from truyvet.postgresql.base import has_something_to_read

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's backend; CI runs these on it"
    ),
    pytest.mark.django_db(transaction=True),  # the connection idle between "requests"
]


@pytest.fixture
def select_one(monkeypatch) -> list[str]:
    """The aliases Django's own check (``SELECT 1``) was run for."""
    checked = []
    django_check = django_postgresql.DatabaseWrapper.is_usable

    def spy(self):
        checked.append(self.alias)
        return django_check(self)

    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "is_usable", spy)
    return checked


def check_as_a_request_starts() -> None:
    """What Django does before a request's first query, on a connection kept from the last."""
    connection.health_check_done = False
    connection.close_if_health_check_failed()


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def from_another_session(sql: str, params: list) -> None:
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        other.close()


def until_the_socket_has_something() -> None:
    deadline = time.monotonic() + 5
    while not has_something_to_read(connection.connection.fileno()):
        assert time.monotonic() < deadline, "the server sent nothing"
        time.sleep(0.01)


def test_a_connection_nothing_happened_to_is_kept_without_a_query(select_one):
    pid = backend_pid()
    check_as_a_request_starts()
    assert select_one == []
    assert backend_pid() == pid


def test_a_connection_the_server_ended_is_replaced_before_the_requests_query(select_one):
    pid = backend_pid()
    from_another_session("SELECT pg_terminate_backend(%s)", [pid])
    until_the_socket_has_something()

    check_as_a_request_starts()

    assert select_one == ["default"]
    assert connection.connection is None  # closed, as Django closes one that fails its check
    assert backend_pid() != pid  # the request's query runs on a new connection


def test_a_connection_the_server_only_spoke_on_is_checked_and_kept(select_one):
    pid = backend_pid()
    with connection.cursor() as cursor:
        cursor.execute("LISTEN truyvet_health_check")
    try:
        from_another_session("NOTIFY truyvet_health_check", [])
        until_the_socket_has_something()

        check_as_a_request_starts()

        assert select_one == ["default"]
        assert backend_pid() == pid
    finally:
        with connection.cursor() as cursor:
            cursor.execute("UNLISTEN *")


def test_a_connection_left_in_a_transaction_is_checked_with_a_query(select_one):
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
    try:
        check_as_a_request_starts()
        assert select_one == ["default"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ROLLBACK")


def test_with_psycopg_3_django_checks_as_it_would(select_one, monkeypatch):
    backend_pid()
    monkeypatch.setattr(django_postgresql, "is_psycopg3", True)
    check_as_a_request_starts()
    assert select_one == ["default"]
