"""The Redis cache backend: Redis as an optimisation that may fail, never a dependency.

Each part, and why it is there (docs/reliability.md):

- django-redis is the backend (one client per server, reused between calls). `IGNORE_EXCEPTIONS`
  turns a Redis that is down, slow or restarting into cache misses.
- redis-py's own options bound each call: a connect timeout and a socket timeout (settings
  CACHE_SOCKET_*), and no retry: a second try of a hanging Redis would only double the wait. No
  health checks either: the connection pool already replaces a connection the server closed (a
  Redis restart) when it hands it out, without a PING.
- A circuit breaker per Redis server, from the `circuitbreaker` library, stops a dead or hanging
  Redis from costing a timeout on every call, which timeouts alone cannot do: after one failure the
  process skips that Redis for RETRY_AFTER seconds (calls fail at once, i.e. miss), then lets calls
  try it again, so caching resumes by itself. `circuitbreaker` rather than `pybreaker`: pybreaker
  holds a lock around each guarded call, which would serialise the Redis calls of a threaded worker;
  circuitbreaker takes none, and a race between threads costs at most one more try. It is plugged in
  through django-redis's REDIS_CLIENT_CLASS option: `Redis` sends each command and each pipeline
  through the breaker, overriding redis-py's public `execute_command`, `pipeline` and `execute`.
- `RedisCache` makes every key expire: a timeout of `None` ("keep forever") becomes
  `OPTIONS["MAX_TIMEOUT"]`, and it sets the options above. It overrides public methods only.
- `OncePerInterval` keeps the outage's log to one traceback a minute.
"""

import logging
import threading
import time

import redis
from circuitbreaker import CircuitBreaker
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django_redis.cache import RedisCache as DjangoRedisCache
from redis.backoff import NoBackoff
from redis.retry import Retry

RETRY_AFTER = 5.0  # seconds without trying a Redis after it failed
FAILURES = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        options = params.get("OPTIONS", {})
        pool_kwargs = {"retry": Retry(NoBackoff(), 0), **options.get("CONNECTION_POOL_KWARGS", {})}
        options = {"REDIS_CLIENT_CLASS": "careerpath.cache.Redis", **options, "CONNECTION_POOL_KWARGS": pool_kwargs}
        super().__init__(server, {**params, "OPTIONS": options})
        self.max_timeout = options.get("MAX_TIMEOUT", 86400)

    def _bounded(self, timeout):
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        if timeout is None or timeout > self.max_timeout:
            return self.max_timeout
        return timeout

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, *args, **kwargs):
        return super().set(key, value, self._bounded(timeout), *args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, *args, **kwargs):
        return super().add(key, value, self._bounded(timeout), *args, **kwargs)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, *args, **kwargs):
        return super().set_many(data, self._bounded(timeout), *args, **kwargs)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, *args, **kwargs):
        return super().touch(key, self._bounded(timeout), *args, **kwargs)


class OncePerInterval(logging.Filter):
    """Let one record through per `seconds`; the next one says how many were held back.

    For django-redis's "Exception ignored" records: with Redis down, every request would log a
    traceback; one a minute says the same.
    """

    def __init__(self, seconds=60, name=""):
        super().__init__(name)
        self.seconds = seconds
        self._lock = threading.Lock()
        self._next = 0.0
        self._held = 0

    def filter(self, record):
        now = time.monotonic()
        with self._lock:
            if now < self._next:
                self._held += 1
                return False
            self._next = now + self.seconds
            held, self._held = self._held, 0
        if held:
            record.msg = f"{record.msg} ({held} more in the last {self.seconds} s not logged)"
        return True


class Skipped(redis.exceptions.ConnectionError):
    """Redis was not tried: it failed less than RETRY_AFTER seconds ago (django-redis counts a miss)."""


_breakers = {}  # (host, port, socket path) → the process's breaker for that Redis server


def _breaker(pool):
    kwargs = pool.connection_kwargs
    server = (kwargs.get("host"), kwargs.get("port"), kwargs.get("path"))
    if server not in _breakers:
        _breakers[server] = CircuitBreaker(
            failure_threshold=1, recovery_timeout=RETRY_AFTER, expected_exception=FAILURES, name=f"Redis {server}"
        )
    return _breakers[server]


def _guarded(pool, send, *args, **kwargs):
    """`send(*args, **kwargs)` through the breaker of the pool's server."""
    breaker = _breaker(pool)
    if breaker.opened:
        raise Skipped(f"{breaker.name} failed; not trying it again for {breaker.open_remaining} s")
    return breaker.call(send, *args, **kwargs)


class Pipeline(redis.client.Pipeline):
    def execute(self, raise_on_error=True):
        return _guarded(self.connection_pool, super().execute, raise_on_error)


class Redis(redis.Redis):
    """redis-py's client, each command and pipeline through the circuit breaker of its server."""

    def execute_command(self, *args, **options):
        return _guarded(self.connection_pool, super().execute_command, *args, **options)

    def pipeline(self, transaction=True, shard_hint=None):
        return Pipeline(self.connection_pool, self.response_callbacks, transaction, shard_hint)
