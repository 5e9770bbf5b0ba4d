"""The benchmark seeder (bench/seeding.py) at a tiny scale: the rows it makes, and the databases it refuses.

Runs the COPY path on PostgreSQL and the bulk_create path on SQLite.
"""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from assessments.models import Assessment, Plan, PlanItem, Rating
from assessments.reports import build_report
from bench.seeding import Command
from notices.models import Notice, NoticePreference
from notices.scan import run_scan
from roles.models import Course, Role, RoleCourse, RoleSkill, Skill
from roles.tests.factories import RoleFactory, RoleSkillFactory
from teams.models import Assignment, Membership, Team

PASSWORD = "bench-test-password"
SCALE = "0.001"  # 40 skills, 3 roles, 5 courses, 10 users, 50 assessments


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args):
    out, err = StringIO(), StringIO()
    call_command(Command(), "--scale", SCALE, *args, stdout=out, stderr=err)
    return out.getvalue()


def row_counts():
    return {
        "users": User.objects.count(),
        "roles": Role.objects.count(),
        "skills": Skill.objects.count(),
        "role skills": RoleSkill.objects.count(),
        "courses": Course.objects.count(),
        "assessments": Assessment.objects.count(),
        "ratings": Rating.objects.count(),
    }


@pytest.fixture
def senior_ml(db):
    role = RoleFactory(slug="senior-ml-engineer", title="Senior ML Engineer")
    for _ in range(3):
        RoleSkillFactory(role=role)
    return role


@pytest.mark.django_db
def test_seed_makes_the_scaled_rows(senior_ml):
    output = seed("--password", PASSWORD)

    assert "Seeded" in output
    bench_roles = Role.objects.filter(slug__startswith="bench-role-")
    assert bench_roles.count() == 2  # one small, one large
    assert all(role.is_published for role in bench_roles)
    assert Skill.objects.filter(slug__startswith="bench-skill-").count() == 40
    users = User.objects.filter(username__startswith="bench")
    assert users.count() == 10
    assert users.order_by("username").first().username == "bench00001"
    assert users.first().check_password(PASSWORD)
    # each has verified their address, so the notices benchmark mails them (mail goes to no other kind)
    assert {(a.user.email, a.primary) for a in EmailAddress.objects.filter(user__in=users, verified=True)} == {
        (user.email, True) for user in users
    }
    b300 = Role.objects.get(slug="benchmark-300")
    assert b300.is_published
    assert RoleSkill.objects.filter(role=b300).count() == 40  # 300 at full scale, capped by the 40 skills
    assert RoleCourse.objects.filter(role=b300).count() == 5  # 50 at full scale, capped by the 5 courses
    assessments = Assessment.objects.filter(user__username__startswith="bench")
    assert assessments.count() == 50
    assert assessments.filter(role=senior_ml).count() == 1
    assert assessments.filter(role=b300).count() == 1
    assert not assessments.exclude(status=Assessment.Status.SUBMITTED).exists()
    assert not assessments.filter(submitted_at__isnull=True).exists()


@pytest.mark.django_db
def test_every_skill_is_rated_and_the_snapshot_matches_the_ratings(senior_ml):
    seed("--password", PASSWORD)

    for assessment in Assessment.objects.select_related("role"):
        rows = {r.skill.slug: (r.level, r.evidence) for r in assessment.ratings.select_related("skill")}
        role_slugs = set(RoleSkill.objects.filter(role=assessment.role).values_list("skill__slug", flat=True))
        assert set(rows) == role_slugs
        snapshot = assessment.snapshot
        assert {s["slug"] for s in snapshot["skills"]} == role_slugs
        assert {slug: (r["level"], r["evidence"]) for slug, r in snapshot["ratings"].items()} == rows
    report = build_report(Assessment.objects.filter(role__slug="benchmark-300").get().snapshot)
    assert len(report.skills) == 40


@pytest.mark.django_db
def test_second_run_refuses_and_changes_nothing():
    seed("--password", PASSWORD)
    before = row_counts()

    with pytest.raises(CommandError, match="Refusing to seed.*10 users named bench.*--flush-bench"):
        seed("--password", PASSWORD)

    assert row_counts() == before


@pytest.mark.django_db
def test_flush_bench_replaces_the_earlier_bench_data(senior_ml):
    seed("--password", PASSWORD)
    before = row_counts()

    seed("--password", PASSWORD, "--flush-bench")

    assert row_counts() == before
    assert Role.objects.filter(slug="senior-ml-engineer").exists()


@pytest.mark.django_db
def test_refuses_a_database_with_many_roles_and_changes_nothing():
    RoleFactory.create_batch(51)
    before = row_counts()

    with pytest.raises(CommandError, match="51 roles"):
        seed("--password", PASSWORD, "--flush-bench")

    assert row_counts() == before


@pytest.mark.django_db
def test_needs_a_password(monkeypatch):
    monkeypatch.delenv("BENCH_PASSWORD", raising=False)

    with pytest.raises(CommandError, match="--password or the BENCH_PASSWORD"):
        seed()

    assert not User.objects.exists()


@pytest.mark.django_db
def test_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("BENCH_PASSWORD", PASSWORD)

    seed()

    assert User.objects.get(username="bench00001").check_password(PASSWORD)


@pytest.mark.django_db
def test_seed_makes_50_teams_the_first_of_every_bench_user_and_flush_removes_them(senior_ml):
    seed("--password", PASSWORD)
    teams = Team.objects.filter(slug__startswith="bench-team-")
    assert teams.count() == 50
    first = teams.get(slug="bench-team-01")
    assert first.memberships.count() == 10  # 200 at full scale, capped by the 10 users
    assert sorted(Assignment.objects.filter(team=first).values_list("role__slug", flat=True)) == [
        "benchmark-300",
        "senior-ml-engineer",
    ]
    sizes = [t.memberships.count() for t in teams]
    assert all(5 <= n <= 10 for n in sizes)
    assert all(t.memberships.filter(role="owner").count() == 1 for t in teams)
    assert set(Membership.objects.values_list("consent", flat=True)) <= {"nothing", "aggregates", "individual"}

    seed("--password", PASSWORD, "--flush-bench")
    assert Team.objects.filter(slug__startswith="bench-team-").count() == 50


@pytest.mark.django_db
def test_seed_makes_plans_and_notices_that_the_scan_reads_once(senior_ml):
    seed("--password", PASSWORD)
    users = User.objects.filter(username__startswith="bench").count()
    assert Plan.objects.count() == users  # one per bench user
    assert PlanItem.objects.count() >= users * 3
    assert Notice.objects.count() == 2 * users and not Notice.objects.unread().exists()
    assert NoticePreference.objects.count() % 2 == 0
    first = run_scan()
    assert first.notices > 0  # some of the items fall within the scan's windows
    assert run_scan().notices == 0
