from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from roles.models import Role, RoleSkill, SalaryBand, SkillKind

from .factories import RoleFactory, RoleSkillFactory, SalaryBandFactory, SkillFactory

pytestmark = pytest.mark.django_db


def test_a_skill_can_be_listed_only_once_per_role():
    rs = RoleSkillFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleSkill.objects.create(role=rs.role, skill=rs.skill, kind=SkillKind.DIFFERENTIATING, target=2)
    assert RoleSkill.objects.count() == 1


@pytest.mark.parametrize("target", [0, 6])
def test_target_must_be_between_1_and_5(target):
    role, skill = RoleFactory(), SkillFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleSkill.objects.create(role=role, skill=skill, target=target)
    assert not RoleSkill.objects.exists()


@pytest.mark.parametrize("weight", [Decimal("0"), Decimal("-1")])
def test_weight_must_be_positive(weight):
    role, skill = RoleFactory(), SkillFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleSkill.objects.create(role=role, skill=skill, target=3, weight=weight)
    assert not RoleSkill.objects.exists()


def test_salary_band_low_cannot_exceed_high():
    role = RoleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SalaryBand.objects.create(role=role, level="Senior", low=200_000, high=100_000)
    assert not SalaryBand.objects.exists()


def test_salary_band_low_equal_to_high_is_fine():
    band = SalaryBandFactory(low=150_000, high=150_000)
    assert str(band) == "Senior: USD 150,000–150,000"


def test_ai_impact_score_cannot_exceed_100():
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleFactory(ai_impact_score=101)
    assert not Role.objects.exists()
    assert RoleFactory(ai_impact_score=100).ai_impact_score == 100


def test_published_returns_only_published_roles():
    published = RoleFactory(is_published=True)
    RoleFactory(is_published=False)
    assert list(Role.objects.published()) == [published]


def test_visible_to_shows_unpublished_roles_to_staff_only(alice, staff):
    from django.contrib.auth.models import AnonymousUser

    published = RoleFactory(title="A published", is_published=True)
    draft = RoleFactory(title="B draft", is_published=False)
    assert list(Role.objects.visible_to(AnonymousUser())) == [published]
    assert list(Role.objects.visible_to(alice)) == [published]
    assert list(Role.objects.visible_to(staff)) == [published, draft]


def test_default_weights_are_applied_on_save():
    role = RoleFactory()
    required = RoleSkill.objects.create(role=role, skill=SkillFactory(), kind=SkillKind.REQUIRED, target=3)
    differentiating = RoleSkill.objects.create(
        role=role, skill=SkillFactory(), kind=SkillKind.DIFFERENTIATING, target=2
    )
    custom = RoleSkill.objects.create(role=role, skill=SkillFactory(), target=3, weight=Decimal("2.5"))
    required.refresh_from_db()
    differentiating.refresh_from_db()
    custom.refresh_from_db()
    assert required.weight == Decimal("1.0")
    assert differentiating.weight == Decimal("0.5")
    assert custom.weight == Decimal("2.5")


def test_effective_weight_falls_back_to_the_default_when_unsaved():
    rs = RoleSkill(kind=SkillKind.DIFFERENTIATING, target=2)
    assert rs.effective_weight == Decimal("0.5")


def test_skill_descriptor_returns_the_levels_own_words_or_blank():
    skill = SkillFactory(descriptor_1="Has read about it.", descriptor_4="Leads the design.")
    assert skill.descriptor(1) == "Has read about it."
    assert skill.descriptor(4) == "Leads the design."
    assert skill.descriptor(2) == ""
    assert skill.descriptor(0) == ""
    assert skill.descriptor(6) == ""
    assert skill.descriptor(None) == ""
    assert skill.descriptors == {1: "Has read about it.", 4: "Leads the design."}


def test_role_and_skill_urls():
    role = RoleFactory(slug="data-engineer")
    skill = SkillFactory(slug="sql")
    assert role.get_absolute_url() == "/roles/data-engineer/"
    assert skill.get_absolute_url() == "/skills/sql/"


@pytest.mark.parametrize("level", [0, 6])
def test_an_offering_level_outside_1_to_5_is_refused_by_the_database(level):
    from django.db import IntegrityError, transaction

    from roles.models import CertificationSkill, CourseSkill
    from roles.tests.factories import CertificationFactory, CourseFactory, SkillFactory

    skill, course, certification = SkillFactory(), CourseFactory(), CertificationFactory()
    for model, owner in ((CourseSkill, {"course": course}), (CertificationSkill, {"certification": certification})):
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.create(skill=skill, level=level, **owner)
        assert not model.objects.exists()


def test_an_offering_lists_its_skills_through_their_levels():
    from roles.tests.factories import CourseFactory, SkillFactory

    python, sql = SkillFactory(name="Python"), SkillFactory(name="SQL")
    course = CourseFactory(skills=[(python, 3), (sql, 2)])

    assert list(course.skill_links.values_list("skill__name", "level")) == [("Python", 3), ("SQL", 2)]
    assert set(course.skills.all()) == {python, sql}
