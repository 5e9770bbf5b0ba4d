"""Sign-up says as little as it can about who already has an account.

The penetration test's finding: an email already in use (in any letter case) got "An account with
this email already exists", a username already in use "A user with that username already exists",
and nothing limited the tries (the throttle: test_signup_throttling.py).

What each case does now, and why:

- **Email already in use**: the form is refused, no second account is made, and the email field
  says "If you already have an account, log in or reset your password.", with both links on the
  page. The words no longer state that an account exists, and a real person who forgot they signed
  up is sent where they need to go.
- **Why not accept the form and answer as success would** (the usual non-enumerating design)?
  Here success is visible: a new account is logged in at once and lands on its dashboard. A
  pretend success would either have to log the visitor in to something, or differ from a real one
  the moment they click on. Making the two truly indistinguishable needs sign-up by emailed link
  (the account exists only once its owner confirms the address, and both cases answer "check your
  inbox"), which changes how everyone signs up; that is a product decision, left to the lead. So a
  refusal still tells an attacker that *some* account uses the address; what bounds that is the
  throttle (ten sign-up attempts an hour per client address), and the page never says whose.
- **Username already in use** (in any letter case): "That username is not available. Please choose
  another." A username here is a handle the person picks; nobody can pick one without learning
  whether it is taken, so every sign-up with chosen handles reveals that much, and no more is said
  (nothing about the account or its email). A neutral message covering both username and email
  ("this username or email can't be used") would not hide the email either: try the address with a
  fresh random username, and a refusal can then only mean the email. It would only confuse people.
- **Password reset and log-in stay as they are**: reset answers the same for known and unknown
  addresses, and a failed log-in says the same for an unknown username and a wrong password. The
  last two tests pin that, so it stays so.
"""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from accounts.forms import EMAIL_IN_USE, USERNAME_TAKEN
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW = {
    "username": "carol",
    "email": "carol@example.com",
    "password1": "a-long-safe-passphrase",
    "password2": "a-long-safe-passphrase",
}


def users():
    return list(User.objects.order_by("pk").values_list("pk", "username", "email", "password", "last_login"))


@pytest.mark.parametrize("email", ["alice@example.com", "ALICE@Example.COM", " alice@example.com "])
def test_an_email_in_use_gets_a_helpful_message_that_does_not_say_an_account_exists(client, alice, email):
    before = users()

    response = client.post(reverse("account_signup"), {**NEW, "email": email})

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [EMAIL_IN_USE]
    html = response.content.decode()
    assert "If you already have an account, log in or reset your password." in html
    assert "already exists" not in html and "An account with this email" not in html
    assert "alice" not in html.lower().replace(email.strip().lower(), ""), "nothing about whose account it is"
    assert reverse("account_login") in html and reverse("account_reset_password") in html
    assert users() == before, "no second account, and alice's is untouched"
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("username", ["alice", "ALICE", "Alice"])
def test_a_username_in_use_is_said_to_be_unavailable_and_nothing_more(client, alice, username):
    before = users()

    response = client.post(reverse("account_signup"), {**NEW, "username": username})

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [USERNAME_TAKEN]
    html = response.content.decode()
    assert "already exists" not in html and "A user with that username" not in html
    assert "alice@example.com" not in html
    assert users() == before


def test_a_fresh_username_and_email_still_make_an_account(client, alice):
    response = client.post(reverse("account_signup"), NEW)
    assert response.status_code == 302
    assert User.objects.filter(username="carol", email="carol@example.com").exists()


def test_password_reset_answers_the_same_for_a_known_and_an_unknown_address(client, alice):
    known = client.post(reverse("account_reset_password"), {"email": "alice@example.com"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1, "only the real owner gets an email"


def test_login_says_the_same_for_an_unknown_username_and_a_wrong_password(client, alice):
    wrong = client.post(reverse("account_login"), {"login": "alice", "password": "not-" + PASSWORD})
    unknown = client.post(reverse("account_login"), {"login": "nobody", "password": "not-" + PASSWORD})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
