"""The public role pages: the list, a whole role guide, a skill, and the proficiency scale.

Each view loads what the person may see (`Role.objects.visible_to`) and renders it. The queries that
build a page are the functions above the views, each one a fixed number of queries however long the
guide is.
"""

from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from careerpath.pagecache import cached_page

from . import levels, provenance, revision
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


class RoleCard(NamedTuple):
    """A role as the list shows it: its card rendered once per content revision, plus the few
    fields the list filters and orders by (and that tests read from the context)."""

    pk: int
    title: str
    required_count: int
    differentiating_count: int
    html: str


def role_cards(roles, content_revision):
    """The cards of `roles` in title order, each rendered to HTML (two queries).

    Called once per content revision (see `cached_role_cards`), so each card is rendered from
    one partial and its link built from a URL computed once rather than a reverse() per role."""
    roles = (
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
    )
    counts = skill_totals(content_revision)
    detail_url = reverse("roles:detail", args=["__slug__"])
    item = get_template("includes/role_list_item.html")
    cards = []
    for role in roles.order_by("title"):
        role.required_count, role.differentiating_count, _weight = counts.get(role.pk, (0, 0, 0))
        role.is_sourced, role.median_cited = provenance.card_provenance(role)
        html = item.render({"role": role, "url": detail_url.replace("__slug__", role.slug)})
        cards.append(RoleCard(role.pk, role.title, role.required_count, role.differentiating_count, html))
    return cards


def viewer_key(user):
    """The part of a role-content cache key that depends on who looks: staff also see unpublished
    roles (`Role.objects.visible_to`), everyone else the same published ones."""
    return int(user.is_authenticated and user.is_staff)


def cached_role_cards(user, content_revision):
    """The cards of the roles `user` may see, cached per content revision and staff/visitor view,
    so a search reuses them and only asks the database which roles match."""
    key = f"role-list:cards:{content_revision}:{viewer_key(user)}"
    cards = cache.get(key)
    if cards is None:
        cards = role_cards(Role.objects.visible_to(user), content_revision)
        cache.set(key, cards, timeout=None)
    return cards


def role_list_body(form, cards, *, is_filtered):
    """The role list below the navbar: the search form, how many roles, and their cards."""
    context = {
        "form": form,
        "roles": cards,
        "cards_html": mark_safe("".join(card.html for card in cards)),  # each rendered by the template engine
        "is_filtered": is_filtered,
    }
    return render_to_string("includes/role_list_body.html", context)


def matching_cards(cards, visible, form):
    """The cards the bound search form selects: one query for the matching ids (the same
    `search_roles` rules), the cards themselves from the cached list, kept in its title order."""
    if not form.is_valid():
        return []  # an unknown family matches nothing (rather than silently showing every role)
    ids = set(search_roles(visible, **form.cleaned_data).order_by().values_list("pk", flat=True))
    return [card for card in cards if card.pk in ids]


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
                Prefetch("course__skill_links", queryset=CourseSkill.objects.select_related("skill"))
            ),
        ),
        "role_courses__sources",
        Prefetch(
            "role_certifications",
            queryset=RoleCertification.objects.select_related("certification").prefetch_related(
                Prefetch("certification__skill_links", queryset=CertificationSkill.objects.select_related("skill"))
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
def role_list(request):
    """Every role the person may see as a card, or those the search selects. Without a search the
    whole list is cached per content revision; a search renders the form (with what was searched)
    around the cached cards of the matching roles."""
    content_revision = revision.current()

    def families():
        return Family.objects.filter(pk__in=Role.objects.visible_to(request.user).values("family")).order_by("name")

    if not request.GET:
        return cached_page(
            request,
            f"role-list:{content_revision}",
            "roles/role_list.html",
            lambda: {
                "body": role_list_body(
                    RoleFilterForm(None, families=families()),
                    cached_role_cards(request.user, content_revision),
                    is_filtered=False,
                )
            },
        )
    visible = Role.objects.visible_to(request.user)
    form = RoleFilterForm(request.GET, families=families())
    cards = matching_cards(cached_role_cards(request.user, content_revision), visible, form)
    is_filtered = any(request.GET.get(name) for name in form.fields)
    body = role_list_body(form, cards, is_filtered=is_filtered)
    return render(request, "roles/role_list.html", {"body": body})


@require_safe
def role_detail(request, slug):
    """The guide, served whole from the cache per content revision and navbar variant (visitor,
    member, staff: staff also see unpublished guides); the CSRF token of its "Assess yourself" forms
    and the user's name are filled in per request. A warm request reads only the revision."""

    def context():
        role = role_guide(request.user, slug)
        return {"role": role, "skill_count": len(role.role_skills.all()), **guide_sections(role)}

    return cached_page(request, f"role-guide:{slug}:{revision.current()}", "roles/role_detail.html", context)


def skill_page_body(user, skill):
    """The skill page below the navbar, rendered: its levels, the roles `user` may see that need it
    (with links built from a URL computed once) and where to learn it (four queries)."""
    role_skills = list(
        RoleSkill.objects.filter(skill=skill, role__in=Role.objects.visible_to(user))
        .select_related("role__family")
        .only(
            "kind",
            "target",
            "commonly_missing",
            "role__title",
            "role__slug",
            "role__is_published",
            "role__family__name",
        )
        .order_by("role__title")
    )
    detail_url = reverse("roles:detail", args=["__slug__"])
    for rs in role_skills:
        rs.role_url = detail_url.replace("__slug__", rs.role.slug)
    scale = [{**level, "own": skill.descriptor(level["level"])} for level in levels.scale()]
    return render_to_string(
        "includes/skill_page_body.html",
        {
            "skill": skill,
            "scale": scale,
            "role_skills": role_skills,
            "course_links": CourseSkill.objects.filter(skill=skill).select_related("course").order_by("course__title"),
            "certification_links": CertificationSkill.objects.filter(skill=skill)
            .select_related("certification")
            .order_by("certification__name"),
        },
    )


@require_safe
def skill_detail(request, slug):
    """A skill's page. Everything on it comes from role content (skills, roles, courses and
    certifications all count in the content revision), so the whole page is served from the cache
    per revision and navbar variant (staff also see unpublished roles); a warm page reads only the
    revision. An unknown slug is a 404 (and nothing is stored)."""

    def context():
        skill = get_object_or_404(Skill, slug=slug)
        return {"skill": skill, "body": skill_page_body(request.user, skill)}

    return cached_page(request, f"skill-page:{slug}:{revision.current()}", "roles/skill_detail.html", context)


@require_safe
def scale(request):
    return render(request, "roles/scale.html", {"scale": levels.scale()})
