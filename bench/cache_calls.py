"""Per-call cost of a cache get: django-redis (careerpath.cache.RedisCache) against Django's own
RedisCache, which builds a new redis.Redis client on every call (docs/performance.md).

    .venv/bin/python bench/cache_calls.py      # needs Redis at 127.0.0.1:6379; uses database 4
"""

import os
import statistics
import sys
import time
from pathlib import Path

URL = "redis://127.0.0.1:6379/4"


def per_call_microseconds(get, calls=3000, runs=5):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for _ in range(calls):
            get("bench-key")
        times.append((time.perf_counter() - started) / calls * 1e6)
    return statistics.median(times)


def main():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerpath.settings")
    os.environ["DJANGO_CACHE_URL"] = URL
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.cache.backends.redis import RedisCache

    djangos_own = RedisCache(URL, {})
    cache.set("bench-key", "v")
    djangos_own.set("bench-key", "v")
    print(f"django-redis (careerpath.cache.RedisCache): {per_call_microseconds(cache.get):.0f} us per get")
    print(f"Django's own RedisCache:                   {per_call_microseconds(djangos_own.get):.0f} us per get")
    cache.delete("bench-key")
    djangos_own.delete("bench-key")


if __name__ == "__main__":
    main()
