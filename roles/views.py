"""The public role pages: the list, a whole role guide, a skill, and the proficiency scale.

Each view loads what the person may see (`Role.objects.visible_to`) and renders it; the list (when
nothing is searched), the guide and the skill page are cached whole per content revision by
`careerpath.pagecache.cached_page`. The queries that build a page are the functions above the
views, each one a fixed number of queries however long the guide is.
"""

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from careerpath.pagecache import cached_page

from . import levels, provenance
from .forms import RoleFilterForm
from .models import (
    CareerMove,
    CertificationSkill,
    CourseSkill,
    DevelopmentSuggestion,
    Family,
    LadderLevel,
    Responsibility,
    Role,
    RoleCertification,
    RoleCourse,
    RoleFieldSource,
    RoleSkill,
    Skill,
    SkillKind,
    TransitionPath,
)
from .stats import skill_totals


def role_list_context(user, data):
    """The search form (bound to `data` when something was searched) and the roles it selects,
    in title order, each with its skill counts (skill totals are cached per content revision)."""
    visible = Role.objects.visible_to(user)
    families = Family.objects.filter(pk__in=visible.values("family")).order_by("name")
    form = RoleFilterForm(data or None, families=families)
    if not data:
        roles = visible
    elif form.is_valid():
        roles = search_roles(visible, **form.cleaned_data)
    else:
        roles = Role.objects.none()  # an unknown family matches nothing (rather than every role)
    roles = list(
        roles.select_related("family")
        .only(
            "title",
            "slug",
            "summary",
            "median_salary",
            "salary_currency",
            "is_entry_level",
            "is_published",
            "family__name",
        )
        .annotate(**provenance.card_annotations())
        .order_by("title")
    )
    counts = skill_totals()
    for role in roles:
        role.required_count, role.differentiating_count, _weight = counts.get(role.pk, (0, 0, 0))
        role.is_sourced, role.median_cited = provenance.card_provenance(role)
    return {"form": form, "roles": roles, "is_filtered": any(data.get(name) for name in form.fields)}


def search_roles(roles, *, q="", family=None):
    """Roles whose title, summary or a skill name contains `q`, in `family` when given."""
    if q:
        with_skill = RoleSkill.objects.filter(skill__name__icontains=q).values("role")
        roles = roles.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(pk__in=with_skill))
    if family is not None:
        roles = roles.filter(family=family)
    return roles


def role_guide(user, slug):
    """The role `user` may see, with every section of its guide prefetched; 404 otherwise."""
    visible = Role.objects.visible_to(user)

    def is_visible(field):
        return Exists(visible.filter(pk=OuterRef(field)))

    roles = visible.select_related("family").prefetch_related(
        Prefetch("role_skills", queryset=RoleSkill.objects.select_related("skill")),
        "role_skills__sources",
        "responsibilities__sources",
        Prefetch("suggestions", queryset=DevelopmentSuggestion.objects.select_related("skill")),
        "suggestions__sources",
        "next_steps__sources",
        Prefetch(
            "career_moves",
            queryset=CareerMove.objects.select_related("to_role").annotate(linked=is_visible("to_role")),
        ),
        Prefetch(
            "ladder_levels",
            queryset=LadderLevel.objects.select_related("rung_role").annotate(linked=is_visible("rung_role")),
        ),
        Prefetch(
            "transition_paths",
            queryset=TransitionPath.objects.select_related("from_role").annotate(linked=is_visible("from_role")),
        ),
        "transition_paths__artifacts",
        "career_moves__sources",
        "ladder_levels__sources",
        "transition_paths__sources",
        "salary_bands__sources",
        Prefetch(
            "role_courses",
            queryset=RoleCourse.objects.select_related("course").prefetch_related(
                Prefetch(
                    "course__skill_links",
                    queryset=CourseSkill.objects.select_related("skill").filter(
                        skill__in=Skill.objects.visible_to(user)
                    ),
                )
            ),
        ),
        "role_courses__sources",
        Prefetch(
            "role_certifications",
            queryset=RoleCertification.objects.select_related("certification").prefetch_related(
                Prefetch(
                    "certification__skill_links",
                    queryset=CertificationSkill.objects.select_related("skill").filter(
                        skill__in=Skill.objects.visible_to(user)
                    ),
                )
            ),
        ),
        "role_certifications__sources",
        "hiring_companies__sources",
        "industry_sectors__sources",
        "faqs__sources",
        Prefetch("field_sources", queryset=RoleFieldSource.objects.select_related("source")),
    )
    return get_object_or_404(roles, slug=slug)


def guide_sections(role):
    """What the guide page shows, grouped for the template, and its table of contents."""
    role_skills = list(role.role_skills.all())
    responsibilities = [
        (section.label, [item for item in role.responsibilities.all() if item.section == section])
        for section in Responsibility.Section
    ]
    responsibilities = [(label, items) for label, items in responsibilities if items]
    moves = list(role.career_moves.all())
    sections = {
        "skill_count": len(role_skills),
        "required": [rs for rs in role_skills if rs.kind == SkillKind.REQUIRED],
        "differentiating": [rs for rs in role_skills if rs.kind == SkillKind.DIFFERENTIATING],
        "responsibilities": responsibilities,
        "ladder": list(role.ladder_levels.all()),
        "leads_to": [move for move in moves if move.kind == CareerMove.Kind.LEADS_TO],
        "transitions": [move for move in moves if move.kind == CareerMove.Kind.TRANSITION],
        "paths": list(role.transition_paths.all()),
        "salary_bands": list(role.salary_bands.all()),
        "suggestions": list(role.suggestions.all()),
        "next_steps": list(role.next_steps.all()),
        "courses": list(role.role_courses.all()),
        "certifications": list(role.role_certifications.all()),
        "companies": list(role.hiring_companies.all()),
        "sectors": list(role.industry_sectors.all()),
        "faqs": list(role.faqs.all()),
    }
    groups = [
        ("Skills", role_skills),
        *[(label, items) for label, items in responsibilities],
        ("Career ladder", sections["ladder"]),
        ("Career moves", moves),
        ("Transition paths", sections["paths"]),
        ("Salary bands", sections["salary_bands"]),
        ("Development suggestions", sections["suggestions"]),
        ("Recommended next steps", sections["next_steps"]),
        ("Courses", sections["courses"]),
        ("Certifications", sections["certifications"]),
        ("Hiring companies", sections["companies"]),
        ("Industry sectors", sections["sectors"]),
        ("Questions and answers", sections["faqs"]),
    ]
    sections["sources"], sections["fact_cites"] = provenance.cite(groups, list(role.field_sources.all()))
    sections["hiring_sources"] = _cited_in(sections["companies"] + sections["sectors"])
    sections["is_sourced"] = provenance.is_sourced(role_skills)
    sections["editors_email"] = settings.CAREERPATH_EDITORS_EMAIL
    toc = [
        ("about", "About the role", role.about),
        ("ai-impact", "AI impact outlook", role.ai_impact_outlook),
        ("skills", "Skills", role_skills),
        ("responsibilities", "Responsibilities", responsibilities),
        ("ladder", "Career ladder", sections["ladder"]),
        ("moves", "Career moves", moves),
        ("paths", "Transition paths into this role", sections["paths"]),
        ("salary", "Salary and demand", True),  # says so plainly when no source gives salary data
        ("development", "Development suggestions", sections["suggestions"]),
        ("next-steps", "Recommended next steps", sections["next_steps"]),
        ("courses", "Courses and certifications", sections["courses"] or sections["certifications"]),
        ("hiring", "Who hires", sections["companies"] or sections["sectors"]),
        ("faq", "Questions and answers", sections["faqs"]),
        ("methodology", "Methodology and sources", True),
    ]
    sections["toc"] = [(anchor, title) for anchor, title, content in toc if content]
    sections["shown"] = {anchor for anchor, _title in sections["toc"]}
    return sections


def _cited_in(items):
    """The sources cited by any of `items` (each with `cites`), in citation order."""
    seen = {}
    for item in items:
        for entry in item.cites:
            seen.setdefault(entry.number, entry)
    return [seen[number] for number in sorted(seen)]


@require_safe
@cached_page(content=True)  # a search has a query string: rendered, never stored
def role_list(request):
    """Every role the person may see as a card, or those the search selects."""
    return render(request, "roles/role_list.html", role_list_context(request.user, request.GET))


@require_safe
@cached_page(content=True)
def role_detail(request, slug):
    role = role_guide(request.user, slug)
    return render(request, "roles/role_detail.html", {"role": role, **guide_sections(role)})


def skill_page_context(user, slug):
    """A skill, its levels, the roles `user` may see that need it, and where to learn it."""
    skill = get_object_or_404(Skill.objects.visible_to(user), slug=slug)
    role_skills = (
        RoleSkill.objects.filter(skill=skill, role__in=Role.objects.visible_to(user))
        .select_related("role__family")
        .order_by("role__title")
    )
    return {
        "skill": skill,
        "scale": [{**level, "own": skill.descriptor(level["level"])} for level in levels.scale()],
        "role_skills": role_skills,
        "course_links": CourseSkill.objects.filter(skill=skill).select_related("course").order_by("course__title"),
        "certification_links": CertificationSkill.objects.filter(skill=skill)
        .select_related("certification")
        .order_by("certification__name"),
    }


@require_safe
@cached_page(content=True)
def skill_detail(request, slug):
    return render(request, "roles/skill_detail.html", skill_page_context(request.user, slug))


@require_safe
def scale(request):
    return render(request, "roles/scale.html", {"scale": levels.scale()})
