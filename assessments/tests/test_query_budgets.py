"""Every assessment page runs the same number of SQL queries for small and large data.

Small: a role with 10 skills, a user with 1 assessment. Large: a role with 300 skills and
50 courses, a user with 50 assessments. Each page is rendered cold (empty cache) in both worlds;
the counts must be equal and within the stated budget. On failure the SQL is printed.
Budgets include the SAVEPOINT/RELEASE statements that atomic blocks issue inside a test's
transaction (in production they are a BEGIN/COMMIT that Django does not log).
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, Rating
from assessments.tests.factories import shared
from roles.models import Course, RoleCourse, RoleSkill, Skill, SkillKind
from roles.tests.factories import RoleFactory

pytestmark = pytest.mark.django_db


def build_role(n_skills, n_courses, title):
    role = RoleFactory(title=title)
    skills = Skill.objects.bulk_create(
        Skill(name=f"{title} skill {i:03d}", slug=f"{role.slug}-skill-{i:03d}", category=f"Cat {i % 4}")
        for i in range(n_skills)
    )
    RoleSkill.objects.bulk_create(
        RoleSkill(
            role=role,
            skill=s,
            kind=SkillKind.REQUIRED if i % 5 else SkillKind.DIFFERENTIATING,
            target=1 + i % 5,
            weight=1,
            order=i,
        )
        for i, s in enumerate(skills)
    )
    courses = Course.objects.bulk_create(
        Course(title=f"{title} course {i:03d}", slug=f"{role.slug}-course-{i:03d}", provider="Academy")
        for i in range(n_courses)
    )
    through = Course.skills.through
    through.objects.bulk_create(
        through(course_id=c.pk, skill_id=skills[(i * 7 + k) % n_skills].pk, level=3, order=k)
        for i, c in enumerate(courses)
        for k in range(3)
    )
    RoleCourse.objects.bulk_create(RoleCourse(role=role, course=c, order=i) for i, c in enumerate(courses[:10]))
    return role


def build_world(user, *, n_skills, n_courses, n_assessments, title):
    role = build_role(n_skills, n_courses, title)
    first, _ = services.start_assessment(role=role, user=user)
    Rating.objects.bulk_create(
        Rating(assessment=first, skill_id=skill_id, level=2)
        for skill_id in RoleSkill.objects.filter(role=role).values_list("skill_id", flat=True)
    )
    report, _ = services.submit_assessment(assessment=first)
    extra = [
        Assessment(
            user=user,
            role=role,
            status=Assessment.Status.SUBMITTED,
            snapshot=report.snapshot,
            submitted_at=report.submitted_at,
        )
        for _ in range(n_assessments - 1)
    ]
    Assessment.objects.bulk_create(extra)
    draft, _ = services.start_assessment(role=role, user=user)
    skill = role.role_skills.select_related("skill").first().skill
    _share, share_path = shared(report, display_name="Sam")
    services.create_plan(assessment=report)
    return {"role": role, "report": report, "draft": draft, "skill": skill, "share_path": share_path}


@pytest.fixture
def small(alice):
    return build_world(alice, n_skills=10, n_courses=3, n_assessments=1, title="Small")


@pytest.fixture
def large(bob):
    return build_world(bob, n_skills=300, n_courses=50, n_assessments=50, title="Large")


def count(client, method, url, data=None):
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {})
    assert response.status_code < 400, (url, response.status_code)
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


PAGES = {
    # name: (method, url builder, data builder, budget)
    # notices: +1 on every signed-in page (the navbar's unread count, filled per request, never cached)
    "dashboard": ("get", lambda w: reverse("assessments:dashboard"), None, 11),  # reviews: +2, asked and arrived
    "step": ("get", lambda w: reverse("assessments:step", args=[w["draft"].pk, 1]), None, 10),
    "autosave": (
        "post",
        lambda w: reverse("assessments:rate", args=[w["draft"].pk]),
        lambda w: {"skill": w["skill"].slug, "level": 3},
        # ... and the owner key's upsert after each of the two bulk writes (the draft's UPDATE, which
        # first reads whose draft it is, and the ratings' INSERT): assessments/owners.OwnedQuerySet
        12,
    ),
    # reviews: +1 each (the second-opinion counts on the page; the reviewer's and calibrated ratings in the JSON)
    "report": (
        "get",
        lambda w: reverse("assessments:report", args=[w["report"].pk]),
        None,
        19,
    ),  # with the owner key, the second-opinion counts, the guide's revisions since and the navbar's notices
    "report_json": ("get", lambda w: reverse("assessments:report_json", args=[w["report"].pk]), None, 9),
    "report_csv": ("get", lambda w: reverse("assessments:report_csv", args=[w["report"].pk]), None, 8),
    "shared": ("get", lambda w: w["share_path"], None, 8),
    "fit": ("get", lambda w: reverse("assessments:fit"), None, 12),  # the owner key (page, role fit) and calibrations
    "plan": ("get", lambda w: reverse("assessments:plan", args=[w["report"].pk]), None, 10),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_query_count_is_the_same_for_small_and_large_data(name, small, large, alice_client, bob_client):
    method, url, data, budget = PAGES[name]
    small_n, small_sql = count(alice_client, method, url(small), data(small) if data else None)
    large_n, large_sql = count(bob_client, method, url(large), data(large) if data else None)
    detail = "\n".join(["small:", *small_sql, "", "large:", *large_sql])
    assert small_n == large_n, f"{name}: {small_n} queries small vs {large_n} large\n{detail}"
    assert large_n <= budget, f"{name}: {large_n} queries, budget {budget}\n{detail}"


def test_submit_query_count_is_the_same_for_small_and_large_data(small, large, alice_client, bob_client):
    counts = []
    for client, world in ((alice_client, small), (bob_client, large)):
        draft = world["draft"]
        rows = [
            Rating(assessment=draft, skill_id=rs.skill_id, level=3)
            for rs in RoleSkill.objects.filter(role=world["role"])
        ]
        Rating.objects.filter(assessment=draft).delete()
        Rating.objects.bulk_create(rows)
        n, sql = count(client, "post", reverse("assessments:submit", args=[draft.pk]))
        draft.refresh_from_db()
        assert draft.is_submitted
        counts.append((n, sql))
    assert counts[0][0] == counts[1][0], "\n".join(counts[0][1] + ["", "large:"] + counts[1][1])
    assert counts[1][0] <= 30
