"""Personal access tokens: made on the API tokens page, shown once, kept as a digest, scoped,
expiring and revocable; and the rate limits per address and per token."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from api.models import PersonalAccessToken
from api.tests.factories import bearer, expired_token_for, revoked_token_for, token_for
from careerpath.tokens import token_digest
from roles.tests.factories import make_role

pytestmark = pytest.mark.django_db

PAGE = "/api-tokens/"


def test_the_page_makes_a_token_shows_it_once_and_keeps_only_its_digest(alice_client, alice):
    response = alice_client.post(PAGE, {"name": "HR sync", "scopes": ["read:roles", "read:reports"], "days": "30"})
    assert response.status_code == 200
    token = response.context["new_token"]
    assert token.startswith("cpat_") and token in response.content.decode()
    row = PersonalAccessToken.objects.get(user=alice)
    assert row.token_digest == token_digest(token) and token not in str(vars(row))
    assert row.scopes == "read:roles read:reports"
    assert 29 <= (row.expires_at - row.created_at).days <= 30
    again = alice_client.get(PAGE)
    assert token not in again.content.decode() and "HR sync" in again.content.decode()
    make_role(title="Data Wrangler")
    assert Client().get("/api/v1/roles/", **bearer(token)).status_code == 200


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "scopes": ["read:roles"], "days": "30"}, "name"),
        ({"name": "x" * 81, "scopes": ["read:roles"], "days": "30"}, "name"),
        ({"name": "a\u202ebc", "scopes": ["read:roles"], "days": "30"}, "name"),
        ({"name": "Sync", "scopes": [], "days": "30"}, "scopes"),
        ({"name": "Sync", "scopes": ["admin:all"], "days": "30"}, "scopes"),
        ({"name": "Sync", "scopes": ["read:roles"], "days": "3650"}, "days"),
    ],
)
def test_bad_input_on_the_page_is_a_form_error_and_makes_no_token(alice_client, data, field):
    response = alice_client.post(PAGE, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["new_token"] is None
    assert not PersonalAccessToken.objects.exists()


def test_no_more_tokens_than_the_limit(alice_client, alice, settings):
    settings.API_TOKEN_LIMIT = 2
    revoked_token_for(alice)  # revoked and expired tokens do not count
    expired_token_for(alice)
    token_for(alice)
    token_for(alice)
    response = alice_client.post(PAGE, {"name": "Third", "scopes": ["read:roles"], "days": "7"})
    assert "revoke one" in response.content.decode()
    assert PersonalAccessToken.objects.filter(user=alice).count() == 4


def test_revoking_stops_the_token_at_once(alice_client, alice):
    make_role(title="Data Wrangler")
    row, token = token_for(alice)
    assert Client().get("/api/v1/roles/", **bearer(token)).status_code == 200
    response = alice_client.post(reverse("api_tokens:revoke", args=[row.pk]))
    assert response.status_code == 302
    refused = Client().get("/api/v1/roles/", **bearer(token))
    assert refused.status_code == 401 and refused.json()["error"]["message"] == "This token was revoked."


def test_bob_cannot_revoke_alices_token(bob_client, alice):
    row, _token = token_for(alice)
    assert bob_client.post(reverse("api_tokens:revoke", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


def test_an_expired_token_is_a_401_that_says_so(alice):
    _row, token = expired_token_for(alice)
    response = Client().get("/api/v1/roles/", **bearer(token))
    assert response.status_code == 401 and "expired" in response.json()["error"]["message"]


def test_a_used_token_notes_when_it_was_last_used(alice):
    row, token = token_for(alice)
    assert row.last_used_at is None
    Client().get("/api/v1/roles/", **bearer(token))
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_the_page_lists_only_my_tokens(alice_client, alice, bob):
    token_for(alice, name="Alice's sync")
    token_for(bob, name="Bob's sync")
    page = alice_client.get(PAGE).content.decode()
    assert "Alice&#x27;s sync" in page and "Bob" not in page


def test_the_navbar_links_the_tokens_page(alice_client):
    assert f'href="{PAGE}"' in alice_client.get("/").content.decode()


def test_over_the_token_rate_is_a_429_with_retry_after(alice, settings):
    settings.API_RATE_PER_TOKEN = "3/min"
    _row, token = token_for(alice)
    codes = [Client().get("/api/v1/roles/", **bearer(token)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = Client().get("/api/v1/roles/", **bearer(token))
    error = response.json()["error"]
    assert error["code"] == "throttled" and error["status"] == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    _row, other = token_for(alice, name="Other")  # another token has its own count
    assert Client().get("/api/v1/roles/", **bearer(other)).status_code == 200


def test_over_the_address_rate_is_a_429_even_with_bad_tokens(settings):
    settings.API_RATE_PER_ADDRESS = "3/min"
    guesses = [Client().get("/api/v1/roles/", **bearer("cpat_" + "a" * 43)).status_code for _ in range(4)]
    assert guesses == [401, 401, 401, 429]
    from_elsewhere = Client(REMOTE_ADDR="127.0.0.2").get("/api/v1/roles/")
    assert from_elsewhere.status_code == 200


def test_download_my_data_lists_my_tokens_but_never_a_token_or_its_digest(alice_client, alice):
    row, token = token_for(alice, "read:roles", name="HR sync")
    response = alice_client.get(reverse("accounts:export"))
    body = response.content.decode()
    data = json.loads(body)
    assert [t["name"] for t in data["api_tokens"]] == ["HR sync"]
    assert data["api_tokens"][0]["scopes"] == ["read:roles"]
    assert token not in body and row.token_digest not in body


def test_staff_revoke_a_leaked_token_in_the_admin(staff_client, alice):
    row, _token = token_for(alice)
    response = staff_client.post(
        reverse("admin:api_personalaccesstoken_changelist"), {"action": "revoke", "_selected_action": [row.pk]}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None
    page = staff_client.get(reverse("admin:api_personalaccesstoken_change", args=[row.pk])).content.decode()
    assert row.token_digest not in page
