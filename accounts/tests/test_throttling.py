"""Login throttling (django-axes): a username is paused from one address after repeated wrong passwords.

The lock is on the pair (username, address): the same person can still log in from elsewhere, and
one attacker cannot lock everyone out of an account. Time passing is simulated by moving the
recorded attempts back, exactly as if the cool-off had elapsed.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "10.0.0.1"
ELSEWHERE = "10.0.0.2"
WRONG = "not-the-password"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(client, username, password, address, **extra):
    return client.post(
        reverse("account_login"), {"login": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def fail(client, username, address, times, **extra):
    return [log_in(client, username, WRONG, address, **extra).status_code for _ in range(times)]


def is_logged_in(client):
    return "_auth_user_id" in client.session


def test_throttling_is_configured_as_documented(settings):
    assert settings.AXES_ENABLED is True
    assert settings.AXES_FAILURE_LIMIT == 5
    cool_off = settings.AXES_COOLOFF_TIME
    assert cool_off == timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True
    assert getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429) == 429
    assert "axes.middleware.AxesMiddleware" in settings.MIDDLEWARE
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_four_wrong_passwords_still_allow_the_right_one(client, alice):
    assert fail(client, "alice", ATTACKER, 4) == [200] * 4
    response = log_in(client, "alice", PASSWORD, ATTACKER)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_after_five_failures_even_the_right_password_is_refused_with_a_clear_message(client, alice):
    codes = fail(client, "alice", ATTACKER, 5)
    assert codes == [200, 200, 200, 200, 429], "the fifth failure locks"

    response = log_in(client, "alice", PASSWORD, ATTACKER)

    assert response.status_code == 429
    assert "account/locked_out.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert "Too many failed log-in attempts" in body
    assert "15 minutes" in body, "say how long to wait in words (not an ISO 8601 duration such as PT15M)"
    assert "PT15M" not in body
    assert reverse("account_reset_password") in body
    assert not is_logged_in(client)


def test_the_lock_lifts_after_the_cool_off(client, alice):
    fail(client, "alice", ATTACKER, 5)
    assert log_in(client, "alice", PASSWORD, ATTACKER).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert log_in(client, "alice", PASSWORD, ATTACKER).status_code == 429, "still inside the 15 minutes"

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = log_in(client, "alice", PASSWORD, ATTACKER)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_successful_login_resets_the_count(client, alice):
    fail(client, "alice", ATTACKER, 4)
    assert log_in(client, "alice", PASSWORD, ATTACKER).status_code == 302
    client.post(reverse("account_logout"))
    assert fail(client, "alice", ATTACKER, 4) == [200] * 4, "the count starts again from zero"


def test_the_same_username_still_logs_in_from_another_address(client, alice):
    fail(client, "alice", ATTACKER, 5)
    response = log_in(client, "alice", PASSWORD, ELSEWHERE)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_another_username_from_the_locked_address_is_not_affected(client, alice, bob):
    fail(client, "alice", ATTACKER, 5)
    assert log_in(client, "bob", PASSWORD, ATTACKER).status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lock(client, alice):
    """Without a trusted proxy the address is REMOTE_ADDR; a client-sent X-Forwarded-For is ignored."""
    fail(client, "alice", ATTACKER, 5)
    response = log_in(client, "alice", PASSWORD, ATTACKER, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 429


def test_unknown_usernames_are_throttled_too(client):
    assert fail(client, "nobody", ATTACKER, 5)[-1] == 429


def test_the_admin_login_form_sends_everyone_to_the_throttled_log_in_page(client, staff):
    """The admin's own form would skip both the lockout's page and the second factor: it takes no
    password, and sends visitors to the site's log-in (accounts.views.admin_login_through_site_login)."""
    response = client.post(
        reverse("admin:login"), {"username": staff.username, "password": PASSWORD}, REMOTE_ADDR=ATTACKER
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login") + "?next=")
    assert "_auth_user_id" not in client.session
    assert fail(client, staff.username, ATTACKER, 5)[-1] == 429, "the site's log-in locks staff out as anyone"


def test_failure_limit_and_cool_off_follow_the_settings(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)
    assert fail(client, "alice", ATTACKER, 2) == [200, 429]
    response = log_in(client, "alice", PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert "1 minute" in response.content.decode()
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=2))
    assert log_in(client, "alice", PASSWORD, ATTACKER).status_code == 302


# --- behind a reverse proxy -------------------------------------------------------------------
# Behind nginx every request comes from the proxy's address. Counting failures per (username,
# proxy address) would let anyone lock any account for everyone; with DJANGO_TRUSTED_PROXY_COUNT=1
# the address is the one the proxy appended to X-Forwarded-For.

PROXY = "127.0.0.1"


def via_proxy(client_address, forged=""):
    chain = f"{forged}, {client_address}" if forged else client_address
    return {"HTTP_X_FORWARDED_FOR": chain}


def test_behind_a_proxy_an_attacker_cannot_lock_the_owner_out(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    fail(client, "alice", PROXY, 5, **via_proxy(ATTACKER))
    assert log_in(client, "alice", PASSWORD, PROXY, **via_proxy(ATTACKER)).status_code == 429
    response = log_in(client, "alice", PASSWORD, PROXY, **via_proxy(ELSEWHERE))
    assert response.status_code == 302


def test_behind_a_proxy_a_forged_first_address_does_not_escape_the_lock(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    fail(client, "alice", PROXY, 5, **via_proxy(ATTACKER))
    response = log_in(client, "alice", PASSWORD, PROXY, **via_proxy(ATTACKER, forged="198.51.100.7"))
    assert response.status_code == 429


@pytest.mark.parametrize("header", ["", "not-an-address", "999.1.1.1", "unknown, \x00"])
def test_a_missing_or_garbled_forwarded_for_falls_back_to_the_proxy_address(client, alice, settings, header):
    settings.TRUSTED_PROXY_COUNT = 1
    response = log_in(client, "alice", WRONG, PROXY, HTTP_X_FORWARDED_FOR=header)
    assert response.status_code == 200
    assert AccessAttempt.objects.get().ip_address == PROXY
