"""The Redis cache backend: keeps its Redis client objects, and serves without Redis while it is
away.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` object (on the same connection pool) for
every cache operation; building one costs more than the operation's own work in Python. Each
request reads the session and the epidemic zones and counts rate limits, so this backend keeps one
client per connection pool instead. A ``redis.Redis`` object is safe to share: it takes a
connection from its pool for each command.

Redis holds nothing the site cannot do without (``docs/deploy.md``): the sessions are in
PostgreSQL too, and everything else is drawn or counted again. With Django's backend, a stopped
or unreachable Redis made every page a server error, the privacy notice's too. Here, a command
that cannot reach Redis is an ``Outage``: reads miss, writes are dropped, and for
``Outage.RETRY_SECONDS`` no command tries Redis (an unreachable host would otherwise hold each one
for the connection timeout). The keys written meanwhile are deleted from Redis once it answers
again, so that none of them is read back older than what the site wrote (a session logged out, an
account deactivated). The rate limits then answer "cannot count": the look-up, which anyone can
use to guess codes, refuses to work until Redis is back (``declarations.views``); django-axes
still counts failed logins, in the database. django-redis's ``IGNORE_EXCEPTIONS`` drops errors
too, but neither stops trying nor mends what it dropped, and would replace Django's own backend.
"""

import logging
import time
from functools import wraps

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

_MISSING = object()
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class Outage:
    """Whether Redis answered this process's last command, and the keys written while it did
    not (at most ``MISSED_LIMIT``: past them, the whole cache is emptied once Redis is back).

    A worker restarted meanwhile (gunicorn recycles each after about 2,000 requests: a minute and
    a half at a surge's pace) takes the keys it wrote with it. So a worker that has seen the
    outage last longer than ``LONG_SECONDS`` (more than a blip: Redis stopped, restarted or cut
    off) empties the whole cache instead: it was cold or stale anyway, and the site's database
    number is its own (README, ``REDIS_URL``). Short enough that after a long outage some worker
    alive at its end has seen that much of it, even at a surge's pace."""

    RETRY_SECONDS = 5
    MISSED_LIMIT = 10_000
    LONG_SECONDS = 15

    def __init__(self):
        self.since: float | None = None  # when the outage began (time.monotonic)
        self.retry_at = 0.0
        self.missed: set[str] = set()
        self.too_many = False

    @property
    def ongoing(self) -> bool:
        return self.since is not None and time.monotonic() < self.retry_at

    def began(self, error: Exception) -> None:
        now = time.monotonic()
        if self.since is None:
            self.since = now
            logger.error("cache unavailable, serving without it: %s", error)
        self.retry_at = now + self.RETRY_SECONDS

    def written(self, keys) -> None:
        """``keys`` were written meanwhile; None: every key (the cache was cleared)."""
        if keys is not None:
            self.missed.update(keys)
        if keys is None or len(self.missed) > self.MISSED_LIMIT:
            self.missed.clear()
            self.too_many = True

    def mend(self, client: RedisCacheClient) -> None:
        """Redis answers again: forget what it holds of the keys written meanwhile."""
        lasted = time.monotonic() - self.since
        missed, empty = self.missed, self.too_many or lasted > self.LONG_SECONDS
        if empty:
            RedisCacheClient.clear(client)
        elif missed:
            RedisCacheClient.delete_many(client, list(missed))
        logger.warning(
            "cache available again after %.0f s; %s",
            lasted,
            "emptied it" if empty else f"{len(missed)} keys written meanwhile dropped",
        )
        self.since, self.missed, self.too_many = None, set(), False


def _tolerant(miss, *, writes=None):
    """A client command that, while Redis cannot be reached, gives ``miss(*args)`` (or raises
    it, if it is an exception) instead of failing; ``writes(*args)``: the keys it writes."""

    def decorate(command):
        @wraps(command)
        def tolerant(self, *args):
            outage = self.outage
            if not outage.ongoing:
                try:
                    if outage.since is not None:
                        outage.mend(self)
                    return command(self, *args)
                except UNREACHABLE as error:
                    outage.began(error)
            if writes is not None:
                outage.written(writes(*args))
            answer = miss(*args)
            if isinstance(answer, Exception):
                raise answer
            return answer

        return tolerant

    return decorate


def _key(key, *_args):
    return [key]


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self.outage = Outage()

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    get = _tolerant(lambda _key, default: default)(RedisCacheClient.get)
    get_many = _tolerant(lambda _keys: {})(RedisCacheClient.get_many)
    has_key = _tolerant(lambda _key: False)(RedisCacheClient.has_key)
    add = _tolerant(lambda *_args: False)(RedisCacheClient.add)  # an older value stays older
    touch = _tolerant(lambda *_args: False)(RedisCacheClient.touch)
    # As for a key that does not exist: django-ratelimit then answers "cannot count".
    incr = _tolerant(lambda key, _delta: ValueError(f"Key '{key}' not counted."))(
        RedisCacheClient.incr
    )
    set = _tolerant(lambda *_args: None, writes=_key)(RedisCacheClient.set)
    delete = _tolerant(lambda _key: False, writes=_key)(RedisCacheClient.delete)
    set_many = _tolerant(lambda *_args: None, writes=lambda data, _timeout: list(data))(
        RedisCacheClient.set_many
    )
    delete_many = _tolerant(lambda _keys: None, writes=lambda keys: list(keys))(
        RedisCacheClient.delete_many
    )
    clear = _tolerant(lambda: False, writes=lambda: None)(RedisCacheClient.clear)


class ReusingRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with ``ReusingRedisCacheClient``."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    @property
    def available(self) -> bool:
        """False while this process finds Redis unreachable (``Outage``)."""
        return not self._cache.outage.ongoing


def shared_cache_available() -> bool:
    """Whether the default cache answers: always for a cache in the process's memory."""
    return getattr(caches["default"], "available", True)


class TieredCache(BaseCache):
    """The process's memory in front of the shared cache, for values whose key names all they
    depend on (fragments keyed by their inputs): once drawn or read, a value is taken from
    memory, without a round trip to Redis; what one process draws, the others read once.

    OPTIONS: ``LOCAL`` and ``SHARED``, the aliases of the two caches. A value read from the
    shared cache is kept in memory for the local cache's own TIMEOUT; keyed by its inputs, it
    cannot go stale there. Deleting and clearing reach this process's memory only.
    """

    def __init__(self, location, params):
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self._local, self._shared = options["LOCAL"], options.get("SHARED", "default")

    @property
    def local(self) -> BaseCache:
        return caches[self._local]

    @property
    def shared(self) -> BaseCache:
        return caches[self._shared]

    def get(self, key, default=None, version=None):
        value = self.local.get(key, _MISSING, version=version)
        if value is _MISSING:
            value = self.shared.get(key, _MISSING, version=version)
            if value is _MISSING:
                return default
            self.local.set(key, value, version=version)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.shared.set(key, value, timeout, version=version)
        self.local.set(key, value, timeout, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        added = self.shared.add(key, value, timeout, version=version)
        if added:
            self.local.set(key, value, timeout, version=version)
        return added

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        self.local.touch(key, timeout, version=version)
        return self.shared.touch(key, timeout, version=version)

    def delete(self, key, version=None):
        self.local.delete(key, version=version)
        return self.shared.delete(key, version=version)

    def clear(self):
        self.local.clear()
