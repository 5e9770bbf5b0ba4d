"""The editors' admin: a role page (its fields and skills), its sections page, and the shared skills, courses and certifications."""

from adminsortable2.admin import SortableAdminBase, SortableTabularInline
from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from . import services
from . import spreadsheets as sheets
from .admin_editorial import DraftsOnly, EditorialPages, RowsOfDraftsOnly, can_publish, editorial_links
from .admin_filters import ContentHoleFilter
from .admin_rows import LabelledRowsMixin, SourcesWidget, labelled_rows
from .forms import RoleAdminForm, RoleSkillAdminForm, SalaryBandAdminForm
from .importing import RoleFileError
from .models import (
    FAQ,
    CareerMove,
    Certification,
    CertificationSkill,
    Course,
    CourseSkill,
    DevelopmentSuggestion,
    Family,
    HiringCompany,
    IndustrySector,
    LadderLevel,
    NextStep,
    Responsibility,
    Role,
    RoleCertification,
    RoleCourse,
    RoleFieldSource,
    RoleSkill,
    SalaryBand,
    Skill,
    SkillAlignment,
    Source,
    TransitionArtifact,
    TransitionPath,
)

# Inlines of the role page -------------------------------------------------------------------------


class RoleInline(DraftsOnly, LabelledRowsMixin, SortableTabularInline):
    """A section of the role page: rows in their `order`, which editors change by dragging.
    `sources` are the row's citations (readers see them); `editor_note` is for editors only."""

    extra = 0
    ordering = ["order", "id"]
    select_related = ()  # what each row's title (`__str__`) reads, fetched with the rows
    # adminsortable2's template, its group a focusable region: read-only (a published guide) on a
    # phone, the table scrolls sideways and has nothing else the keyboard can reach
    template = "admin/roles/edit_inline/sortable_tabular.html"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related(*self.select_related)
        if "sources" in {f.name for f in self.model._meta.many_to_many}:
            queryset = queryset.prefetch_related("sources")  # each row's citations in one query
        return queryset

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "sources":  # no add/change links around it: sources are edited on their own page
            return self.formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "editor_note":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 1, "cols": 30})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "sources":
            if not hasattr(request, "_source_options"):
                request._source_options = [(s.pk, str(s)) for s in Source.objects.all()]
            kwargs["widget"] = SourcesWidget(request._source_options, attrs={"size": 3})
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class RoleSkillInline(RoleInline):
    """Compact rows: the note lives on the row's own page (the change link)."""

    model = RoleSkill
    form = RoleSkillAdminForm
    autocomplete_fields = ["skill"]
    select_related = ["skill"]
    fields = ["skill", "kind", "target", "weight", "commonly_missing", "primary"]
    show_change_link = True


class ResponsibilityInline(RoleInline):
    model = Responsibility
    fields = ["section", "text", "sources", "editor_note"]


class DevelopmentSuggestionInline(RoleInline):
    model = DevelopmentSuggestion
    autocomplete_fields = ["skill"]
    select_related = ["skill"]
    fields = ["text", "skill", "sources", "editor_note"]


class NextStepInline(RoleInline):
    model = NextStep
    fields = ["text", "sources", "editor_note"]


class CareerMoveInline(RoleInline):
    model = CareerMove
    fk_name = "role"
    autocomplete_fields = ["to_role"]
    select_related = ["role", "to_role"]
    fields = ["kind", "to_role", "note", "sources", "editor_note"]


class LadderLevelInline(RoleInline):
    model = LadderLevel
    fk_name = "role"
    autocomplete_fields = ["rung_role"]
    select_related = ["rung_role"]
    fields = ["title", "years", "description", "rung_role", "sources", "editor_note"]


class TransitionPathInline(RoleInline):
    model = TransitionPath
    fk_name = "role"
    autocomplete_fields = ["from_role"]
    select_related = ["role", "from_role"]
    fields = ["from_role", "typical_months", "gap", "sources", "editor_note"]
    show_change_link = True


class SalaryBandInline(RoleInline):
    model = SalaryBand
    form = SalaryBandAdminForm
    fields = ["level", "low", "high", "currency", "notes", "sources", "editor_note"]


class RoleCourseInline(RoleInline):
    model = RoleCourse
    autocomplete_fields = ["course"]
    select_related = ["role", "course"]
    fields = ["course", "sources", "editor_note"]


class RoleCertificationInline(RoleInline):
    model = RoleCertification
    autocomplete_fields = ["certification"]
    select_related = ["role", "certification"]
    fields = ["certification", "sources", "editor_note"]


class HiringCompanyInline(RoleInline):
    model = HiringCompany
    fields = ["name", "sources", "editor_note"]


class IndustrySectorInline(RoleInline):
    model = IndustrySector
    fields = ["name", "sources", "editor_note"]


class FAQInline(RoleInline):
    model = FAQ
    fields = ["question", "answer", "sources", "editor_note"]


class RoleFieldSourceInline(DraftsOnly, LabelledRowsMixin, admin.TabularInline):
    """Unordered (the page shows each fact where it belongs), so not sortable like the sections."""

    model = RoleFieldSource
    extra = 0
    template = "admin/roles/edit_inline/tabular.html"  # Django's, its group a focusable region
    autocomplete_fields = ["source"]
    fields = ["field", "source"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("role", "source")

    verbose_name = "source of a header fact"
    verbose_name_plural = "sources of the role's own facts (summary, about, median salary, growth, AI impact)"


ROLE_ROW_INLINES = {
    inline.model: inline
    for inline in (
        RoleSkillInline,
        ResponsibilityInline,
        SalaryBandInline,
        TransitionPathInline,
        FAQInline,
        DevelopmentSuggestionInline,
        NextStepInline,
        CareerMoveInline,
        LadderLevelInline,
        RoleCourseInline,
        RoleCertificationInline,
        HiringCompanyInline,
        IndustrySectorInline,
        RoleFieldSourceInline,
    )
}

# Roles --------------------------------------------------------------------------------------------


# The sections page comes in parts (`?part=<key>`; the first part without it), each a few of the
# guide's sections in the guide's order, so that each page stays short, narrow and quick: at most
# 20 queries and 300 ms on the server (issue #29; docs/performance.md, "Admin pages").
# roles/tests/test_admin.py checks that every role row but the skills is in exactly one part.
SECTION_PARTS = {
    "work": (
        "Responsibilities and career paths",
        (Responsibility, LadderLevel, CareerMove, TransitionPath),
    ),
    "growth": ("Salary and development", (SalaryBand, DevelopmentSuggestion, NextStep)),
    "learning": ("Learning and who hires", (RoleCourse, RoleCertification, HiringCompany, IndustrySector)),
    "questions": ("Questions and the sources of the role’s own facts", (FAQ, RoleFieldSource)),
}
FIRST_PART = next(iter(SECTION_PARTS))


def sections_url(role_pk, part=FIRST_PART):
    url = reverse("admin:roles_role_sections", args=[role_pk])
    return url if part == FIRST_PART else f"{url}?part={part}"


def section_part(request):
    """The part of the sections page asked for (404 for a part that does not exist)."""
    part = request.GET.get("part") or FIRST_PART
    if part not in SECTION_PARTS:
        raise Http404(f"The sections page has no part “{part}”.")
    return part


class RoleSectionsAdmin(DraftsOnly, SortableAdminBase, admin.ModelAdmin):
    """A role guide's sections on pages of their own (`admin:roles_role_sections`, in parts), so the
    role page stays short: its fields and its skills. Not registered: RoleAdmin routes to it."""

    change_form_template = "admin/roles/role/sections.html"  # links to the role page and each part
    fields = ["title"]
    readonly_fields = ["title"]

    def get_inlines(self, request, obj):
        return [ROLE_ROW_INLINES[model] for model in SECTION_PARTS[section_part(request)][1]]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        part = section_part(request)
        parts = [(title, sections_url(object_id, key), key == part) for key, (title, _) in SECTION_PARTS.items()]
        extra_context = {**(extra_context or {}), "section_parts": parts}
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["title"] = f"{SECTION_PARTS[section_part(request)][0]}: {obj}"
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        part = section_part(request)
        saved = f"Saved “{SECTION_PARTS[part][0]}” of {obj}."
        if "_continue" in request.POST:
            self.message_user(request, f"{saved} You may edit it again below.", messages.SUCCESS)
            return redirect(sections_url(obj.pk, part))
        self.message_user(request, saved, messages.SUCCESS)
        return redirect("admin:roles_role_change", obj.pk)


@admin.register(Role)
class RoleAdmin(sheets.SpreadsheetAdmin, DraftsOnly, SortableAdminBase, admin.ModelAdmin):
    resource_classes = [sheets.RoleResource]
    form = RoleAdminForm
    list_display = ["title", "family", "status", "skill_count", "last_reviewed", "updated_at"]
    list_filter = ["is_published", "family", "is_entry_level"]
    list_select_related = ["family", "draft_of"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ["family"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "family", "summary", "is_entry_level", "last_reviewed"]}),
        ("About the role", {"fields": ["about"]}),
        (
            "Salary and demand",
            {"fields": ["median_salary", "salary_currency", "salary_note", "growth_outlook", "growth_trend"]},
        ),
        ("AI impact", {"fields": ["ai_impact_score", "ai_impact_label", "ai_impact_outlook"]}),
        ("Methodology", {"fields": ["methodology"]}),
        ("Editors only (never shown to readers)", {"fields": ["editor_note"]}),
    ]
    readonly_fields = ["editorial", "other_sections"]
    inlines = [ROLE_ROW_INLINES[RoleSkill]]  # the other role rows are on the sections page
    actions = ["publish", "unpublish", "duplicate"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets
        return [(None, {"fields": ["editorial", "other_sections"]}), *self.fieldsets]

    def get_urls(self):
        sections = RoleSectionsAdmin(Role, self.admin_site)
        return [
            path(
                "<path:object_id>/sections/",
                self.admin_site.admin_view(sections.change_view),
                name="roles_role_sections",
            ),
            *EditorialPages(self).urls(),
            *super().get_urls(),
        ]

    def has_publish_permission(self, request):
        return can_publish(request.user)

    @admin.display(description="Status")
    def status(self, role):
        if role.draft_of_id:
            return f"Draft of “{role.draft_of}”"
        return "Published" if role.is_published else "Not published"

    @admin.display(description="Publishing")
    def editorial(self, role):
        links = editorial_links(role)
        if role.draft_of_id:
            state = format_html(
                'A draft of <a href="{}">{}</a>: the public guide shows the published version until this draft is published.',
                reverse("admin:roles_role_change", args=[role.draft_of_id]),
                role.draft_of,
            )
        elif role.is_published:
            state = "Published. This page is read-only: edits go to a draft, which is published when reviewed."
        else:
            state = "Not published: only staff see it. Edit it here, then publish it."
        items = format_html_join(" · ", '<a href="{}">{}</a>', ((url, label) for label, url in links))
        return format_html("{}<br>{}", state, items)

    @admin.display(description="The guide's other sections")
    def other_sections(self, role):
        links = ((sections_url(role.pk, key), title) for key, (title, _) in SECTION_PARTS.items())
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(skill_count=Count("role_skills"))

    @admin.display(description="skills", ordering="skill_count")
    def skill_count(self, role):
        return role.skill_count

    @admin.action(description="Publish the selected roles and drafts", permissions=["publish"])
    def publish(self, request, queryset):
        published = []
        for role in queryset.exclude(is_published=True):
            try:
                published.append(services.publish(role=role, by=request.user))
            except (services.EditorialError, RoleFileError) as error:
                self.message_user(request, f"“{role}” was not published: {error}", messages.ERROR)
        count = len(published)
        if count:
            self.message_user(request, f"Published {count} role{'s' if count != 1 else ''}.", messages.SUCCESS)

    @admin.action(description="Unpublish the selected roles", permissions=["publish"])
    def unpublish(self, request, queryset):
        count = queryset.update(is_published=False, updated_at=timezone.now())
        self.message_user(request, f"Unpublished {count} role{'s' if count != 1 else ''}.", messages.SUCCESS)

    @admin.action(description="Duplicate the selected roles (as unpublished drafts)", permissions=["add"])
    def duplicate(self, request, queryset):
        copies = [services.duplicate_role(role=role) for role in queryset]
        self.message_user(
            request,
            "Created " + ", ".join(f"“{copy.title}” ({copy.slug})" for copy in copies) + ", unpublished.",
            messages.SUCCESS,
        )


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "role_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(role_count=Count("roles"))

    @admin.display(description="roles", ordering="role_count")
    def role_count(self, family):
        return family.role_count


# Shared skills, courses and certifications -------------------------------------------------------


class SkillAlignmentInline(LabelledRowsMixin, admin.TabularInline):
    """The skill in shared frameworks: ESCO (its URI), O*NET (its element ID) or another (name, code
    or URI). The shapes are checked when saved; nothing is fetched. Its inputs are named by column and
    row, as a guide's tables are."""

    model = SkillAlignment
    extra = 0
    template = "admin/roles/edit_inline/tabular.html"
    autocomplete_fields = ["source"]
    fields = ["framework", "framework_name", "code", "uri", "source", "order"]
    verbose_name = "alignment"
    verbose_name_plural = "alignments: the same skill in ESCO, O*NET or another framework"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("skill", "source")


@admin.register(Skill)
class SkillAdmin(sheets.SpreadsheetAdmin, admin.ModelAdmin):
    resource_classes = [sheets.SkillResource]
    list_display = ["name", "category", "role_count"]
    list_filter = ["category", ContentHoleFilter]
    search_fields = ["name", "slug", "category"]
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "description"]}),
        (
            "What each level looks like",
            {
                "description": "The skill's own words for each level of the 0-5 scale; shared by every role.",
                "fields": ["descriptor_1", "descriptor_2", "descriptor_3", "descriptor_4", "descriptor_5"],
            },
        ),
    ]

    inlines = [SkillAlignmentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(role_count=Count("role_skills"))

    @admin.display(description="roles", ordering="role_count")
    def role_count(self, skill):
        return skill.role_count


class CourseSkillInline(admin.TabularInline):
    model = CourseSkill
    extra = 0
    autocomplete_fields = ["skill"]
    fields = ["skill", "level", "order"]
    verbose_name = "skill taught"
    verbose_name_plural = "skills taught (and the level a learner reaches)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("course", "skill")


class CertificationSkillInline(admin.TabularInline):
    model = CertificationSkill
    extra = 0
    autocomplete_fields = ["skill"]
    fields = ["skill", "level", "order"]
    verbose_name = "skill covered"
    verbose_name_plural = "skills covered (and the level a holder has shown)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("certification", "skill")


@admin.register(Course)
class CourseAdmin(sheets.SpreadsheetAdmin, admin.ModelAdmin):
    resource_classes = [sheets.CourseResource]
    list_display = ["title", "provider", "format", "cost", "typical_length", "url"]
    list_filter = ["format", "cost"]
    search_fields = ["title", "slug", "provider"]
    prepopulated_fields = {"slug": ("title",)}
    inlines = [CourseSkillInline]


@admin.register(Certification)
class CertificationAdmin(sheets.SpreadsheetAdmin, admin.ModelAdmin):
    resource_classes = [sheets.CertificationResource]
    list_display = ["name", "issuer", "format", "cost", "typical_length", "url"]
    list_filter = ["cost"]
    search_fields = ["name", "slug", "issuer"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CertificationSkillInline]


# Transition paths, with their artifacts -----------------------------------------------------------


class TransitionArtifactInline(DraftsOnly, LabelledRowsMixin, SortableTabularInline):
    model = TransitionArtifact
    extra = 0
    ordering = ["order", "id"]
    fields = ["text"]


@admin.register(TransitionPath)
class TransitionPathAdmin(RowsOfDraftsOnly, SortableAdminBase, admin.ModelAdmin):
    list_display = ["__str__", "role", "from_role", "typical_months"]
    list_select_related = ["role", "from_role"]
    search_fields = ["role__title", "from_role__title", "gap"]
    autocomplete_fields = ["role", "from_role"]
    inlines = [TransitionArtifactInline]


# The rows of a role's sections, one list each (editors usually work on the role page) --------------


class RoleRowAdmin(RowsOfDraftsOnly, admin.ModelAdmin):
    list_display = ["__str__", "role", "order"]
    list_select_related = ["role"]
    list_filter = ["role__family"]
    autocomplete_fields = ["role"]


@admin.register(RoleSkill)
class RoleSkillAdmin(sheets.SpreadsheetAdmin, RoleRowAdmin):
    resource_classes = [sheets.RoleSkillResource]
    form = RoleSkillAdminForm
    list_display = ["skill", "role", "kind", "target", "weight", "commonly_missing", "primary"]
    list_editable = ["kind", "target", "weight"]
    list_select_related = ["role", "skill"]
    list_filter = [
        ("role", admin.RelatedOnlyFieldListFilter),
        "role__family",
        "kind",
        "target",
        "commonly_missing",
        "primary",
    ]
    list_per_page = 50
    search_fields = ["role__title", "skill__name"]
    autocomplete_fields = ["role", "skill"]

    def get_changelist_formset(self, request, **kwargs):
        return labelled_rows(super().get_changelist_formset(request, **kwargs))


@admin.register(Responsibility)
class ResponsibilityAdmin(RoleRowAdmin):
    list_display = ["__str__", "role", "section", "order"]
    list_filter = ["section"]
    search_fields = ["text", "role__title"]


@admin.register(DevelopmentSuggestion)
class DevelopmentSuggestionAdmin(RoleRowAdmin):
    list_display = ["__str__", "role", "skill", "order"]
    list_select_related = ["role", "skill"]
    search_fields = ["text", "role__title"]
    autocomplete_fields = ["role", "skill"]


@admin.register(NextStep)
class NextStepAdmin(RoleRowAdmin):
    search_fields = ["text", "role__title"]


@admin.register(CareerMove)
class CareerMoveAdmin(RoleRowAdmin):
    list_display = ["role", "kind", "to_role", "order"]
    list_select_related = ["role", "to_role"]
    list_filter = ["kind"]
    search_fields = ["role__title", "to_role__title"]
    autocomplete_fields = ["role", "to_role"]


@admin.register(LadderLevel)
class LadderLevelAdmin(RoleRowAdmin):
    list_display = ["title", "role", "years", "rung_role", "order"]
    list_select_related = ["role", "rung_role"]
    search_fields = ["title", "role__title"]
    autocomplete_fields = ["role", "rung_role"]


@admin.register(SalaryBand)
class SalaryBandAdmin(RoleRowAdmin):
    form = SalaryBandAdminForm
    list_display = ["level", "role", "low", "high", "currency"]
    list_filter = ["currency"]
    search_fields = ["level", "role__title"]


@admin.register(RoleCourse)
class RoleCourseAdmin(RoleRowAdmin):
    list_display = ["course", "role", "order"]
    list_select_related = ["role", "course"]
    list_filter = []
    search_fields = ["course__title", "role__title"]
    autocomplete_fields = ["role", "course"]


@admin.register(RoleCertification)
class RoleCertificationAdmin(RoleRowAdmin):
    list_display = ["certification", "role", "order"]
    list_select_related = ["role", "certification"]
    list_filter = []
    search_fields = ["certification__name", "role__title"]
    autocomplete_fields = ["role", "certification"]


@admin.register(HiringCompany)
class HiringCompanyAdmin(RoleRowAdmin):
    list_display = ["name", "role", "order"]
    search_fields = ["name", "role__title"]


@admin.register(IndustrySector)
class IndustrySectorAdmin(RoleRowAdmin):
    list_display = ["name", "role", "order"]
    search_fields = ["name", "role__title"]


@admin.register(FAQ)
class FAQAdmin(RoleRowAdmin):
    list_display = ["question", "role", "order"]
    search_fields = ["question", "answer", "role__title"]


@admin.register(Source)
class SourceAdmin(sheets.SpreadsheetAdmin, admin.ModelAdmin):
    resource_classes = [sheets.SourceResource]
    list_display = ["short_name", "title", "publisher", "key", "date_reviewed", "is_editorial"]
    list_filter = ["is_editorial"]
    search_fields = ["key", "title", "short_name", "publisher"]
    prepopulated_fields = {"key": ("short_name",)}


@admin.register(TransitionArtifact)
class TransitionArtifactAdmin(RowsOfDraftsOnly, admin.ModelAdmin):
    list_display = ["__str__", "path", "order"]
    list_select_related = ["path__role", "path__from_role"]
    search_fields = ["text", "path__role__title", "path__from_role__title"]
    autocomplete_fields = ["path"]
