"""Redis away: the site serves without it, and mends what it wrote meanwhile (truyvet.cache)."""

import contextlib
import socket
import uuid

import pytest
import redis
from django.conf import settings as django_settings
from redis._parsers import _HiredisParser

from declarations.models import Declaration
from tests.conftest import REDIS_TEST_URL, form_data, needs_redis
from truyvet.cache import Outage, ReusingRedisCache

# The emptying test clears a whole Redis database: one no other test uses.
REDIS_EMPTIED_URL = REDIS_TEST_URL.rsplit("/", 1)[0] + "/14"
LOOKUP_PAUSED = "Việc tra cứu tờ khai tạm dừng trong vài phút."


def refused_url() -> str:
    """A Redis address where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def redis_cache(location: str) -> ReusingRedisCache:
    options = {"socket_connect_timeout": 2, "socket_timeout": 2}
    return ReusingRedisCache(location, {"OPTIONS": options, "KEY_PREFIX": uuid.uuid4().hex})


@contextlib.contextmanager
def redis_away(monkeypatch):
    """Every Redis command fails as with Redis stopped, until the block ends."""
    with monkeypatch.context() as patch:
        gone = redis.exceptions.ConnectionError("Error 111 connecting. Connection refused.")
        patch.setattr(redis.ConnectionPool, "get_connection", mock_raising(gone))
        yield


def mock_raising(error):
    def command(*_args, **_kwargs):
        raise error

    return command


def retry_time_comes(cache: ReusingRedisCache) -> None:
    cache._cache.outage.retry_at = 0


# -- the backend ------------------------------------------------------------------------------


def test_redis_answers_are_parsed_by_hiredis():
    """Each staff page reads Redis three to four times (the session, the account, the limits on
    guessing codes): hiredis parses the answers in C, where redis-py's own parser spends Python
    (a command took 0.10 ms instead of 0.12 in one process, docs/performance.md)."""
    needs_redis()
    cache = redis_cache(REDIS_TEST_URL)
    cache.set("parsed", {"by": "hiredis"})
    client = cache._cache.get_client("parsed")
    connection = client.connection_pool.get_connection()
    try:
        assert isinstance(connection._parser, _HiredisParser)
    finally:
        client.connection_pool.release(connection)
    assert cache.get("parsed") == {"by": "hiredis"}


def test_without_redis_reads_miss_and_writes_are_dropped():
    cache = redis_cache(refused_url())

    assert cache.get("key", "default") == "default"
    assert cache.get_many(["key", "other"]) == {}
    assert not cache.has_key("key")
    assert not cache.add("key", 1)
    cache.set("key", 1)
    assert cache.set_many({"key": 1}) == []
    assert not cache.delete("key")
    cache.delete_many(["key"])
    assert not cache.touch("key")
    with pytest.raises(ValueError, match="not counted"):  # django-ratelimit: cannot count
        cache.incr("key")
    assert not cache.available


def test_while_redis_is_away_no_command_tries_it_until_the_retry_time(monkeypatch):
    cache = redis_cache(refused_url())
    tried = []
    command = redis.Redis.execute_command
    monkeypatch.setattr(
        redis.Redis, "execute_command", lambda *args, **kw: tried.append(1) or command(*args, **kw)
    )

    cache.get("first")
    cache.get("second")
    cache.set("third", 3)
    assert len(tried) == 1  # the first found it away; the others did not try
    assert cache._cache.outage.retry_at > 0

    retry_time_comes(cache)
    cache.get("fourth")
    assert len(tried) == 2
    assert not cache.available


def test_the_keys_written_while_redis_was_away_are_dropped_once_it_answers(monkeypatch):
    needs_redis()
    cache = redis_cache(REDIS_TEST_URL)
    cache.set("session", "logged in", 60)
    cache.set("account", "active", 60)
    cache.set("unrelated", "kept", 60)

    with redis_away(monkeypatch):
        cache.delete("session")  # logged out meanwhile
        cache.set("account", "deactivated", 60)  # and read again from the database
        assert cache.get("unrelated") is None  # a miss meanwhile
        assert not cache.available

    retry_time_comes(cache)
    assert cache.get("session") is None  # not the session from before the outage
    assert cache.get("account") is None
    assert cache.get("unrelated") == "kept"
    assert cache.available


def test_past_the_keys_it_can_remember_the_cache_is_emptied_once_redis_answers(monkeypatch):
    needs_redis(REDIS_EMPTIED_URL)
    monkeypatch.setattr(Outage, "MISSED_LIMIT", 2)
    cache = redis_cache(REDIS_EMPTIED_URL)
    cache.set("before", "old", 60)

    with redis_away(monkeypatch):
        cache.set_many({"one": 1, "two": 2, "three": 3}, 60)

    retry_time_comes(cache)
    assert cache.get("before") is None
    assert cache.available


def test_after_a_long_outage_the_cache_is_emptied_once_redis_answers(monkeypatch):
    """Workers restarted during it took the keys they wrote with them."""
    needs_redis(REDIS_EMPTIED_URL)
    cache = redis_cache(REDIS_EMPTIED_URL)
    cache.set("written-by-a-worker-restarted-since", "old", 60)

    with redis_away(monkeypatch):
        cache.set("session", "new", 60)
    outage = cache._cache.outage
    outage.since -= Outage.LONG_SECONDS + 1  # more than a blip

    retry_time_comes(cache)
    assert cache.get("written-by-a-worker-restarted-since") is None
    assert cache.available


# -- the site ---------------------------------------------------------------------------------


@pytest.fixture
def redis_stopped(settings):
    """The site's shared cache is a Redis where nothing listens."""
    options = {"socket_connect_timeout": 2, "socket_timeout": 2}
    default = {"BACKEND": "truyvet.cache.ReusingRedisCache", "LOCATION": refused_url()}
    settings.CACHES = {**django_settings.CACHES, "default": {**default, "OPTIONS": options}}


def test_without_redis_citizens_open_pages_and_declare(client, places, redis_stopped):
    for path in ("/", "/quyen-rieng-tu/", "/khai-bao/", "/tra-cuu/", "/dang-nhap/"):
        assert client.get(path).status_code == 200, path

    sent = client.post("/khai-bao/", form_data())

    assert sent.status_code == 302
    assert client.get(sent["Location"]).status_code == 200  # the success page, with the code
    assert Declaration.objects.count() == 1


def test_without_redis_the_look_up_is_paused_as_its_failures_cannot_be_counted(
    client, citizen, redis_stopped
):
    response = client.post("/tra-cuu/", {"code": citizen.display_code, "phone_last4": "4321"})

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert LOOKUP_PAUSED in response.content.decode()


def test_without_redis_staff_log_in_and_open_their_pages(client, health_worker, redis_stopped):
    credentials = {"username": "health", "password": "correct-horse-battery"}

    assert client.post("/dang-nhap/", credentials).status_code == 302
    assert client.get("/y-te/").status_code == 200  # the session, read from the database


def test_without_redis_healthz_answers_200_and_says_so(client, db, redis_stopped):
    response = client.get("/healthz")

    assert response.status_code == 200  # the site serves: a load balancer keeps it
    assert response.content.decode() == "ok\ncache unavailable\n"


def test_with_redis_healthz_says_ok_alone(client, db, settings):
    needs_redis()
    default = {"BACKEND": "truyvet.cache.ReusingRedisCache", "LOCATION": REDIS_TEST_URL}
    settings.CACHES = {**django_settings.CACHES, "default": default}

    assert client.get("/healthz").content.decode() == "ok\n"
