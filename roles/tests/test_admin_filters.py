"""Editors can list the skills a gap report would have nothing to offer for (issue #15)."""

import pytest
from django.urls import reverse

from roles.admin_filters import skills_without_a_way_forward
from roles.models import Skill
from roles.tests.factories import (
    CertificationFactory,
    CourseFactory,
    RoleFactory,
    RoleSkillFactory,
    SkillFactory,
    SuggestionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    role, other = RoleFactory(title="Data Wrangler"), RoleFactory(title="Pipeline Plumber")
    skills = {
        name: SkillFactory(name=name)
        for name in ("Bare", "Taught", "Certified", "Advised", "Advised elsewhere", "Unused")
    }
    for name in ("Bare", "Taught", "Certified", "Advised", "Advised elsewhere"):
        RoleSkillFactory(role=role, skill=skills[name])
    CourseFactory(skills=[skills["Taught"]])
    CertificationFactory(skills=[skills["Certified"]])
    SuggestionFactory(role=role, skill=skills["Advised"], text="Pair with a senior.")
    RoleSkillFactory(role=other, skill=skills["Advised elsewhere"])
    SuggestionFactory(role=other, skill=skills["Advised elsewhere"], text="Read the runbook.")
    return skills


def test_a_skill_is_a_hole_when_a_role_needs_it_and_nothing_in_that_role_or_the_catalogue_helps(catalogue):
    holes = skills_without_a_way_forward(Skill.objects.all())

    # "Advised elsewhere" has a suggestion in Pipeline Plumber only: Data Wrangler's report has nothing.
    assert sorted(s.name for s in holes) == ["Advised elsewhere", "Bare"]


def test_the_skill_changelist_filters_to_content_holes(staff_client, catalogue):
    url = reverse("admin:roles_skill_changelist")

    response = staff_client.get(url, {"content_hole": "yes"})

    assert response.status_code == 200
    shown = [s.name for s in response.context["cl"].result_list]
    assert sorted(shown) == ["Advised elsewhere", "Bare"]
    assert "Gap with no offering or suggestion" in response.content.decode()
    assert len(staff_client.get(url).context["cl"].result_list) == 6
