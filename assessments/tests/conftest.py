import pytest


@pytest.fixture
def role(db):
    """A published role with 3 required skills (target 3) and 1 differentiating (target 2), in two
    areas (categories), so in two steps: the required skills, then the differentiating one."""
    from roles.tests.factories import make_role

    role = make_role(required=3, differentiating=1, courses=2, title="Data Wrangler")
    differentiating = role.role_skills.select_related("skill").get(kind="differentiating").skill
    differentiating.category = "Craft"
    differentiating.save(update_fields=["category"])
    return role


@pytest.fixture
def skills(role):
    return [rs.skill for rs in role.role_skills.select_related("skill").order_by("order")]
