"""Past one server: a read replica for the report and the risk list, Redis shared by app servers.

The replica here is a second alias of the test database (TEST MIRROR): the same rows through
another connection, so that each query shows which alias it went to. Collecting this module adds
the alias (a mirror creates no database); the router is installed only inside these tests, so
the rest of the suite runs as on one database.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.cache import CacheHandler
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.test.utils import CaptureQueriesContext
from django_ratelimit.core import is_ratelimited

from declarations.models import Declaration, Person
from tests.conftest import REDIS_TEST_URL, needs_redis
from truyvet.db_router import REPLICA, ReplicaRouter, replica_health, replica_reads

ROOT = Path(__file__).resolve().parents[2]
ROUTER = "truyvet.db_router.ReplicaRouter"

if REPLICA not in django_settings.DATABASES:  # unless DATABASE_REPLICA_URL made one already
    django_settings.DATABASES[REPLICA] = {
        **connections[DEFAULT_DB_ALIAS].settings_dict,
        "TEST": {**connections[DEFAULT_DB_ALIAS].settings_dict["TEST"], "MIRROR": "default"},
    }

both_databases = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])


@pytest.fixture
def router(settings):
    settings.DATABASE_ROUTERS = [ROUTER]


@pytest.fixture
def queries():
    """What each alias runs during the test: {"default": context, "replica": context}."""
    captured = {
        alias: CaptureQueriesContext(connections[alias]) for alias in (DEFAULT_DB_ALIAS, REPLICA)
    }
    for context in captured.values():
        context.__enter__()
    yield captured
    for context in captured.values():
        context.__exit__(None, None, None)


def sql_of(context: CaptureQueriesContext, since: int = 0) -> str:
    return "\n".join(query["sql"] for query in context.captured_queries[since:])


def writes_an_audit_entry(sql: str) -> bool:
    """Whether ``sql`` inserts an audit entry: as written, or through the statement that
    PostgreSQL prepared at the first one on this connection (``truyvet.inserts``), in whichever
    test came first."""
    return 'INSERT INTO "accounts_auditentry"' in sql or "truyvet_insert_accounts_auditentry" in sql


# -- the router itself ----------------------------------------------------------------------------


@both_databases  # the router checks that the replica answers
def test_reads_go_to_the_replica_only_inside_replica_reads():
    router = ReplicaRouter()
    assert router.db_for_read(Declaration) == DEFAULT_DB_ALIAS
    with replica_reads():
        assert router.db_for_read(Declaration) == REPLICA
        assert router.db_for_write(Declaration) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Declaration) == DEFAULT_DB_ALIAS


def test_sessions_and_lockouts_are_always_read_from_the_primary():
    from axes.models import AccessAttempt
    from django.contrib.sessions.models import Session

    with replica_reads():
        assert ReplicaRouter().db_for_read(Session) == DEFAULT_DB_ALIAS
        assert ReplicaRouter().db_for_read(AccessAttempt) == DEFAULT_DB_ALIAS


def test_only_the_primary_is_migrated_and_relations_span_both():
    router = ReplicaRouter()
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "declarations") is True
    assert router.allow_migrate(REPLICA, "declarations") is False
    assert router.allow_relation(Person(), Declaration()) is True


@pytest.mark.django_db
def test_inside_a_transaction_reads_stay_on_the_primary():
    with replica_reads(), transaction.atomic():
        assert ReplicaRouter().db_for_read(Declaration) == DEFAULT_DB_ALIAS


# -- the views, on a second alias of the test database -----------------------------------------


@both_databases
def test_the_report_reads_from_the_replica_and_writes_its_audit_to_the_primary(
    client, leader, router, queries
):
    client.force_login(leader)
    after_login = len(queries["default"])
    response = client.get("/bao-cao/", {"format": "csv"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    on_primary, on_replica = sql_of(queries["default"], after_login), sql_of(queries[REPLICA])
    assert "reports_dailycount" in on_replica
    assert "reports_dailycount" not in on_primary
    assert writes_an_audit_entry(on_primary)
    assert "INSERT" not in on_replica
    # the session, the user and their rights are read on the primary, before the view
    assert "django_session" in on_primary and "auth_user" in on_primary
    assert "django_session" not in on_replica and "auth_user" not in on_replica


@both_databases
def test_the_risk_list_and_its_download_read_from_the_replica(
    client, health_worker, make_declaration, router, queries
):
    make_declaration(symptoms=["fever"])
    client.force_login(health_worker)
    page = client.get("/y-te/")
    assert page.status_code == 200
    assert "Lò Văn Minh" in page.content.decode()  # read through the replica
    download = client.get("/y-te/", {"format": "xlsx"})
    assert download.status_code == 200
    replica_sql = sql_of(queries[REPLICA])
    assert replica_sql.count('FROM "declarations_person"') >= 2
    assert "INSERT" not in replica_sql and "UPDATE" not in replica_sql
    assert writes_an_audit_entry(sql_of(queries["default"]))


@pytest.fixture
def replica_away(monkeypatch):
    """The replica's connection cannot be opened, as with the replica stopped."""
    monkeypatch.setattr(replica_health, "retry_at", 0.0)  # as found, and so restored after
    monkeypatch.setattr(replica_health, "away", False)
    refused = OperationalError("connection to server at 10.0.0.13 failed: Connection refused")
    with monkeypatch.context() as patch:
        patch.setattr(connections[REPLICA], "ensure_connection", mock.Mock(side_effect=refused))
        yield


@both_databases
def test_while_the_replica_does_not_answer_its_pages_read_from_the_primary(
    client, health_worker, leader, make_declaration, router, queries, replica_away, caplog
):
    make_declaration(symptoms=["fever"])
    client.force_login(health_worker)

    page = client.get("/y-te/")

    assert page.status_code == 200
    assert len(page.context["rows"]) == 1
    client.force_login(leader)
    assert client.get("/bao-cao/").status_code == 200
    assert len(queries[REPLICA]) == 0
    assert connections[REPLICA].ensure_connection.call_count == 1  # not tried again meanwhile
    assert "read replica unavailable, reading from the primary" in caplog.text


@both_databases
def test_healthz_says_when_the_replica_does_not_answer_and_stays_200(client, router, replica_away):
    response = client.get("/healthz")

    assert response.status_code == 200  # the site serves: its pages read the primary meanwhile
    assert response.content.decode() == "ok\nread replica unavailable\n"


@both_databases
def test_healthz_says_ok_alone_while_the_replica_answers(client, router):
    assert client.get("/healthz").content.decode() == "ok\n"


@both_databases
def test_once_the_replica_answers_again_its_pages_read_from_it(monkeypatch, caplog):
    monkeypatch.setattr(replica_health, "retry_at", 0.0)
    monkeypatch.setattr(replica_health, "away", False)
    refused = OperationalError("connection refused")
    with monkeypatch.context() as patch, replica_reads():
        patch.setattr(connections[REPLICA], "ensure_connection", mock.Mock(side_effect=refused))
        assert ReplicaRouter().db_for_read(Declaration) == DEFAULT_DB_ALIAS

    replica_health.retry_at = 0.0  # the retry time comes

    with replica_reads():
        assert ReplicaRouter().db_for_read(Declaration) == REPLICA
    assert "read replica available again" in caplog.text


@both_databases
def test_pages_not_marked_read_from_the_primary(client, officer, citizen, router, queries):
    client.force_login(officer)
    assert client.get(f"/c/{citizen.lookup_code}/").status_code == 200
    assert client.get("/chot/", {"q": citizen.lookup_code}).status_code in (200, 302)
    assert len(queries["default"]) > 0
    assert len(queries[REPLICA]) == 0


# -- Redis: several app servers behave as one -------------------------------------------------


def caches_from_settings(tmp_path, redis_url: str) -> dict:
    """settings.CACHES as truyvet/settings.py builds it with REDIS_URL set."""
    code = "import json, django; django.setup(); from django.conf import settings as s; "
    code += "print(json.dumps(s.CACHES))"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "truyvet.settings",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "REDIS_URL": redis_url,
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_two_app_servers_share_the_look_up_limit_through_redis(tmp_path, rf):
    """Two servers, each with its own cache client, count the same look-up attempts."""
    needs_redis()
    config = caches_from_settings(tmp_path, REDIS_TEST_URL)
    config["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"  # this run's keys; they expire
    servers = [CacheHandler(config), CacheHandler(config)]  # two processes' connection pools
    allowed = []
    try:
        for attempt in range(4):
            request = rf.post("/tra-cuu/", REMOTE_ADDR="203.0.113.9")
            with mock.patch("django_ratelimit.core.caches", servers[attempt % 2]):
                limited = is_ratelimited(
                    request, group="lookup-address", key="ip", rate="3/m", increment=True
                )
            allowed.append(not limited)
    finally:
        for server in servers:
            server.close_all()
    assert allowed == [True, True, True, False]  # A, B, A allowed; the 4th, on B, refused


def test_the_redis_cache_keeps_one_client_per_connection_pool(tmp_path):
    """Django's own backend builds a Redis client for every operation; ours keeps it."""
    needs_redis()
    config = caches_from_settings(tmp_path, REDIS_TEST_URL)
    config["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    handler = CacheHandler(config)
    try:
        cache = handler["default"]
        cache.set("count", 1, 60)
        assert cache.incr("count") == 2
        assert cache.get("count") == 2
        clients = {id(cache._cache.get_client(write=write)) for write in (True, False, True)}
        assert len(clients) == 1
    finally:
        handler.close_all()
