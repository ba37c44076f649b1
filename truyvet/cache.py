"""The Redis cache backend, keeping its Redis client objects.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` object (on the same connection pool) for
every cache operation; building one costs more than the operation's own work in Python. Each
request reads the session and the epidemic zones and counts rate limits, so this backend keeps one
client per connection pool instead. A ``redis.Redis`` object is safe to share: it takes a
connection from its pool for each command.
"""

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_MISSING = object()


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with ``ReusingRedisCacheClient``."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient


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
