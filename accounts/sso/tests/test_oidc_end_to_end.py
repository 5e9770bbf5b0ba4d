"""Single sign-on against a real OpenID Connect provider (django-oauth-toolkit, e2e/oidc_provider/)
that the suite starts on 127.0.0.1: discovery, authorization code with PKCE, the ID token's
signature, issuer, audience, expiry and nonce, just-in-time accounts and linking.

careerpath's side is Django's test client; the person's browser at the provider is a `requests`
session; careerpath's server talks to the provider over real HTTP (discovery, JWKS, token).
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts.sso.config import PROVIDER, app_settings
from accounts.tests.factories import PASSWORD, UserFactory
from bench.throwaway import free_port

ROOT = Path(__file__).resolve().parents[3]
CALLBACK = "http://testserver/accounts/sso/{org}/login/callback/"
PEOPLE = [
    {"username": "pat", "email": "pat@acme.example", "password": "provider-pass"},
    {"username": "outsider", "email": "out@elsewhere.example", "password": "provider-pass"},
    {"username": "unsure", "email": "unsure@acme.example", "password": "provider-pass", "last_name": "unverified"},
    {"username": "alice", "email": "alice@example.com", "password": "provider-pass"},
]
CLIENTS = ["good", "wrong-audience", "expired", "wrong-nonce"]

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """The provider in a subprocess on a free port; its issuer URL."""
    port = free_port()
    setup = tmp_path_factory.mktemp("oidc") / "setup.json"
    clients = [
        {"name": name, "client_id": f"cp-{name}", "secret": f"secret-{name}", "redirect_uri": CALLBACK.format(org=name)}
        for name in CLIENTS
    ]
    setup.write_text(json.dumps({"users": PEOPLE, "clients": clients}))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "e2e.oidc_provider.serve", str(port), str(setup)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    line = process.stdout.readline()
    if line.strip() != "ready":
        process.kill()
        raise RuntimeError(f"the test OIDC provider did not start: {line}{process.stdout.read()[-2000:]}")
    yield f"http://127.0.0.1:{port}/o"
    process.terminate()
    process.wait(timeout=10)


def organisation(provider, client="good", *, domains=("acme.example",)):
    """careerpath's configuration for an organisation whose provider client is `client`."""
    return SocialApp.objects.create(
        provider=PROVIDER,
        provider_id=client,
        name=f"Acme ({client})",
        client_id=f"cp-{client}",
        secret=f"secret-{client}",
        settings=app_settings(issuer=provider, domains=list(domains)),
    )


def browser_at_provider(provider, username):
    """A browser session signed in at the identity provider as `username`."""
    session = requests.Session()
    base = provider.rsplit("/o", 1)[0]
    session.get(f"{base}/login/")
    answer = session.post(
        f"{base}/login/",
        data={
            "username": username,
            "password": "provider-pass",
            "csrfmiddlewaretoken": session.cookies["provider_csrftoken"],
        },
        headers={"Referer": f"{base}/login/"},
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:500]
    return session


def sign_in_with_sso(client, provider, username, org="good"):
    """Press "Sign in with <organisation>", sign in at the provider, come back. Returns
    (the authorization request's query, careerpath's answer to the callback)."""
    start = client.post(reverse("organisation_oidc_login", kwargs={"provider_id": org}))
    assert start.status_code == 302, start.content[:500]
    authorize = start["Location"]
    assert authorize.startswith(provider + "/authorize/")
    query = parse_qs(urlsplit(authorize).query)
    at_provider = browser_at_provider(provider, username).get(authorize, allow_redirects=False)
    assert at_provider.status_code == 302, at_provider.text[:500]
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == f"/accounts/sso/{org}/login/callback/", at_provider.headers["Location"]
    return query, client.get(f"{back.path}?{back.query}")


def test_discovery_pkce_and_nonce_then_a_new_person_gets_an_account_just_in_time(provider, token_checks):
    organisation(provider)
    client = Client()

    query, answer = sign_in_with_sso(client, provider, "pat")

    assert token_checks == ["accepted"], "the ID token's signature was checked against the provider's keys"
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["nonce"][0]) >= 20 and set(query["scope"][0].split()) == {"openid", "profile", "email"}
    assert answer.status_code == 302 and answer["Location"] == reverse("assessments:dashboard")
    user = User.objects.get(email="pat@acme.example")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not user.has_usable_password()
    assert EmailAddress.objects.filter(user=user, email="pat@acme.example", verified=True).exists()
    assert SocialAccount.objects.get(user=user).provider == "good"

    again = Client()
    sign_in_with_sso(again, provider, "pat")
    assert again.session["_auth_user_id"] == str(user.pk) and User.objects.filter(email="pat@acme.example").count() == 1


def test_an_existing_account_with_that_verified_address_is_linked_not_duplicated(provider):
    organisation(provider, domains=["example.com"])
    alice = UserFactory(username="alice")  # alice@example.com, verified
    client = Client()

    _, answer = sign_in_with_sso(client, provider, "alice")

    assert answer.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)
    assert SocialAccount.objects.get(provider="good").user == alice
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD), "her password still works"


def test_an_unverified_account_with_that_address_is_not_taken_over(provider):
    organisation(provider, domains=["example.com"])
    alice = UserFactory(username="alice", verified=False)
    client = Client()

    _, answer = sign_in_with_sso(client, provider, "alice")

    assert answer.status_code == 409
    assert "verify the address" in answer.content.decode()
    assert "_auth_user_id" not in client.session
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD) and not SocialAccount.objects.exists()
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1


def test_an_address_outside_the_organisations_domains_is_refused(provider):
    organisation(provider)
    client = Client()

    _, answer = sign_in_with_sso(client, provider, "outsider")

    assert answer.status_code == 403 and "not one Acme (good) may sign in" in answer.content.decode()
    assert "_auth_user_id" not in client.session and not User.objects.exists()


def test_an_address_the_provider_does_not_vouch_for_is_refused(provider):
    organisation(provider)
    client = Client()

    _, answer = sign_in_with_sso(client, provider, "unsure")

    assert answer.status_code == 403 and "did not confirm an email address" in answer.content.decode()
    assert not User.objects.exists()


@pytest.fixture
def token_checks(monkeypatch):
    """Why careerpath's ID token check refused a token (PyJWT's error), for each token it checked."""
    from accounts.sso import provider as sso_provider

    real, seen = sso_provider.jwtkit.verify_and_decode, []

    def spy(**kwargs):
        try:
            claims = real(**kwargs)
        except Exception as exc:
            seen.append(type(exc.__cause__ or exc))
            raise
        seen.append("accepted")
        return claims

    monkeypatch.setattr(sso_provider.jwtkit, "verify_and_decode", spy)
    return seen


@pytest.mark.parametrize(
    ("fault", "reason"),
    [("wrong-audience", jwt.InvalidAudienceError), ("expired", jwt.ExpiredSignatureError)],
)
def test_an_id_token_for_another_client_or_expired_is_refused(provider, token_checks, fault, reason):
    organisation(provider, fault)
    client = Client()

    _, answer = sign_in_with_sso(client, provider, "pat", org=fault)

    assert token_checks == [reason]
    assert answer.status_code == 401 and "_auth_user_id" not in client.session
    assert not User.objects.exists() and not SocialAccount.objects.exists()


def test_an_id_token_with_another_nonce_is_refused(provider, token_checks):
    organisation(provider, "wrong-nonce")
    client = Client()

    _, answer = sign_in_with_sso(client, provider, "pat", org="wrong-nonce")

    assert token_checks == ["accepted"], "signature, issuer, audience and expiry are fine: only the nonce is wrong"
    assert answer.status_code == 403 and "did not match the sign-in this browser started" in answer.content.decode()
    assert "_auth_user_id" not in client.session and not User.objects.exists()


def test_a_tampered_signature_is_refused(provider, monkeypatch, token_checks):
    """The ID token comes straight from the token endpoint, where allauth would skip the signature."""
    from allauth.socialaccount.providers.oauth2 import client as oauth2_client

    real = oauth2_client.OAuth2Client.get_access_token

    def tamper(self, *args, **kwargs):
        token = real(self, *args, **kwargs)
        header, payload, signature = token["id_token"].split(".")
        token["id_token"] = ".".join(
            [header, payload, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")]
        )
        return token

    monkeypatch.setattr(oauth2_client.OAuth2Client, "get_access_token", tamper)
    organisation(provider)
    client = Client()

    _, answer = sign_in_with_sso(client, provider, "pat")

    assert token_checks == [jwt.InvalidSignatureError]
    assert answer.status_code == 401 and "_auth_user_id" not in client.session and not User.objects.exists()
