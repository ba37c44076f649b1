"""The database settings: the site's connections, and what the migrations give PostgreSQL."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.db.utils import ConnectionHandler

ROOT = Path(__file__).resolve().parents[2]

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


def databases_from_settings(**environment: str) -> dict:
    """settings.DATABASES as truyvet/settings.py builds it in this environment."""
    code = "import json, django; django.setup(); from django.conf import settings as s; "
    code += "print(json.dumps(s.DATABASES))"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "truyvet.settings", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, **environment},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def silent_server():
    """A port that takes connections and never answers, as a database server that has hung or
    a network that drops its packets; closed after 30 s, so that nothing waits for ever."""
    listener = socket.create_server(("127.0.0.1", 0))
    timer = threading.Timer(30, listener.close)
    timer.start()
    yield listener.getsockname()[1]
    timer.cancel()
    listener.close()


def test_a_database_that_does_not_answer_fails_the_connection_in_seconds(
    silent_server, django_db_blocker
):
    url = f"postgres://truyvet@127.0.0.1:{silent_server}/truyvet"
    databases = databases_from_settings(DATABASE_URL=url, DATABASE_REPLICA_URL=url)
    assert databases["default"]["OPTIONS"]["connect_timeout"] == 5
    assert databases["replica"]["OPTIONS"]["connect_timeout"] == 5
    site = ConnectionHandler({"default": databases["default"]})
    started = time.monotonic()

    with django_db_blocker.unblock(), pytest.raises(OperationalError, match="timeout expired"):
        site["default"].ensure_connection()  # the friendly 503 page's error

    assert time.monotonic() - started < 10  # not libpq's wait for the network, minutes long


def test_a_connect_timeout_in_the_database_address_wins():
    url = "postgres://truyvet@127.0.0.1:5432/truyvet?connect_timeout=20"
    databases = databases_from_settings(DATABASE_URL=url, DB_CONNECT_TIMEOUT="3")
    assert databases["default"]["OPTIONS"]["connect_timeout"] == 20


def test_the_site_uses_its_own_postgresql_backend_for_both_databases():
    """Django's, with a health check that needs no round trip (truyvet/postgresql/base.py)."""
    url = "postgres://truyvet@127.0.0.1:5432/truyvet"
    databases = databases_from_settings(DATABASE_URL=url, DATABASE_REPLICA_URL=url)
    assert databases["default"]["ENGINE"] == "truyvet.postgresql"
    assert databases["replica"]["ENGINE"] == "truyvet.postgresql"
    assert databases["default"]["CONN_HEALTH_CHECKS"] is True
    sqlite = databases_from_settings(DATABASE_URL="sqlite:///truyvet-test.sqlite3")
    assert sqlite["default"]["ENGINE"] == "django.db.backends.sqlite3"
