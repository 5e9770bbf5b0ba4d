import pytest

from accounts.tests.factories import UserFactory
from assessments.tests.factories import submitted_for
from roles.tests.factories import make_role


@pytest.fixture
def carol(db):
    """The reviewer."""
    return UserFactory(username="carol")


@pytest.fixture
def role(db):
    return make_role(required=3, differentiating=1, title="Model Shipper")


@pytest.fixture
def slugs(role):
    return [rs.skill.slug for rs in role.role_skills.select_related("skill").order_by("order", "id")]


@pytest.fixture
def submitted(alice, role, slugs):
    """Alice's submitted assessment: 3, 3, 1, 2 (targets 3, 3, 3, 2)."""
    return submitted_for(alice, role, levels={slugs[0]: 3, slugs[1]: 3, slugs[2]: 1, slugs[3]: 2})


@pytest.fixture
def team(alice, carol):
    """Alice's team, which carol has joined (bob is in no team with alice)."""
    from teams.tests.factories import join, team_of

    team = team_of(alice)
    join(team, carol)
    return team
