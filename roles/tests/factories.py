import factory
from django.utils.text import slugify

from roles.models import (
    FAQ,
    Certification,
    Course,
    DevelopmentSuggestion,
    Family,
    Role,
    RoleCertification,
    RoleCourse,
    RoleFieldSource,
    RoleSkill,
    SalaryBand,
    Skill,
    SkillKind,
    Source,
)
from roles.sources import ensure_shipped


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Family {n}")
    slug = factory.LazyAttribute(lambda f: slugify(f.name))


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    family = factory.SubFactory(FamilyFactory)
    title = factory.Sequence(lambda n: f"Role {n}")
    slug = factory.LazyAttribute(lambda r: slugify(r.title))
    summary = factory.LazyAttribute(lambda r: f"What a {r.title} does, in one line.")
    is_published = True


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Skill {n:04d}")
    slug = factory.LazyAttribute(lambda s: slugify(s.name))
    category = "General"


class RoleSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleSkill

    role = factory.SubFactory(RoleFactory)
    skill = factory.SubFactory(SkillFactory)
    kind = SkillKind.REQUIRED
    target = 3
    order = factory.Sequence(lambda n: n)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Course {n:04d}")
    slug = factory.LazyAttribute(lambda c: slugify(c.title))
    provider = "Example Academy"
    url = factory.LazyAttribute(lambda c: f"https://example.com/{c.slug}")

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        """`skills=[skill, ...]` (each reached to level `skills__level`, 3 by default) or `[(skill, level), ...]`."""
        if create and extracted:
            default = kwargs.get("level", 3)
            for order, item in enumerate(extracted):
                skill, level = item if isinstance(item, tuple) else (item, default)
                self.skill_links.create(skill=skill, level=level, order=order)


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Certification {n:04d}")
    slug = factory.LazyAttribute(lambda c: slugify(c.name))
    issuer = "Example Board"

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        """`skills=[skill, ...]` (each reached to level `skills__level`, 3 by default) or `[(skill, level), ...]`."""
        if create and extracted:
            default = kwargs.get("level", 3)
            for order, item in enumerate(extracted):
                skill, level = item if isinstance(item, tuple) else (item, default)
                self.skill_links.create(skill=skill, level=level, order=order)


class RoleCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleCourse

    role = factory.SubFactory(RoleFactory)
    course = factory.SubFactory(CourseFactory)


class RoleCertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleCertification

    role = factory.SubFactory(RoleFactory)
    certification = factory.SubFactory(CertificationFactory)


class SalaryBandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalaryBand

    role = factory.SubFactory(RoleFactory)
    level = "Senior"
    low = 100_000
    high = 150_000


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DevelopmentSuggestion

    role = factory.SubFactory(RoleFactory)
    text = factory.Sequence(lambda n: f"Suggestion {n}")


def make_role(*, required=3, differentiating=1, courses=0, **role_kwargs):
    """A published role with `required` + `differentiating` skills (targets 3 and 2)
    and `courses` courses, each teaching one of its skills."""
    role = RoleFactory(**role_kwargs)
    for i in range(required):
        RoleSkillFactory(role=role, kind=SkillKind.REQUIRED, target=3, order=i)
    for i in range(differentiating):
        RoleSkillFactory(role=role, kind=SkillKind.DIFFERENTIATING, target=2, order=required + i)
    role_skills = list(role.role_skills.select_related("skill"))
    for i in range(courses):
        course = CourseFactory(skills=[role_skills[i % len(role_skills)].skill])
        RoleCourseFactory(role=role, course=course, order=i)
    return role


def shipped_source(key):
    """One of the shipped sources (created if a transactional test flushed them)."""
    ensure_shipped(Source)
    return Source.objects.get(key=key)


EDITOR_NOTE = "Merged from two guides; keep an eye on the salary table."


def sourced_guide():
    """A guide whose skills, salary band and FAQ cite published sources and carry an editor note."""
    role = make_role(title="Widget Lead", required=2, differentiating=1, median_salary=150_000)
    decipheru = shipped_source("decipheru")
    for rs in role.role_skills.all():
        rs.sources.set([decipheru])
        rs.editor_note = EDITOR_NOTE
        rs.note = "What the role needs, for readers."
        rs.save()
    RoleFieldSource.objects.create(role=role, field="median_salary", source=decipheru)
    band = SalaryBand.objects.create(role=role, level="Widget Lead", low=100_000, high=150_000, editor_note=EDITOR_NOTE)
    band.sources.set([decipheru])
    faq = FAQ.objects.create(role=role, question="Is it hard?", answer="Sometimes.", editor_note=EDITOR_NOTE)
    faq.sources.set([decipheru, shipped_source("career-guide")])
    return role
