"""Shared pytest fixtures: the same three people in every test file.

- alice owns things, bob is another logged-in user, staff edits role guides.
- `client` is a visitor; `alice_client`, `bob_client`, `staff_client` are logged in.
"""

import pytest


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
