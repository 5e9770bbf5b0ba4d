"""The Redis cache backend: Redis as an optimisation that may fail, never a dependency.

- The backend is django-redis (one client per server, reused between calls). `IGNORE_EXCEPTIONS`
  turns a Redis that is down, slow or restarting into cache misses; socket timeouts bound each call.
- `RedisCache` makes every key expire: a timeout of `None` ("keep forever") becomes
  `OPTIONS["MAX_TIMEOUT"]`. It overrides public methods only.
- The connection classes stop a slow or dead Redis from costing a timeout on every call: after one
  failure, the process skips Redis for `RETRY_AFTER` seconds (calls fail at once, i.e. miss), then
  tries again, so caching resumes by itself.
- `OncePerInterval` keeps the outage's log to one traceback a minute.
"""

import logging
import threading
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django_redis.cache import RedisCache as DjangoRedisCache

RETRY_AFTER = 5.0  # seconds without trying Redis after a failure


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        options = params.get("OPTIONS", {})
        scheme = str(server).split("://", 1)[0]
        pool_kwargs = {"connection_class": CONNECTION_CLASSES[scheme], **options.get("CONNECTION_POOL_KWARGS", {})}
        params = {**params, "OPTIONS": {**options, "CONNECTION_POOL_KWARGS": pool_kwargs}}
        super().__init__(server, params)
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
    """Redis was not tried: it failed less than RETRY_AFTER seconds ago."""


_FAILURES = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class _SkipAfterFailure:
    """Mixin for a redis-py connection class: fail fast for RETRY_AFTER seconds after a failure."""

    _skip_until = 0.0  # shared by every connection of the process

    @staticmethod
    def _failed():
        _SkipAfterFailure._skip_until = time.monotonic() + RETRY_AFTER

    def connect(self, *args, **kwargs):
        if time.monotonic() < _SkipAfterFailure._skip_until:
            raise Skipped(f"Redis failed less than {RETRY_AFTER:.0f} s ago; not trying it yet")
        try:
            return super().connect(*args, **kwargs)
        except Skipped:
            raise
        except _FAILURES:
            self._failed()
            raise

    def send_packed_command(self, *args, **kwargs):
        try:
            return super().send_packed_command(*args, **kwargs)
        except Skipped:
            raise
        except _FAILURES:
            self._failed()
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except Skipped:
            raise
        except _FAILURES:
            self._failed()
            raise


class Connection(_SkipAfterFailure, redis.connection.Connection):
    pass


class SSLConnection(_SkipAfterFailure, redis.connection.SSLConnection):
    pass


class UnixDomainSocketConnection(_SkipAfterFailure, redis.connection.UnixDomainSocketConnection):
    pass


CONNECTION_CLASSES = {"redis": Connection, "rediss": SSLConnection, "unix": UnixDomainSocketConnection}
