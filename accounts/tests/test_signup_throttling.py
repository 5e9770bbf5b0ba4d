"""Sign-up is throttled per client address (django-ratelimit, keyed by `client_address`).

The penetration test found nothing limiting how many sign-ups one address may try (each one also
tells whether an email or username is in use: test_signup_enumeration.py). Now every sign-up POST,
made or refused, counts against the address; past ten an hour the answer is a clear 429 page that
says how long to wait, with a Retry-After header, and no account is made. The address is the one
django-axes counts log-in failures against: REMOTE_ADDR, or behind DJANGO_TRUSTED_PROXY_COUNT
proxies the address the outermost one appended to X-Forwarded-For (never one the client wrote).
"""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "10.0.0.1"
ELSEWHERE = "10.0.0.2"
PROXY = "127.0.0.1"
LIMIT = 10


def attempt(client, n, address=ATTACKER, **extra):
    """A sign-up POST that would make account number `n` (a fresh username and email)."""
    data = {
        "username": f"user{n}",
        "email": f"user{n}@example.com",
        "password1": "a-long-safe-passphrase",
        "password2": "a-long-safe-passphrase",
    }
    client.logout()
    return client.post(reverse("account_signup"), data, REMOTE_ADDR=address, **extra)


def probe(client, address=ATTACKER, **extra):
    """A sign-up POST that is refused anyway (an email in use): the enumeration probe."""
    data = {"username": "x", "email": "alice@example.com", "password1": "short", "password2": "other"}
    return client.post(reverse("account_signup"), data, REMOTE_ADDR=address, **extra)


def test_the_eleventh_attempt_from_one_address_in_an_hour_gets_a_clear_429(client, alice):
    codes = [probe(client).status_code for _ in range(LIMIT)]
    assert codes == [200] * LIMIT
    before = User.objects.count()

    response = attempt(client, 99)

    assert response.status_code == 429
    assert "account/signup_throttled.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Too many sign-up attempts" in html
    assert re.search(r"Please wait \d+ (seconds?|minutes?|hours?) and try again", html)
    assert reverse("account_login") in html and reverse("account_reset_password") in html
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert User.objects.count() == before, "a throttled sign-up makes no account"
    assert "If you already have an account" not in html, "a throttled probe learns nothing"


def test_successful_sign_ups_count_too(client):
    codes = [attempt(client, n).status_code for n in range(LIMIT + 1)]
    assert codes == [302] * LIMIT + [429]
    assert User.objects.count() == LIMIT


def test_another_address_is_not_affected(client, alice):
    for _ in range(LIMIT + 1):
        probe(client)
    assert attempt(client, 1, address=ELSEWHERE).status_code == 302


def test_showing_the_form_is_not_counted(client):
    for _ in range(3 * LIMIT):
        assert client.get(reverse("account_signup"), REMOTE_ADDR=ATTACKER).status_code == 200
    assert attempt(client, 1).status_code == 302


def test_log_in_and_password_reset_are_not_throttled_by_sign_ups(client, alice):
    for _ in range(LIMIT + 1):
        probe(client)
    assert probe(client).status_code == 429
    reset = client.post(reverse("account_reset_password"), {"email": "alice@example.com"}, REMOTE_ADDR=ATTACKER)
    assert reset.status_code == 302
    login = client.post(reverse("account_login"), {"login": "alice", "password": PASSWORD}, REMOTE_ADDR=ATTACKER)
    assert login.status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_throttle(client, alice):
    """Without a trusted proxy the address is REMOTE_ADDR, whatever X-Forwarded-For says."""
    for n in range(LIMIT):
        probe(client, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert probe(client, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429


def test_behind_a_proxy_each_client_address_has_its_own_count(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(LIMIT):
        # the proxy appends the real address; the client may have sent anything before it
        assert probe(client, PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, {ATTACKER}").status_code == 200
    assert probe(client, PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.77, {ATTACKER}").status_code == 429
    response = attempt(client, 1, address=PROXY, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert response.status_code == 302, "another client behind the same proxy is not locked out"


def test_the_limit_follows_the_setting(client, alice, settings):
    settings.SIGNUP_RATE_LIMIT = "2/m"
    assert [probe(client).status_code for _ in range(3)] == [200, 200, 429]
    response = probe(client)
    assert re.search(r"Please wait (\d+ seconds?|1 minute) and try again", response.content.decode())
    assert int(response["Retry-After"]) <= 60
