"""Moving to django-allauth keeps everyone's account: an account made before the change logs in with
its password, keeps the session it had, and gets an (unverified) allauth email address."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

BEFORE = [("accounts", "0001_preferences"), ("account", "0009_emailaddress_unique_primary_email")]
AFTER = [("accounts", "0002_email_addresses_from_accounts")]
OLD_PASSWORD = "an-old-but-good-passphrase"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def account_made_before_allauth(transactional_db, settings):
    """A user row as careerpath wrote it before allauth: no EmailAddress, Django's default hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    apps = migrate(BEFORE)
    User = apps.get_model("auth", "User")
    user = User.objects.create(
        username="olduser",
        email="Old.User@Example.com",
        password=make_password(OLD_PASSWORD, hasher="pbkdf2_sha256"),
    )
    assert not apps.get_model("account", "EmailAddress").objects.filter(user_id=user.pk).exists()
    migrate(AFTER)
    yield user.pk
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_an_account_made_before_allauth_still_logs_in_with_its_password(account_made_before_allauth):
    client = Client()

    response = client.post(reverse("account_login"), {"login": "olduser", "password": OLD_PASSWORD})

    assert response.status_code == 302 and response["Location"] == reverse("assessments:dashboard")
    assert client.session["_auth_user_id"] == str(account_made_before_allauth)


def test_the_migration_gives_it_its_address_unverified(account_made_before_allauth):
    [address] = EmailAddress.objects.filter(user_id=account_made_before_allauth)
    assert (address.email, address.primary, address.verified) == ("old.user@example.com", True, False)


def test_a_session_made_before_allauth_stays_signed_in(account_made_before_allauth):
    """Sessions made before name django.contrib.auth's ModelBackend: it stays in AUTHENTICATION_BACKENDS."""
    from django.contrib.auth.models import User

    client = Client()
    client.force_login(
        User.objects.get(pk=account_made_before_allauth), backend="django.contrib.auth.backends.ModelBackend"
    )

    assert client.get(reverse("assessments:dashboard")).status_code == 200
