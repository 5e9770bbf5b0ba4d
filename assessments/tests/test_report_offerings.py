"""Learning resources on the gap report (issue 28, item 5): each offering shows its cost and length as
its publisher states them, and a certification is never offered for a skill below the skill's target."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from assessments.reports import report_for
from assessments.tests.factories import submitted_for
from roles.importing import import_roles
from roles.models import CertificationSkill, OfferingCost, Role, RoleSkill
from roles.tests.factories import CertificationFactory, CourseFactory

pytestmark = pytest.mark.django_db

WIDGET_LENGTH_SOURCE = "https://github.com/widget-org/docs/blob/0123abc/README.md"


@pytest.fixture
def free_guide_report(alice, role, skills):
    """A free guide with a length raises skills 0 and 2 (target 3) to 3, more than the role's own
    course; a paid book raises skill 3 (differentiating, target 2) to 2."""
    CourseFactory(
        title="Widget Docs",
        provider="Widget Org",
        format="guide",
        cost="free",
        typical_length="6 hours",
        length_source=WIDGET_LENGTH_SOURCE,
        skills=[(skills[0], 3), (skills[2], 3)],
    )
    CourseFactory(title="Widget Book", format="book", cost="paid", skills=[(skills[3], 2)])
    levels = {skills[0].slug: 1, skills[1].slug: 3, skills[2].slug: 0, skills[3].slug: 0}
    return submitted_for(alice, role, levels=levels)


def test_the_report_shows_each_offerings_cost_and_length_where_it_lists_it(alice_client, free_guide_report, skills):
    body = alice_client.get(reverse("assessments:report", args=[free_guide_report.pk])).content.decode()

    # The gap card's line names cost and length; the list shows them as badges, with the provider.
    assert 'Widget Docs</a> <span class="text-body-secondary offering-facts">(Free; 6 hours)</span>' in body
    assert '<span class="badge text-bg-light border" data-fact="cost">Free</span>' in body
    assert '<span class="badge text-bg-light border" data-fact="length">6 hours</span>' in body
    assert f'<a class="small offering-length-source" href="{WIDGET_LENGTH_SOURCE}"' in body
    assert '<span class="badge text-bg-light border" data-fact="cost">Paid</span>' in body
    assert "Guide or documentation" in body and ">Book<" in body


def test_report_json_gives_format_cost_and_length_or_null(alice_client, free_guide_report):
    response = alice_client.get(reverse("assessments:report_json", args=[free_guide_report.pk]))
    courses = {c["title"]: c for c in json.loads(response.content)["courses"]}

    assert {k: courses["Widget Docs"][k] for k in ("format", "cost", "typical_length", "length_source")} == {
        "format": "guide",
        "cost": "free",
        "typical_length": "6 hours",
        "length_source": WIDGET_LENGTH_SOURCE,
    }
    assert courses["Widget Book"]["typical_length"] is None
    assert courses["Widget Book"]["length_source"] is None


def test_a_report_from_before_offerings_had_costs_shows_none(alice_client, free_guide_report):
    snapshot = free_guide_report.snapshot
    for course in snapshot["courses"] + snapshot["certifications"]:
        for key in ("format", "cost", "typical_length", "length_source"):
            course.pop(key)
    free_guide_report.save(update_fields=["snapshot"])

    body = alice_client.get(reverse("assessments:report", args=[free_guide_report.pk])).content.decode()

    assert "(Widget Org)</span>" in body  # the provider alone
    assert 'data-fact="cost"' not in body and "Free" not in body and "6 hours" not in body
    assert WIDGET_LENGTH_SOURCE not in body


def test_a_certification_below_a_skills_target_is_not_offered_for_it_on_the_report(alice, role, skills):
    target = RoleSkill.objects.get(role=role, skill=skills[0]).target
    CertificationFactory(name="Widget Associate", skills=[(skills[0], target - 1), (skills[2], target)])
    assessment = submitted_for(alice, role, levels={s.slug: 0 for s in skills})

    (cert,) = report_for(assessment).certifications

    assert [c.slug for c in cert.covers] == [skills[2].slug]
    gap_card = next(g for g in report_for(assessment).gaps if g.slug == skills[0].slug)
    assert gap_card.certifications == ()


def test_no_shipped_guide_offers_a_certification_below_a_skills_target(alice):
    paths = sorted((Path(settings.BASE_DIR) / "content" / "roles").glob("*.yaml"))
    import_roles(paths)
    levels = {
        (link.certification.name, link.skill.slug): link.level
        for link in CertificationSkill.objects.select_related("certification", "skill")
    }
    offered, free = 0, 0
    for role in Role.objects.order_by("slug"):
        targets = {rs.skill.slug: rs.target for rs in role.role_skills.select_related("skill")}
        report = report_for(submitted_for(alice, role, levels=dict.fromkeys(targets, 0)))
        for cert in report.certifications:
            for cover in cert.covers:
                assert levels[(cert.title, cover.slug)] >= targets[cover.slug], (role.slug, cert.title, cover.slug)
                offered += 1
        for gap in report.gaps:
            assert gap.courses or gap.certifications or gap.suggestions, (role.slug, gap.slug)
        free += sum(1 for c in report.courses if c.cost == OfferingCost.FREE)
    assert offered > 0 and free > 0  # the rule was exercised, and free resources are chosen


def test_senior_ml_engineer_cost_and_security_gaps_are_not_covered_by_the_aws_associate_certification(alice):
    import_roles(sorted((Path(settings.BASE_DIR) / "content" / "roles").glob("*.yaml")))
    role = Role.objects.get(slug="senior-ml-engineer")
    slugs = list(role.role_skills.values_list("skill__slug", flat=True))

    report = report_for(submitted_for(alice, role, levels=dict.fromkeys(slugs, 0)))

    for gap in report.gaps:
        if gap.slug in ("ml-cost-optimization", "security-engineering"):
            assert all("Associate" not in o.offering.title for o in gap.certifications), gap.slug
