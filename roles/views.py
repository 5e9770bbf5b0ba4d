"""The public role pages: the list, a whole role guide, a skill, and the proficiency scale.

Each view loads what the person may see (`Role.objects.visible_to`) and renders it; the list (when
nothing is searched), the guide and the skill page are cached whole per content revision by
`careerpath.pagecache.cached_page`. The queries that build a page are the functions above the
views, each one a fixed number of queries however long the guide is.
"""

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from careerpath.pagecache import cached_page

from . import case, levels, provenance, registry, selectors
from .forms import RoleFilterForm
from .models import (
    CareerMove,
    CertificationSkill,
    CourseSkill,
    Family,
    Role,
    RoleFieldSource,
    RoleRevision,
    RoleSkill,
    Skill,
    SkillKind,
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
    return {"form": form, "roles": roles, "is_filtered": form.is_bound and any(data.get(name) for name in form.fields)}


def search_roles(roles, *, q="", family=None):
    """Roles whose title, summary or a skill name contains `q`, in `family` when given."""
    if q:
        with_skill = RoleSkill.objects.filter(skill__name__icontains=q).values("role")
        roles = roles.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(pk__in=with_skill))
    if family is not None:
        roles = roles.filter(family=family)
    return roles


def role_guide(user, slug):
    """The role `user` may see, with every section of its guide prefetched (roles/registry.py); 404
    otherwise. A fixed number of queries however long the guide is."""
    return role_guide_of(Role.objects.visible_to(user).filter(slug=slug), user)


def role_guide_of(roles, user):
    """The one role of `roles` with its guide prefetched as `user` may see it (the links to other
    roles and skills `user` may see; the admin's preview passes a visitor); 404 if there is none."""
    visible = Role.objects.visible_to(user)
    visible_skills = Skill.objects.visible_to(user)
    lookups = [Prefetch("field_sources", queryset=RoleFieldSource.objects.select_related("source"))]
    for section in registry.SECTIONS:
        rows = section.model.objects.select_related(*section.relations)
        for name in section.role_links:  # one per section: `linked` says whether the page may link it
            rows = rows.annotate(linked=Exists(visible.filter(pk=OuterRef(name))))
        if section.offering:
            taught = section.offering.skill_links.objects.select_related("skill").filter(skill__in=visible_skills)
            rows = rows.prefetch_related(Prefetch(f"{section.offering.link_field}__skill_links", queryset=taught))
        lookups += registry.prefetches(section, rows)
    return get_object_or_404(roles.select_related("family").prefetch_related(*lookups))


def guide_sections(role):
    """What the guide page shows, by section key (grouped where a section says so), its citations
    and its table of contents."""
    rows = {section.key: list(getattr(role, section.related_name).all()) for section in registry.SECTIONS}
    groups = []  # (title, rows) in page order, for the citations
    sections = dict(rows)
    for section in registry.SECTIONS:
        if section.group_by:
            choices = section.model._meta.get_field(section.group_by).choices
            grouped = [
                (label, [r for r in rows[section.key] if getattr(r, section.group_by) == value])
                for value, label in choices
            ]
            sections[section.key] = [(label, items) for label, items in grouped if items]
            groups += sections[section.key]
        else:
            groups.append((section.title, rows[section.key]))
    skills, moves = rows["skills"], rows["career_moves"]
    sections |= {
        "skill_count": len(skills),
        "required": [rs for rs in skills if rs.kind == SkillKind.REQUIRED],
        "differentiating": [rs for rs in skills if rs.kind == SkillKind.DIFFERENTIATING],
        "leads_to": [move for move in moves if move.kind == CareerMove.Kind.LEADS_TO],
        "transitions": [move for move in moves if move.kind == CareerMove.Kind.TRANSITION],
    }
    sections["sources"], sections["fact_cites"] = provenance.cite(groups, list(role.field_sources.all()))
    sections["hiring_sources"] = _cited_in(rows["companies"] + rows["sectors"])
    sections["is_sourced"] = provenance.is_sourced(skills)
    sections["editors_email"] = settings.CAREERPATH_EDITORS_EMAIL
    filled = {section.part for section in registry.SECTIONS if rows[section.key]}
    sections["toc"] = [
        (part.anchor, part.title)
        for part in registry.PARTS
        if part.always or part in filled or (part.role_field and getattr(role, part.role_field))
    ]
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
        "alignments": list(skill.alignments.select_related("source")),
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


@require_safe
def changes(request, slug, number):
    """What changed in a guide since its revision `number` (reports and drafts pinned to an older
    revision link here). Editor-only fields are left out."""
    role = get_object_or_404(Role.objects.visible_to(request.user), slug=slug)
    try:
        since, latest, diff = selectors.changes_since(role, number)
    except RoleRevision.DoesNotExist:
        raise Http404("The guide has no such revision.") from None
    return render(request, "roles/changes.html", {"role": role, "since": since, "latest": latest, "diff": diff})


@require_safe
def case_package(request, slug):
    """The published guide as a 1EdTech CASE 1.0 CFPackage (roles/case.py)."""
    try:
        role = case.load(slug)
    except Role.DoesNotExist:
        raise Http404("No published role guide has this address.") from None
    data = case.package(role, base_uri=request.build_absolute_uri())
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'inline; filename="{role.slug}.case.json"'
    return response
