"""The frozen copy of a role that a submitted assessment is scored against.

`build_snapshot(role, ratings)` reads the role as it is now and returns plain JSON-ready data.
A submitted report reads only this, so later edits to the role never change it.
"""

from django.db.models import Prefetch

from roles.models import (
    Certification,
    CertificationSkill,
    Course,
    CourseSkill,
    RoleFieldSource,
    RoleSkill,
    TransitionPath,
)

# 2: each offering skill carries the level the offering brings a learner to, in the offering's own
# skill order; next steps are {"text", "skill"} like suggestions (issue #15). Version 1 snapshots
# (slugs only, plain next-step texts) are still read: see reports.scoring_inputs. Later additions
# that older snapshots lack and readers default (issue 28): a skill's `primary`, the role's
# `primary_sources`, and each transition path's `sources`; each offering's `format`, `cost` and
# `typical_length` (older snapshots show none of them), and where its publisher states that length,
# `length_source` (older snapshots link none).
SNAPSHOT_VERSION = 2


def _source(source):
    """A source as a report cites it (readers see the short name and title, never the key)."""
    return {"short_name": source.short_name, "title": source.title, "url": source.url}


def _offering_facts(offering):
    """What a report shows beside an offering: its format, cost and typical length (as its publisher says)."""
    return {
        "format": offering.format,
        "cost": offering.cost,
        "typical_length": offering.typical_length,
        "length_source": offering.length_source,
    }


def _offering_skills(offering):
    """[{"slug", "level"}] in the offering's own order (its through model's `order`), prefetched."""
    return [{"slug": link.skill.slug, "level": link.level} for link in offering.skill_links.all()]


def _skill_links(model):
    return Prefetch("skill_links", queryset=model.objects.select_related("skill").order_by("order", "id"))


def build_snapshot(*, role, ratings):
    """`ratings` maps skill slug -> (level, evidence) for the role's skills."""
    role_skills = list(RoleSkill.objects.filter(role=role).select_related("skill").order_by("order", "id"))
    skill_ids = [rs.skill_id for rs in role_skills]
    recommended_courses = set(role.role_courses.values_list("course_id", flat=True))
    recommended_certs = set(role.role_certifications.values_list("certification_id", flat=True))
    courses = (
        Course.objects.filter(skills__in=skill_ids)
        .distinct()
        .prefetch_related(_skill_links(CourseSkill))
        .order_by("title", "id")
    )
    certifications = (
        Certification.objects.filter(skills__in=skill_ids)
        .distinct()
        .prefetch_related(_skill_links(CertificationSkill))
        .order_by("name", "id")
    )
    paths = (
        TransitionPath.objects.filter(role=role)
        .select_related("from_role")
        .prefetch_related(Prefetch("artifacts"), "sources")
        .order_by("order", "id")
    )
    role_skill_slugs = {rs.skill.slug for rs in role_skills}
    primary_sources = RoleFieldSource.objects.filter(
        role=role, field=RoleFieldSource.Field.PRIMARY_SKILLS
    ).select_related("source")
    return {
        "version": SNAPSHOT_VERSION,
        "role": {
            "slug": role.slug,
            "title": role.title,
            "family": role.family.name,
            "summary": role.summary,
        },
        "primary_sources": [_source(row.source) for row in primary_sources],
        "skills": [
            {
                "slug": rs.skill.slug,
                "name": rs.skill.name,
                "category": rs.skill.category,
                "kind": rs.kind,
                "target": rs.target,
                "weight": str(rs.effective_weight),
                "commonly_missing": rs.commonly_missing,
                "primary": rs.primary,
                "note": rs.note,
                "descriptors": {str(level): text for level, text in rs.skill.descriptors.items()},
            }
            for rs in role_skills
        ],
        "ratings": {
            slug: {"level": level, "evidence": evidence}
            for slug, (level, evidence) in ratings.items()
            if slug in role_skill_slugs
        },
        "courses": [
            {
                "slug": c.slug,
                "title": c.title,
                "provider": c.provider,
                "url": c.url,
                "description": c.description,
                **_offering_facts(c),
                "skills": _offering_skills(c),
                "recommended": c.pk in recommended_courses,
            }
            for c in courses
        ],
        "certifications": [
            {
                "slug": c.slug,
                "title": c.name,
                "provider": c.issuer,
                "url": c.url,
                "description": c.description,
                **_offering_facts(c),
                "skills": _offering_skills(c),
                "recommended": c.pk in recommended_certs,
            }
            for c in certifications
        ],
        "suggestions": [
            {"text": s.text, "skill": s.skill.slug if s.skill_id and s.skill.slug in role_skill_slugs else None}
            for s in role.suggestions.select_related("skill").order_by("order", "id")
        ],
        # A next step is tied to no skill (the guide's model has none), so every one is shown.
        "next_steps": [
            {"text": text, "skill": None}
            for text in role.next_steps.order_by("order", "id").values_list("text", flat=True)
        ],
        "transition_paths": [
            {
                "from_role": p.from_role.slug,
                "from_title": p.from_role.title,
                "typical_months": p.typical_months,
                "gap": p.gap,
                "artifacts": [a.text for a in p.artifacts.all()],
                "sources": [_source(source) for source in p.sources.all()],
            }
            for p in paths
        ],
    }
