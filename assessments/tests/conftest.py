import pytest


@pytest.fixture
def role(db):
    """A published role with 3 required skills (target 3) and 1 differentiating (target 2)."""
    from roles.tests.factories import make_role

    return make_role(required=3, differentiating=1, courses=2, title="Data Wrangler")


@pytest.fixture
def skills(role):
    return [rs.skill for rs in role.role_skills.select_related("skill").order_by("order")]
