"""A skill is public only while a published role uses it (`Skill.objects.visible_to`).

The penetration test's finding: an editor added "SECRET-DRAFT-SKILL" to an unpublished role, and
`GET /skills/secret-draft-skill/` answered 200 with its content to anyone. Now visitors and members
get a 404 for a skill that only unpublished roles use (or none does), staff see the page with an
"Unpublished preview" banner, and a published guide never names such a skill either (a course of a
published role may also teach a skill of a draft).
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from roles.models import Skill

from .factories import CourseFactory, RoleCourseFactory, RoleSkillFactory, SkillFactory, make_role

pytestmark = pytest.mark.django_db

BANNER = "Unpublished preview."


@pytest.fixture
def secret(db):
    """A skill that only an unpublished role uses."""
    skill = SkillFactory(name="SECRET-DRAFT-SKILL", slug="secret-draft-skill", description="Do not publish yet.")
    RoleSkillFactory(
        skill=skill, role=make_role(title="Hidden Draft", is_published=False, required=0, differentiating=0)
    )
    return skill


def test_a_skill_of_unpublished_roles_only_is_404_for_visitors_and_members(client, alice_client, secret):
    for person in (client, alice_client):
        response = person.get(reverse("roles:skill", args=["secret-draft-skill"]))
        assert response.status_code == 404
        assert "SECRET-DRAFT-SKILL" not in response.content.decode()
        assert "Do not publish yet." not in response.content.decode()


def test_staff_see_a_skill_of_unpublished_roles_with_a_preview_banner(staff_client, secret):
    response = staff_client.get(secret.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert BANNER in html and "No published role uses this skill" in html
    assert "SECRET-DRAFT-SKILL" in html and "Hidden Draft" in html


def test_a_staff_preview_is_never_served_to_a_visitor_from_the_cache(staff_client, client, secret):
    assert staff_client.get(secret.get_absolute_url()).status_code == 200  # stored for staff
    assert client.get(secret.get_absolute_url()).status_code == 404


def test_a_skill_no_role_uses_is_404_for_visitors_and_a_preview_for_staff(client, alice_client, staff_client):
    skill = SkillFactory(name="Orphan Skill", slug="orphan-skill")
    assert client.get(skill.get_absolute_url()).status_code == 404
    assert alice_client.get(skill.get_absolute_url()).status_code == 404
    assert BANNER in staff_client.get(skill.get_absolute_url()).content.decode()


def test_a_skill_of_a_published_role_is_public_with_no_banner(client, staff_client, secret):
    RoleSkillFactory(skill=secret, role=make_role(title="Public Role", required=0, differentiating=0))
    for person in (client, staff_client):
        html = person.get(secret.get_absolute_url()).content.decode()
        assert "SECRET-DRAFT-SKILL" in html and "Public Role" in html
        assert BANNER not in html


@pytest.mark.django_db(transaction=True)  # the content revision moves when a transaction commits
def test_unpublishing_the_last_role_that_uses_a_skill_hides_it_from_a_warm_cache(client):
    role = make_role(title="Only User", required=1, differentiating=0)
    skill = role.role_skills.get().skill
    assert client.get(skill.get_absolute_url()).status_code == 200
    role.is_published = False
    role.save()
    assert client.get(skill.get_absolute_url()).status_code == 404


def test_a_published_guide_does_not_name_a_skill_of_a_draft_among_what_a_course_teaches(client, staff_client, secret):
    role = make_role(title="Public Role", required=1, differentiating=0)
    course = CourseFactory(title="Secret Course", skills=[role.role_skills.get().skill, secret])
    RoleCourseFactory(role=role, course=course, order=0)
    html = client.get(role.get_absolute_url()).content.decode()
    assert "Secret Course" in html
    assert "SECRET-DRAFT-SKILL" not in html and "/skills/secret-draft-skill/" not in html
    assert "SECRET-DRAFT-SKILL" in staff_client.get(role.get_absolute_url()).content.decode()


def test_visible_to_is_the_one_rule(alice, staff, secret):
    public = make_role(title="Public Role", required=1, differentiating=0).role_skills.get().skill
    orphan = SkillFactory(name="Orphan Skill")
    everyone = {public.pk, secret.pk, orphan.pk}
    assert set(Skill.objects.visible_to(AnonymousUser()).values_list("pk", flat=True)) == {public.pk}
    assert set(Skill.objects.visible_to(alice).values_list("pk", flat=True)) == {public.pk}
    assert set(Skill.objects.visible_to(staff).values_list("pk", flat=True)) == everyone
    offered = dict(Skill.objects.visible_to(staff).values_list("pk", "is_offered"))
    assert offered == {public.pk: True, secret.pk: False, orphan.pk: False}
