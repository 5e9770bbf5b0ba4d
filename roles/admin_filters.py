"""Admin list filters that show editors where the content has holes."""

from django.contrib import admin
from django.db.models import Exists, OuterRef

from .models import CertificationSkill, CourseSkill, DevelopmentSuggestion, RoleSkill


def skills_without_a_way_forward(skills):
    """The skills that some role needs but whose gap report would offer nothing for them: no course
    or certification teaches them, and that role has no development suggestion tied to them. A gap
    report then falls back on the next level's descriptor."""
    suggestion_in_role = DevelopmentSuggestion.objects.filter(
        role_id=OuterRef("role_id"), skill_id=OuterRef("skill_id")
    )
    role_without_suggestion = RoleSkill.objects.filter(skill_id=OuterRef("pk")).exclude(Exists(suggestion_in_role))
    return (
        skills.filter(Exists(role_without_suggestion))
        .exclude(Exists(CourseSkill.objects.filter(skill_id=OuterRef("pk"))))
        .exclude(Exists(CertificationSkill.objects.filter(skill_id=OuterRef("pk"))))
    )


class ContentHoleFilter(admin.SimpleListFilter):
    """Skills that are a gap in some role with no offering or suggestion to close it."""

    title = "way forward in gap reports"
    parameter_name = "content_hole"

    def lookups(self, request, model_admin):
        return [("yes", "Gap with no offering or suggestion")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return skills_without_a_way_forward(queryset)
        return queryset
