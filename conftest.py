"""Shared pytest fixtures: the same three people in every test file.

- alice owns things, bob is another logged-in user, staff edits role guides.
- `client` is a visitor; `alice_client`, `bob_client`, `staff_client` are logged in.
"""

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the test database is a file, as the app's own is, not pytest-django's in-memory one.

    An in-memory database can only be shared by handing the test thread's one connection to the live
    server's threads: the browser tests' requests and the test's own reads then share one transaction
    state, and a read made while the server was inside `atomic()` broke the connection for the rest of
    the run ("no such savepoint", "on_commit() cannot be used in manual transaction management").
    With a file each thread opens its own connection, with the app's options (WAL, IMMEDIATE writes,
    a 20 s busy timeout), as on PostgreSQL.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(autouse=True)
def _test_settings(request):
    # Manifest storage needs collectstatic; tests use the plain storage. A fast password hasher
    # keeps tests quick (production keeps Django's default PBKDF2).
    # Skipped when pytest runs without pytest-django (-p no:django), as the pure scoring tests can.
    if not request.config.pluginmanager.has_plugin("django"):
        return
    settings = request.getfixturevalue("settings")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PAGE_CACHE_STRICT = True  # a cached template reading what its key does not fix raises


@pytest.fixture(autouse=True)
def _empty_cache(request):
    """Each test starts with an empty cache (computed reports, role fit, page fragments)."""
    if not request.config.pluginmanager.has_plugin("django"):
        yield
        return
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice(db):
    from accounts.tests.factories import UserFactory

    return UserFactory(username="alice")


@pytest.fixture
def bob(db):
    from accounts.tests.factories import UserFactory

    return UserFactory(username="bob")


@pytest.fixture
def staff(db):
    from accounts.tests.factories import UserFactory

    # staff have an authenticator app (UserFactory enrols staff: accounts/middleware.py requires it)
    return UserFactory(username="editor", is_staff=True, is_superuser=True)


def _client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice):
    return _client_for(alice)


@pytest.fixture
def bob_client(bob):
    return _client_for(bob)


@pytest.fixture
def staff_client(staff):
    return _client_for(staff)
