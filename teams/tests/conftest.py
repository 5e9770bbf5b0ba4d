import pytest

from assessments.tests.factories import submitted_for
from roles.tests.factories import CourseFactory, make_role
from teams import services
from teams.models import Membership
from teams.tests.factories import join, team_of


@pytest.fixture
def role(db):
    role = make_role(required=3, differentiating=1, title="Data Wrangler")
    skills = [rs.skill for rs in role.role_skills.select_related("skill").order_by("order")]
    CourseFactory(title="Wrangling 101", skills=skills[:2])
    return role


@pytest.fixture
def team(alice):
    return team_of(alice)


@pytest.fixture
def manager(team, bob):
    """bob manages alice's team (and shares nothing himself)."""
    return join(team, bob, role=Membership.Role.MANAGER)


@pytest.fixture
def assigned(team, role, alice):
    return services.assign_role(team=team, by=alice, role=role)


def member_with_report(team, role, *, consent, level=2, username=None, evidence=False, plan=False):
    from accounts.tests.factories import UserFactory

    user = UserFactory(username=username) if username else UserFactory()
    m = join(team, user, consent=consent, evidence=evidence, plan=plan)
    submitted_for(user, role, level=level)
    return m
