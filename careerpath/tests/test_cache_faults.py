"""A cache that is down, slow or restarting makes pages slower, never broken (docs/reliability.md).

Each test runs against a Redis of its own (bench/throwaway.py: `redis-server` on a spare port) or an
address where nothing answers, never the shared Redis. Without redis-server installed the tests
that need it skip, and fail under CI=true.
"""

import logging
import os
import socket
import threading
import time
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.cache import cache
from django.urls import reverse

from assessments.tests.factories import draft_for, submitted_for
from bench.throwaway import RedisServer, free_port
from careerpath import cache as cache_module
from careerpath.settings import cache_settings, default_cache_key_prefix

pytestmark = pytest.mark.django_db


@pytest.fixture
def role(db):
    from roles.tests.factories import make_role

    return make_role(required=3, differentiating=1, title="Data Wrangler")


@pytest.fixture(autouse=True)
def _fresh_breakers(monkeypatch):
    monkeypatch.setattr(cache_module, "_breakers", {})
    monkeypatch.setattr(cache_module, "RETRY_AFTER", 0.3)


def use_cache(settings, url):
    settings.CACHES = {"default": cache_settings(url, max_entries=100, key_prefix="cp-faults-test")}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


@pytest.fixture
def own_redis():
    try:
        server = RedisServer().start()
    except RuntimeError as error:
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}:
            pytest.fail(f"{error}; CI=true: the cache fault tests may not be skipped", pytrace=False)
        pytest.skip(str(error))
    yield server
    server.stop()


@pytest.fixture
def silent_redis():
    """An address that accepts connections and never answers: a Redis that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    accepted = []

    def accept():
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    listener.close()
    for conn in accepted:
        conn.close()


def every_page_works(client, alice, role):
    """The visitor pages, signing in (a session), and alice's draft, autosave, report and dashboard."""
    for url in ("/", reverse("roles:list"), role.get_absolute_url(), reverse("account_login")):
        assert client.get(url).status_code == 200, url
    client.force_login(alice)
    draft = draft_for(alice, role)
    skill = role.role_skills.select_related("skill").first().skill
    assert client.get(reverse("assessments:step", args=[draft.pk, 1])).status_code == 200
    saved = client.post(reverse("assessments:rate", args=[draft.pk]), {"skill": skill.slug, "level": 4})
    assert saved.status_code == 200 and saved.json()["saved"] is True
    assert draft.ratings.get(skill=skill).level == 4
    report = submitted_for(alice, role) if not alice.assessments.filter(status="submitted").exists() else None
    if report:
        page = client.get(reverse("assessments:report", args=[report.pk]))
        assert page.status_code == 200 and "Data Wrangler" in page.content.decode()
    assert client.get(reverse("assessments:dashboard")).status_code == 200
    assert client.get(reverse("assessments:dashboard")).wsgi_request.user == alice  # the session held


def test_with_redis_unreachable_every_page_works_and_the_error_is_logged_once(settings, client, alice, role, caplog):
    use_cache(settings, f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    with caplog.at_level(logging.ERROR, logger="careerpath.cache"):
        every_page_works(client, alice, role)
    cache_logs = [r for r in caplog.records if r.name == "careerpath.cache"]
    assert len(cache_logs) == 1, [r.getMessage() for r in cache_logs]


def test_with_redis_hanging_pages_work_and_pay_the_timeout_only_once(settings, client, alice, role, silent_redis):
    use_cache(settings, silent_redis)
    cache_module.RETRY_AFTER = 60  # the whole test runs inside the breaker's open window
    started = time.monotonic()
    every_page_works(client, alice, role)
    elapsed = time.monotonic() - started
    # One socket timeout (0.25 s), then every call misses at once; without the circuit breaker,
    # each of the dozens of cache calls above would wait 0.25 s.
    assert elapsed < 0.25 * 8, elapsed
    assert client.get(reverse("readyz")).json() == {"status": "degraded", "database": "ok", "cache": "degraded"}


def test_redis_stopped_mid_run_then_started_again_resumes_caching_by_itself(settings, client, alice, role, own_redis):
    use_cache(settings, own_redis.url)
    assert cache.set("probe", 1) is True and cache.get("probe") == 1
    assert client.get(reverse("readyz")).json()["cache"] == "ok"

    own_redis.stop()
    every_page_works(client, alice, role)
    assert client.get(reverse("readyz")).json() == {"status": "degraded", "database": "ok", "cache": "degraded"}
    assert cache.get("probe") is None

    own_redis.start()  # empty: Redis without persistence
    time.sleep(cache_module.RETRY_AFTER + 0.1)
    assert cache.set("probe", 2) is True and cache.get("probe") == 2
    assert client.get(reverse("readyz")).json() == {"status": "ok", "database": "ok", "cache": "ok"}
    client.get(reverse("roles:list"))
    assert cache.client.get_client().dbsize() > 2  # pages and sessions are cached again


def test_a_redis_restarted_between_two_calls_costs_no_miss(settings, own_redis):
    """A pooled connection to a Redis that restarted is dead; redis-py's one retry on a dropped
    connection opens a fresh one instead of missing (and opening the breaker)."""
    use_cache(settings, own_redis.url)
    assert cache.set("probe", 1) is True
    own_redis.stop()
    own_redis.start()  # empty: Redis without persistence

    assert cache.set("probe", 2) is True
    assert cache.get("probe") == 2


def test_every_redis_key_expires_even_one_stored_forever(settings, own_redis):
    use_cache(settings, own_redis.url)
    cache.set("forever", 1, timeout=None)
    cache.set("default", 1)
    cache.add("added", 1, timeout=None)
    cache.set_many({"many": 1}, timeout=None)
    assert 0 < cache.ttl("forever") <= 86400
    assert 0 < cache.ttl("default") <= 3600
    assert 0 < cache.ttl("added") <= 86400 and 0 < cache.ttl("many") <= 86400


def test_the_memory_cache_is_bounded_and_expires_too():
    local = cache_settings("", max_entries=5000)
    assert local["OPTIONS"]["MAX_ENTRIES"] == 5000 and local["TIMEOUT"] == 3600


def test_redis_calls_are_bounded_by_short_timeouts_and_ignore_errors():
    options = cache_settings("redis://127.0.0.1:6379/0", max_entries=0)["OPTIONS"]
    assert options["IGNORE_EXCEPTIONS"] is True
    assert 0.1 <= options["SOCKET_CONNECT_TIMEOUT"] <= 0.25 and 0.1 <= options["SOCKET_TIMEOUT"] <= 0.25


def test_the_default_key_prefix_differs_between_databases():
    one = {"ENGINE": "django.db.backends.postgresql", "HOST": "db", "PORT": 5432, "NAME": "careers"}
    other = {**one, "NAME": "careers_staging"}
    assert default_cache_key_prefix(one) != default_cache_key_prefix(other)
    assert default_cache_key_prefix(one) == default_cache_key_prefix(dict(one))


def test_the_key_prefix_comes_from_the_environment_when_set():
    from careerpath.tests.test_site import _setting_under

    prefix = _setting_under({"DJANGO_CACHE_KEY_PREFIX": "careers-blue"}, 'CACHES["default"]["KEY_PREFIX"]')
    assert prefix == "careers-blue"


def wsgi_get(path, **environ):
    """GET through Django's real WSGI handler (the test client never reads SCRIPT_NAME)."""
    from django.core import signals
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import close_old_connections
    from django.urls import set_script_prefix

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "HTTP_HOST": "testserver", **environ}
    setup_testing_defaults(environ)
    statuses = []
    # As Django's test client does: keep the test's transaction open across the request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
        body = b"".join(response).decode()
        response.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
        set_script_prefix("/")
    assert statuses[0].startswith("200"), statuses
    return body


def test_a_script_name_sent_with_a_request_does_not_change_the_links(role):
    """gunicorn puts a trusted proxy's SCRIPT_NAME header into the WSGI environ; the links ignore it."""
    poisoned = wsgi_get(reverse("roles:list"), SCRIPT_NAME="/x")  # rendered (and cached) first
    assert f'href="{role.get_absolute_url()}"' in poisoned
    assert 'href="/x/' not in poisoned and 'src="/x/' not in poisoned
    assert 'href="/x/' not in wsgi_get(reverse("roles:list"))


def test_without_the_setting_the_script_name_would_change_the_links(role, settings):
    """The control for the test above: Django's default (FORCE_SCRIPT_NAME = None) trusts the environ."""
    settings.FORCE_SCRIPT_NAME = None
    assert f'href="/x{role.get_absolute_url()}"' in wsgi_get(reverse("roles:list"), SCRIPT_NAME="/x")


def test_the_site_prefix_comes_from_settings(role, settings):
    settings.FORCE_SCRIPT_NAME = "/careers"
    body = wsgi_get(reverse("roles:list"), SCRIPT_NAME="/x")
    assert f'href="/careers{role.get_absolute_url()}"' in body and 'href="/x/' not in body
