import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.http import urlencode

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "username": "carol",
    "email": "carol@example.com",
    "password1": "a-long-safe-passphrase",
    "password2": "a-long-safe-passphrase",
}


def test_signup_creates_a_user_and_logs_them_in(client):
    response = client.post(reverse("account_signup"), GOOD)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:dashboard")
    user = User.objects.get(username="carol")
    assert client.session["_auth_user_id"] == str(user.pk)
    dashboard = client.get(response["Location"])
    assert "Signed in as" in dashboard.content.decode()
    assert "carol" in dashboard.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": "alice"}, "username", "not available"),
        ({"password2": "something-else-entirely"}, "password2", "same password"),
        ({"password1": "password", "password2": "password"}, "password1", "too common"),
        ({"password1": "12345678901", "password2": "12345678901"}, "password1", "entirely numeric"),
        ({"email": "not-an-email"}, "email", "valid email"),
    ],
)
def test_bad_signup_shows_the_error_by_the_field_keeps_input_and_creates_nothing(
    client, alice, changes, field, message
):
    before = User.objects.count()
    data = {**GOOD, **changes}
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert User.objects.count() == before
    assert 'value="carol@example.com"' in response.content.decode() or field == "email"


def test_login_lands_on_the_dashboard(client):
    UserFactory(username="dave")
    response = client.post(reverse("account_login"), {"login": "dave", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:dashboard")


def test_login_with_a_wrong_password_shows_an_error(client):
    UserFactory(username="dave")
    response = client.post(reverse("account_login"), {"login": "dave", "password": "wrong"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_dashboard_requires_login(client):
    response = client.get(reverse("assessments:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_dashboard_empty_state_points_to_role_guides(alice_client):
    response = alice_client.get(reverse("assessments:dashboard"))
    body = response.content.decode()
    assert "No assessments yet" in body
    assert reverse("roles:list") in body


def test_logout_is_a_post_and_ends_the_session(alice_client):
    asked = alice_client.get(reverse("account_logout"))
    assert asked.status_code == 200 and "Log out of careerpath on this device?" in asked.content.decode()
    assert alice_client.get(reverse("assessments:dashboard")).status_code == 200, "a GET logs nobody out"
    response = alice_client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert alice_client.get(reverse("assessments:dashboard")).status_code == 302


def test_password_pages_render(client, alice_client):
    assert client.get(reverse("account_reset_password")).status_code == 200
    assert alice_client.get(reverse("account_change_password")).status_code == 200


def test_password_reset_sends_an_email(client, alice, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": alice.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert alice.email in mailoutbox[0].to


def test_signed_in_user_visiting_signup_goes_to_dashboard(alice_client):
    response = alice_client.get(reverse("account_signup"))
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:dashboard")


UNSAFE_NEXT = ["dashboard", "*x", "", "//evil.example", "https://evil.example/", "javascript:alert(1)"]


@pytest.mark.parametrize("nxt", UNSAFE_NEXT)
def test_signup_with_an_unsafe_next_goes_to_the_dashboard_not_a_500(client, nxt):
    response = client.post(reverse("account_signup") + "?" + urlencode({"next": nxt}), GOOD)

    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:dashboard")
    assert User.objects.filter(username="carol").exists()


@pytest.mark.parametrize("nxt", UNSAFE_NEXT)
def test_login_with_an_unsafe_next_goes_to_the_dashboard(client, alice, nxt):
    data = {"login": "alice", "password": PASSWORD, "next": nxt}
    response = client.post(reverse("account_login"), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:dashboard")


@pytest.mark.parametrize("nxt", UNSAFE_NEXT)
def test_logout_with_an_unsafe_next_goes_home(alice_client, nxt):
    response = alice_client.post(reverse("account_logout") + "?" + urlencode({"next": nxt}))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("view", ["account_signup", "account_login"])
def test_a_safe_next_on_this_site_is_followed_after_signup_or_login(client, alice, view):
    data = GOOD if view == "account_signup" else {"login": "alice", "password": PASSWORD}
    response = client.post(reverse(view) + "?next=/roles/senior-ml-engineer/", data)

    assert response.status_code == 302
    assert response["Location"] == "/roles/senior-ml-engineer/"


def test_the_signup_page_does_not_carry_an_unsafe_next_into_its_form(client):
    page = client.get(reverse("account_signup") + "?next=dashboard").content.decode()

    assert 'name="next"' not in page and "dashboard" not in page.split("<form", 1)[1].split("</form>")[0]
