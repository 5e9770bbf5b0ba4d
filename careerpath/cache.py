"""Django's Redis cache, reusing one client per connection pool.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` object for every cache call; with
redis-py 8 that constructor costs about 0.6 ms of Python, more than the round trip to Redis. A
`redis.Redis` is safe to share between threads (it takes connections from its pool), so one per
pool is enough. Everything else is Django's backend unchanged.
"""

from django.core.cache.backends import redis


class ReusingRedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
