"""The Redis cache backend, keeping its Redis client objects.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` object (on the same connection pool) for
every cache operation; building one costs more than the operation's own work in Python. Each
request reads the session and the epidemic zones and counts rate limits, so this backend keeps one
client per connection pool instead. A ``redis.Redis`` object is safe to share: it takes a
connection from its pool for each command.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


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
