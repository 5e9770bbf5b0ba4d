"""Password-reset mail is never a weapon (issue 25, finding 3).

The second penetration test sent 15 reset requests for one address and got 15 mails. Now each
request counts against the client address (ten an hour) and against the email address typed in
(three an hour, whoever asks); past either, the answer is a clear 429 page with Retry-After and no
mail is sent. The counts do not depend on whether an account uses the address, so the 429 tells
nothing about accounts. The mail itself carries only our own words and the link: no username, which
a person chooses and which could read like a web address.
"""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from bench.throwaway import free_port
from careerpath import cache as cache_module
from careerpath.settings import cache_settings

pytestmark = pytest.mark.django_db

ATTACKER = "10.0.0.1"
ELSEWHERE = "10.0.0.2"
PER_ADDRESS = 3  # mails to one email address an hour
PER_CLIENT = 10  # reset requests from one client address an hour


def ask(client, email, address=ATTACKER, **extra):
    return client.post(reverse("account_reset_password"), {"email": email}, REMOTE_ADDR=address, **extra)


def test_the_fourth_reset_for_one_address_in_an_hour_gets_a_clear_429_and_sends_nothing(client, alice):
    codes = [ask(client, alice.email).status_code for _ in range(PER_ADDRESS)]
    assert codes == [302] * PER_ADDRESS
    assert len(mail.outbox) == PER_ADDRESS

    response = ask(client, alice.email)

    assert response.status_code == 429
    assert "account/password_reset_throttled.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Too many password reset requests" in html
    assert re.search(r"Please wait \d+ (seconds?|minutes?|hours?) and try again", html)
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert len(mail.outbox) == PER_ADDRESS, "a throttled request sends no mail"


def test_asking_from_many_client_addresses_does_not_escape_the_per_address_limit(client, alice):
    for n in range(PER_ADDRESS):
        ask(client, alice.email, address=f"10.1.0.{n}")
    assert ask(client, alice.email.upper(), address="10.1.0.99").status_code == 429
    assert len(mail.outbox) == PER_ADDRESS


def test_one_client_asking_for_many_addresses_is_limited_too(client):
    users = [UserFactory(username=f"person{n}") for n in range(PER_CLIENT + 1)]
    codes = [ask(client, user.email).status_code for user in users]
    assert codes == [302] * PER_CLIENT + [429]
    assert len(mail.outbox) == PER_CLIENT
    assert ask(client, users[-1].email, address=ELSEWHERE).status_code == 302, "another client is not affected"


def test_the_limit_is_the_same_for_an_address_no_account_uses(client, alice):
    """The 429 would otherwise tell an attacker which addresses have accounts."""
    unknown = [ask(client, "nobody@example.com").status_code for _ in range(PER_ADDRESS + 1)]
    known = [ask(client, alice.email, address=ELSEWHERE).status_code for _ in range(PER_ADDRESS + 1)]
    assert unknown == known == [302] * PER_ADDRESS + [429]


def test_showing_the_form_is_not_counted(client, alice):
    for _ in range(2 * PER_CLIENT):
        assert client.get(reverse("account_reset_password"), REMOTE_ADDR=ATTACKER).status_code == 200
    assert ask(client, alice.email).status_code == 302


def test_the_limits_follow_the_settings(client, alice, settings):
    settings.PASSWORD_RESET_EMAIL_RATE_LIMIT = "1/m"
    assert [ask(client, alice.email).status_code for _ in range(2)] == [302, 429]
    settings.PASSWORD_RESET_RATE_LIMIT = "1/m"
    assert ask(client, "other@example.com", address=ELSEWHERE).status_code == 302
    assert ask(client, "third@example.com", address=ELSEWHERE).status_code == 429


def test_the_mail_has_our_words_and_the_link_and_nothing_the_account_holder_typed(client):
    """A username such as "claim.prize.at.evil.test" would otherwise be linked by mail clients."""
    UserFactory(username="claim.prize.at.evil.test", email="victim@example.com")
    assert ask(client, "victim@example.com").status_code == 302
    [message] = mail.outbox
    assert "claim.prize" not in message.subject + message.body
    assert "evil" not in message.subject + message.body
    assert message.subject == "Reset your careerpath password"
    links = re.findall(r"\S+://\S+", message.body)
    assert len(links) == 1 and links[0].startswith("http://testserver/accounts/password/reset/key/")


def test_the_page_the_link_opens_names_the_account(client):
    """The username is on our own page instead, as escaped text."""
    UserFactory(username="dana", email="dana@example.com")
    ask(client, "dana@example.com")
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    page = client.get(client.get(link)["Location"])
    assert page.status_code == 200
    assert "For the account <strong>dana</strong>" in page.content.decode()
    assert User.objects.get(username="dana").has_usable_password()


def test_with_the_cache_down_nothing_is_throttled(client, alice, settings, monkeypatch):
    """The counters live in the cache, and Redis is never a dependency (docs/reliability.md): when it
    does not answer, resets and sign-ups go through rather than every one being refused."""
    monkeypatch.setattr(cache_module, "_breakers", {})  # no breaker left open by another test
    settings.CACHES = {"default": cache_settings(f"redis://127.0.0.1:{free_port()}/0", max_entries=100)}
    assert ask(client, alice.email).status_code == 302
    data = {"username": "zed", "email": "zed@example.com", "password1": "a-long-safe-passphrase"}
    assert client.post(reverse("account_signup"), {**data, "password2": data["password1"]}).status_code == 302
    client.logout()
    settings.RATELIMIT_FAIL_OPEN = False  # the control: django-ratelimit's default refuses everything
    assert ask(client, alice.email).status_code == 429
