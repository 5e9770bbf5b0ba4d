"""Every endpoint runs the same number of SQL queries for 2 rows as for 20 (a page of 20), and
within its budget. Each is measured on a second call (the first records the token's use), once
with 2 rows and again after growing to 20. On failure the SQL of the larger call is printed."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from api.tests.factories import bearer, token_for
from assessments import services
from assessments.tests.factories import draft_for, submitted_for
from roles.models import RoleCourse
from roles.tests.factories import CourseFactory, RoleSkillFactory, make_role
from teams import services as team_services
from teams.models import Membership
from teams.tests.factories import join, team_of

pytestmark = pytest.mark.django_db


def measure(client, url):
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return queries


def assert_constant(small, large, budget):
    sql = "\n".join(q["sql"] for q in large.captured_queries)
    assert len(small) == len(large), f"{len(small)} queries for 2 rows, {len(large)} for 20:\n{sql}"
    assert len(large) <= budget, f"{len(large)} queries, over the budget of {budget}:\n{sql}"


@pytest.fixture
def api(alice):
    return Client(**bearer(token_for(alice)[1]))


def test_roles_list(api):
    for n in range(2):
        make_role(title=f"Role {n:02d}", required=2)
    small = measure(api, "/api/v1/roles/?page_size=20")
    for n in range(2, 20):
        make_role(title=f"Role {n:02d}", required=2)
    assert_constant(small, measure(api, "/api/v1/roles/?page_size=20"), budget=2)


def test_role_detail(api):
    role = make_role(title="Data Wrangler", required=2, differentiating=0, courses=2)
    small = measure(api, "/api/v1/roles/data-wrangler/")
    for i in range(18):
        RoleSkillFactory(role=role, order=10 + i)
        RoleCourse.objects.create(role=role, course=CourseFactory(skills=[role.role_skills.first().skill]), order=5 + i)
    assert_constant(small, measure(api, "/api/v1/roles/data-wrangler/"), budget=9)


def test_skills_list_and_detail(api):
    role = make_role(title="Data Wrangler", required=2, differentiating=0)
    skill = role.role_skills.first().skill
    small = measure(api, "/api/v1/skills/?page_size=20"), measure(api, f"/api/v1/skills/{skill.slug}/")
    for n in range(18):
        make_role(title=f"Other {n:02d}", required=1, differentiating=0)
        RoleSkillFactory(role=make_role(title=f"User {n:02d}", required=0, differentiating=0), skill=skill)
    assert_constant(small[0], measure(api, "/api/v1/skills/?page_size=20"), budget=2)
    assert_constant(small[1], measure(api, f"/api/v1/skills/{skill.slug}/"), budget=3)


def test_my_assessments_and_plans(alice, api):
    def grow(start, stop):
        for n in range(start, stop):
            role = make_role(title=f"Role {n:02d}", required=2, differentiating=0)
            services.create_plan(assessment=submitted_for(alice, role, level=1))
            draft_for(alice, role)

    grow(0, 2)  # 2 plans, 4 assessments
    small = measure(api, "/api/v1/me/assessments/?page_size=20"), measure(api, "/api/v1/me/plans/?page_size=20")
    grow(2, 20)  # 20 plans, 40 assessments (a full page of 20)
    large = measure(api, "/api/v1/me/assessments/?page_size=20"), measure(api, "/api/v1/me/plans/?page_size=20")
    assert_constant(small[0], large[0], budget=2)
    assert_constant(small[1], large[1], budget=3)


def test_my_report(alice, api):
    small_role = make_role(title="Small", required=2, differentiating=0, courses=1)
    large_role = make_role(title="Large", required=15, differentiating=5, courses=10)
    small = submitted_for(alice, small_role, level=1)
    large = submitted_for(alice, large_role, level=1)
    services.create_plan(assessment=small)
    services.create_plan(assessment=large)
    assert_constant(
        measure(api, f"/api/v1/me/assessments/{small.pk}/report/"),
        measure(api, f"/api/v1/me/assessments/{large.pk}/report/"),
        budget=7,
    )


def test_managed_teams(alice, api):
    role = make_role(title="Data Wrangler", required=1, differentiating=0)

    def grow(start, stop):
        for n in range(start, stop):
            team = team_of(alice, name=f"Team {n:02d}", slug=f"team-{n:02d}")
            team_services.assign_role(team=team, by=alice, role=role)

    grow(0, 2)
    small = measure(api, "/api/v1/teams/?page_size=20")
    grow(2, 20)
    assert_constant(small, measure(api, "/api/v1/teams/?page_size=20"), budget=4)


def test_team_matrix_and_completion(alice):
    role = make_role(title="Data Wrangler", required=3, differentiating=1)
    team = team_of(alice)
    team_services.assign_role(team=team, by=alice, role=role)
    api = Client(**bearer(token_for(alice)[1]))

    def grow(start, stop):
        for n in range(start, stop):
            member = UserFactory(username=f"member{n:02d}")
            join(team, member, consent=Membership.Consent.INDIVIDUAL, evidence=True, plan=True)
            services.create_plan(assessment=submitted_for(member, role, level=n % 4))

    urls = (
        "/api/v1/teams/data-team/roles/data-wrangler/matrix/",
        "/api/v1/teams/data-team/roles/data-wrangler/completion/",
    )
    grow(0, 2)
    small = [measure(api, url) for url in urls]
    grow(2, 20)
    for before, url in zip(small, urls, strict=True):
        assert_constant(before, measure(api, url), budget=11)
