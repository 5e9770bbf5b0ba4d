"""A database that cannot answer or refuses writes: a 503 "we'll be right back", never a 500, and
nothing half-written (docs/reliability.md). Health checks: /healthz is liveness, /readyz readiness."""

import re

import pytest
from django.db import OperationalError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment, Rating
from assessments.tests.factories import draft_for, submitted_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def role(db):
    from roles.tests.factories import make_role

    return make_role(required=3, differentiating=1, title="Data Wrangler")


@pytest.fixture
def skills(role):
    return [rs.skill for rs in role.role_skills.select_related("skill").order_by("order")]


@pytest.fixture
def database_down(monkeypatch):
    """Every query fails as it does while PostgreSQL restarts (psycopg: OperationalError)."""

    def refuse(self, *args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    def switch():
        monkeypatch.setattr(CursorWrapper, "execute", refuse)
        monkeypatch.setattr(CursorWrapper, "executemany", refuse)

    return switch


@pytest.fixture
def read_only_database():
    """The database refuses writes, as a read-only PostgreSQL (or SQLite with query_only) does."""
    savepoint = []

    def switch():
        if connection.vendor == "postgresql":
            # Inside a savepoint of pytest-django's test transaction, so that rolling it back at the
            # end makes the transaction writable again for the teardown's constraint checks.
            savepoint.append(transaction.savepoint())
            statement = "SET TRANSACTION READ ONLY"
        else:
            statement = "PRAGMA query_only = ON"
        with connection.cursor() as cursor:
            cursor.execute(statement)

    yield switch
    if savepoint:
        transaction.savepoint_rollback(savepoint[0])
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = OFF")


def step_url(assessment, number=1):
    return reverse("assessments:step", args=[assessment.pk, number])


# --- health checks ------------------------------------------------------------------------------


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries, database_down):
    database_down()
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ok_when_the_database_and_cache_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_readyz_is_503_when_the_database_does_not_answer(client, database_down):
    database_down()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_health_checks_refuse_posts(client):
    assert client.post("/readyz").status_code == 405
    assert client.post("/healthz").status_code == 405


# --- database down: 503 with the friendly page ----------------------------------------------------


def test_a_page_while_the_database_restarts_is_the_friendly_503_with_retry_after(alice_client, role, database_down):
    database_down()
    response = alice_client.get(reverse("assessments:dashboard"))
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "We'll be right back" in body
    assert "Traceback" not in body and "OperationalError" not in body


def test_a_public_page_while_the_database_restarts_is_the_friendly_503(client, role, database_down):
    database_down()
    response = client.get(role.get_absolute_url())
    assert response.status_code == 503
    assert "We'll be right back" in response.content.decode()


def test_a_failure_outside_the_views_is_the_friendly_503_too(alice, role, monkeypatch):
    """A middleware that fails to reach the database (here: the session) gets the same page."""
    from django.contrib.sessions.backends import db

    def refuse(self):
        raise OperationalError("terminating connection due to administrator command")

    client = Client(raise_request_exception=False)
    client.force_login(alice)
    monkeypatch.setattr(db.SessionStore, "load", refuse)
    response = client.get(reverse("roles:list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "We'll be right back" in response.content.decode()


def test_an_autosave_while_the_database_restarts_is_a_503_in_json_and_saves_nothing(
    alice_client, alice, role, skills, database_down
):
    assessment = draft_for(alice, role, {skills[0].slug: 2})
    database_down()
    response = alice_client.post(
        reverse("assessments:rate", args=[assessment.pk]),
        {"skill": skills[0].slug, "level": 4},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 503
    assert response.json()["saved"] is False
    assert response["Retry-After"] == "5"


def test_other_database_errors_stay_500s(alice, role, monkeypatch):
    """Only what a retry can cure is a 503: a programming error is still a 500 (and is logged)."""
    from django.db import ProgrammingError

    def broken(self, *args, **kwargs):
        raise ProgrammingError("column does not exist")

    client = Client(raise_request_exception=False)
    client.force_login(alice)
    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get(reverse("assessments:dashboard"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


# --- the database refuses writes -------------------------------------------------------------------


def test_a_step_save_the_database_refuses_keeps_the_answers_on_the_page(
    alice_client, alice, role, skills, read_only_database
):
    assessment = draft_for(alice, role, {skills[0].slug: 1})
    data = {f"level-{s.slug}": 4 for s in skills[:3]} | {
        f"evidence-{skills[1].slug}": "Ran the migration",
        "continue": "1",
    }
    read_only_database()
    response = alice_client.post(step_url(assessment), data)
    body = response.content.decode()

    assert response.status_code == 503
    assert "We couldn&#x27;t save this right now; your answers are still on this page." in body
    checked = dict(re.findall(r'name="level-([\w-]+)" id="[^"]*" value="(\d)" checked', body))
    assert checked == {s.slug: "4" for s in skills[:3]}  # what was posted, not what is stored
    assert "Ran the migration" in body
    ratings = {r.skill.slug: (r.level, r.evidence) for r in Rating.objects.filter(assessment=assessment)}
    assert ratings == {skills[0].slug: (1, "")}


def test_an_autosave_the_database_refuses_is_a_503_the_page_script_retries(
    alice_client, alice, role, skills, read_only_database
):
    assessment = draft_for(alice, role, {skills[0].slug: 1})
    read_only_database()
    response = alice_client.post(
        reverse("assessments:rate", args=[assessment.pk]),
        {"skill": skills[0].slug, "level": 5},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 503
    assert response.json()["saved"] is False
    assert Rating.objects.get(assessment=assessment, skill=skills[0]).level == 1


def test_a_submit_that_fails_half_way_writes_nothing(alice_client, alice, role, skills, monkeypatch):
    """The submit is one transaction: a failure after the snapshot was written leaves the draft as it was."""
    from django.db.models.query import QuerySet

    assessment = draft_for(alice, role, {s.slug: 3 for s in skills})
    assessment.ratings.update(prefilled_at="2026-01-01T00:00:00Z")  # so the submit's last write has work to do

    real_update = QuerySet.update

    def fail_on_ratings(self, **kwargs):
        if self.model is Rating:
            raise OperationalError("could not extend file: No space left on device")
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", fail_on_ratings)
    response = alice_client.post(reverse("assessments:submit", args=[assessment.pk]), {"current_role": ""})
    monkeypatch.undo()

    assert response.status_code == 503
    fresh = Assessment.objects.get(pk=assessment.pk)
    assert fresh.status == Assessment.Status.DRAFT and fresh.submitted_at is None and not fresh.snapshot
    assert Rating.objects.filter(assessment=assessment, prefilled_at__isnull=False).count() == len(skills)


def test_after_the_database_comes_back_the_same_client_is_served_again(alice_client, alice, role, monkeypatch):
    submitted_for(alice, role)

    def refuse(self, *args, **kwargs):
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    assert alice_client.get(reverse("assessments:dashboard")).status_code == 503
    monkeypatch.undo()
    assert alice_client.get(reverse("assessments:dashboard")).status_code == 200
