"""Look-alike usernames are refused at sign-up (issue 25, finding 7).

Sign-up as "аlice" (a Cyrillic а) next to "alice" succeeded, and the look-alike then showed in team
lists, the teammate picker and reviewer names. Now a new username whose Unicode TS #39 skeleton
matches an existing one, letter case aside, is refused with a clear message and nothing is made.
"""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from accounts.confusables import confusable_username_taken, skeleton
from accounts.forms import USERNAME_LOOKS_TAKEN
from accounts.tests.factories import UserFactory

CYRILLIC_A = "\u0430"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("scope", "\u0455\u0441\u043e\u0440\u0435"),  # UTS #39's own example: Cyrillic ѕсоре
        ("alice", f"{CYRILLIC_A}lice"),
        ("paypal", f"p{CYRILLIC_A}yp{CYRILLIC_A}l"),
        ("modern", "rnodern"),  # rn looks like m
        ("Alice", "AIice"),  # capital I looks like small l
        ("l", "1"),
    ],
)
def test_look_alikes_share_a_skeleton(one, other):
    assert skeleton(one) == skeleton(other)


@pytest.mark.parametrize(("one", "other"), [("alice", "alicia"), ("jose", "jos\u00e9"), ("a_b", "a-b"), ("o", "0")])
def test_different_names_keep_different_skeletons(one, other):
    assert skeleton(one) != skeleton(other)


def sign_up(client, username):
    data = {"username": username, "email": f"new{len(username)}@example.com", "password1": "a-long-safe-passphrase"}
    return client.post(reverse("account_signup"), {**data, "password2": data["password1"]})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username",
    [f"{CYRILLIC_A}lice", "AIice", f"{CYRILLIC_A}LICE", "al\u0456ce"],  # і: the Ukrainian i
)
def test_a_username_that_looks_like_an_existing_one_is_refused_and_nothing_is_made(client, alice, username):
    before = User.objects.count()
    response = sign_up(client, username)
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [USERNAME_LOOKS_TAKEN]
    assert "looks too much like" in response.content.decode()
    assert User.objects.count() == before
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_digit_that_looks_like_a_letter_is_a_look_alike_too(client):
    UserFactory(username="bob")
    assert confusable_username_taken("b0b")
    assert sign_up(client, "b0b").status_code == 200
    assert not User.objects.filter(username="b0b").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["alicia", "\u0418\u0432\u0430\u043d", "jos\u00e9", "alice2"])
def test_a_name_that_only_resembles_one_in_meaning_is_accepted(client, alice, username):
    response = sign_up(client, username)
    assert response.status_code == 302
    assert User.objects.filter(username=username).exists()


@pytest.mark.django_db
def test_the_check_reads_the_usernames_in_one_query(alice, bob, django_assert_num_queries):
    UserFactory.create_batch(30)
    with django_assert_num_queries(1):
        assert not confusable_username_taken("carol")
