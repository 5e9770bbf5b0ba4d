"""A person's own data: download it all, delete it all, and the password rules that guard the account."""

import json

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import PASSWORD
from assessments import account_data, services
from assessments.models import Assessment, Rating, ShareLink
from assessments.tests.factories import draft_for, shared
from careerpath.owner import Owner
from roles.models import Course, Family, Role, RoleCourse, RoleSkill, Skill
from roles.tests.factories import make_role

pytestmark = pytest.mark.django_db

ALICE_NOTE = "Led the feature-store migration (alice's evidence)"
BOB_NOTE = "BOB-PRIVATE-EVIDENCE shipped the ranking model"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def data(alice, bob):
    """alice: a submitted report with evidence, a share link and a plan, plus a draft; bob: the same."""
    role = make_role(required=3, differentiating=1, courses=1, title="Data Wrangler")
    other = make_role(required=2, differentiating=0, title="Pipeline Plumber")
    skills = [rs.skill for rs in role.role_skills.select_related("skill").order_by("order")]
    made = {}
    for user, note, name in ((alice, ALICE_NOTE, "Alice A."), (bob, BOB_NOTE, "BOB-SHARE-NAME")):
        draft = draft_for(user, role, {s.slug: 3 for s in skills})
        services.save_rating(assessment=draft, skill=skills[0], level=1, evidence=note)
        submitted, _ = services.submit_assessment(assessment=draft)
        _link, share_path = shared(submitted, display_name=name)
        plan, _ = services.create_plan(assessment=submitted)
        plan_item = plan.items.first()
        services.update_plan_item(
            item=plan_item, action=f"{name} will pair weekly", target_date=None, notes="", status="in_progress"
        )
        made[user.username] = {"submitted": submitted, "draft": draft_for(user, other), "share_path": share_path}
    return {"role": role, "other": other, **made}


def role_rows():
    return {m.__name__: m.objects.count() for m in (Role, Family, Skill, RoleSkill, Course, RoleCourse)}


def owned_rows(user):
    """{"app.Model": rows `user` owns} for every model assessments' part of the download declares
    (assessments.account_data.MODELS), each read through its owner declaration (`owned_by`)."""
    owner = Owner.of_user(user)
    return {label: apps.get_model(label).objects.owned_by(owner).count() for label in account_data.MODELS}


# --- Download my data ---------------------------------------------------------------------------


def test_download_my_data_is_one_json_attachment_that_is_not_cached(alice_client, data):
    response = alice_client.get(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="careerpath-my-data-')
    assert "no-store" in response["Cache-Control"]
    json.loads(response.content)


def test_download_my_data_holds_the_account_every_assessment_rating_note_share_and_plan(alice_client, alice, data):
    payload = json.loads(alice_client.get(reverse("accounts:export")).content)

    assert set(payload) >= {"account", "assessments"}
    assert payload["account"]["username"] == "alice"
    assert payload["account"]["email"] == alice.email
    assert "password" not in json.dumps(payload["account"]).lower()
    assert payload["email_addresses"] == [{"email": alice.email, "verified": True, "primary": True}]

    by_id = {a["id"]: a for a in payload["assessments"]}
    mine = Assessment.objects.filter(user=alice)
    assert set(by_id) == set(mine.values_list("pk", flat=True))
    submitted = by_id[data["alice"]["submitted"].pk]
    assert submitted["status"] == "submitted"
    assert submitted["role"]["slug"] == data["role"].slug
    assert len(submitted["ratings"]) == 4
    assert {"skill", "level", "evidence"} <= set(submitted["ratings"][0])
    assert ALICE_NOTE in [r["evidence"] for r in submitted["ratings"]]
    assert [s["display_name"] for s in submitted["share_links"]] == ["Alice A."]
    ticks = {"include_plan", "include_current_role", "include_evidence", "include_reviews"}
    assert ticks <= set(submitted["share_links"][0])  # each tick the owner chose, reviews off by default
    assert submitted["share_links"][0]["include_reviews"] is False
    assert submitted["plan"] and submitted["plan"][0]["action"] == "Alice A. will pair weekly"
    draft = by_id[data["alice"]["draft"].pk]
    assert draft["status"] == "draft"
    assert draft["plan"] is None
    total_ratings = sum(len(a["ratings"]) for a in payload["assessments"])
    assert total_ratings == Rating.objects.filter(assessment__user=alice).count()


def test_download_my_data_holds_nothing_of_bobs(alice_client, bob, data):
    text = alice_client.get(reverse("accounts:export")).content.decode()
    for secret in ("bob", bob.email, BOB_NOTE, "BOB-SHARE-NAME", "BOB-SHARE-NAME will pair weekly"):
        assert secret not in text
    assert data["bob"]["share_path"] not in text
    assert ShareLink.objects.get(assessment__user=bob).token_digest not in text
    ids = {a["id"] for a in json.loads(text)["assessments"]}
    assert not ids & set(Assessment.objects.filter(user=bob).values_list("pk", flat=True))


def test_download_my_data_with_no_assessments_is_still_a_valid_file(bob_client):
    payload = json.loads(bob_client.get(reverse("accounts:export")).content)
    assert payload["account"]["username"] == "bob"
    assert payload["assessments"] == []


def test_download_my_data_needs_login_and_a_get(client, alice_client):
    response = client.get(reverse("accounts:export"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert alice_client.post(reverse("accounts:export")).status_code == 405


# --- Delete my account --------------------------------------------------------------------------


def test_delete_page_asks_for_the_password(alice_client):
    response = alice_client.get(reverse("accounts:delete"))
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("password", ["", "wrong-password", PASSWORD.upper()])
def test_wrong_password_deletes_nothing_and_says_so(alice_client, alice, data, password):
    before = (owned_rows(alice), role_rows(), User.objects.count())
    response = alice_client.post(reverse("accounts:delete"), {"password": password})
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert (owned_rows(alice), role_rows(), User.objects.count()) == before
    assert alice_client.get(reverse("assessments:dashboard")).status_code == 200, "still logged in"


def test_deleting_the_account_removes_all_its_rows_and_keeps_bobs_and_the_roles(alice_client, alice, bob, data):
    bob_before, roles_before = owned_rows(bob), role_rows()
    assert all(owned_rows(alice).values()), "the fixture gives alice a row of every kind"

    response = alice_client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert not User.objects.filter(username="alice").exists()
    assert owned_rows(alice) == dict.fromkeys(owned_rows(alice), 0)
    assert not Assessment.objects.filter(user_id=alice.pk).exists()
    assert not Rating.objects.filter(evidence=ALICE_NOTE).exists()
    assert not ShareLink.objects.filter(display_name="Alice A.").exists()
    assert owned_rows(bob) == bob_before
    assert role_rows() == roles_before


def test_deleting_the_account_ends_the_session_and_the_share_links_stop_working(alice_client, data):
    assert Client().get(data["alice"]["share_path"]).status_code == 200
    cookie = alice_client.cookies["sessionid"].value
    alice_client.post(reverse("accounts:delete"), {"password": PASSWORD})

    replay = Client()
    replay.cookies["sessionid"] = cookie
    response = replay.get(reverse("assessments:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Client().get(data["alice"]["share_path"]).status_code == 404


def test_delete_needs_login(client):
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Password rules -------------------------------------------------------------------------------

WEAK = [
    pytest.param("Sh0rt!pw", "too short", id="shorter-than-10"),
    pytest.param("password123", "too common", id="common"),
    pytest.param("83920175463", "entirely numeric", id="numeric"),
    pytest.param("carolinewright", "too similar", id="like-the-username"),
]


@pytest.mark.parametrize(("password", "message"), WEAK)
def test_signup_refuses_a_weak_password(client, password, message):
    data = {"username": "carolinewright", "email": "cw@example.com", "password1": password, "password2": password}
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get("password1", []))
    assert not User.objects.filter(username="carolinewright").exists()


@pytest.mark.parametrize(("password", "message"), WEAK)
def test_password_change_refuses_a_weak_password(alice, password, message):
    alice.username = "carolinewright"
    alice.save()
    client = Client()
    client.force_login(alice)
    data = {"oldpassword": PASSWORD, "password1": password, "password2": password}
    response = client.post(reverse("account_change_password"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get("password1", []))
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_password_change_needs_the_old_password(alice_client, alice):
    data = {"oldpassword": "wrong", "password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"}
    response = alice_client.post(reverse("account_change_password"), data)
    assert response.status_code == 200
    assert "oldpassword" in response.context["form"].errors
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_passwords_are_stored_hashed_with_a_strong_default_hasher(settings):
    from django.conf import global_settings

    # The project keeps Django's default list (PBKDF2 first); only these tests swap in a fast hasher.
    from careerpath import settings as project_settings

    assert getattr(project_settings, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)[0].endswith(
        ("PBKDF2PasswordHasher", "Argon2PasswordHasher", "ScryptPasswordHasher")
    )
