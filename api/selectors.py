"""Reads for the API's public endpoints: the roles and skills a person may see, each with what its
endpoint shows prefetched, so a page of rows costs the same few queries whatever its size."""

from django.db.models import Prefetch

from careerpath.owner import Owner
from roles.models import (
    CertificationSkill,
    CourseSkill,
    Role,
    RoleCertification,
    RoleCourse,
    RoleFieldSource,
    RoleSkill,
    Skill,
)
from roles.views import search_roles

from .models import PersonalAccessToken


def roles_for(user, *, q="", family=None):
    """The roles `user` may see (published; staff also drafts), searched like the role list page."""
    return search_roles(Role.objects.visible_to(user), q=q, family=family).select_related("family")


def role_detail_for(user):
    """Roles `user` may see, each with its skills, offerings and sources prefetched."""
    visible_skills = Skill.objects.visible_to(user)
    return (
        Role.objects.visible_to(user)
        .select_related("family")
        .prefetch_related(
            Prefetch(
                "role_skills",
                queryset=RoleSkill.objects.select_related("skill").prefetch_related("sources").order_by("order", "id"),
            ),
            Prefetch(
                "role_courses",
                queryset=RoleCourse.objects.select_related("course")
                .prefetch_related(
                    "sources",
                    Prefetch(
                        "course__skill_links",
                        queryset=CourseSkill.objects.select_related("skill").filter(skill__in=visible_skills),
                    ),
                )
                .order_by("order", "id"),
            ),
            Prefetch(
                "role_certifications",
                queryset=RoleCertification.objects.select_related("certification")
                .prefetch_related(
                    "sources",
                    Prefetch(
                        "certification__skill_links",
                        queryset=CertificationSkill.objects.select_related("skill").filter(skill__in=visible_skills),
                    ),
                )
                .order_by("order", "id"),
            ),
            Prefetch("field_sources", queryset=RoleFieldSource.objects.select_related("source")),
        )
    )


def cited_sources(role):
    """Every source the role's facts, skills and offerings cite, once each, by key (from prefetches)."""
    found = {}
    for link in role.field_sources.all():
        found.setdefault(link.source.key, link.source)
    for rows in (role.role_skills.all(), role.role_courses.all(), role.role_certifications.all()):
        for row in rows:
            for source in row.sources.all():
                found.setdefault(source.key, source)
    return [found[key] for key in sorted(found)]


def skills_for(user, *, q="", category=""):
    skills = Skill.objects.visible_to(user)
    if q:
        skills = skills.filter(name__icontains=q)
    if category:
        skills = skills.filter(category__iexact=category)
    return skills


def skill_detail_for(user):
    """Skills `user` may see, each with the visible roles that need it."""
    roles = (
        RoleSkill.objects.filter(role__in=Role.objects.visible_to(user))
        .select_related("role")
        .order_by("role__title", "role_id")
    )
    return Skill.objects.visible_to(user).prefetch_related(Prefetch("role_skills", queryset=roles))


def account_data(user):
    """ "Download my data": the person's API tokens as the tokens page lists them (never a digest)."""
    return {
        "api_tokens": [
            {
                "name": t.name,
                "scopes": t.scopes.split(),
                "created_at": t.created_at,
                "expires_at": t.expires_at,
                "last_used_at": t.last_used_at,
                "revoked_at": t.revoked_at,
            }
            for t in PersonalAccessToken.objects.owned_by(Owner.of_user(user)).order_by("created_at", "id")
        ]
    }
