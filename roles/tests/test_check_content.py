"""`manage.py check_content`: the shipped guides pass, and each rule fails on the content it forbids,
with a message naming the file and the entry, leaving the database as it was."""

import re
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from roles import content_checks
from roles.content_checks import course_level_needed
from roles.levels import Level
from roles.models import Role, RoleSkill
from roles.tests.factories import CertificationFactory, CourseFactory, make_role

pytestmark = pytest.mark.django_db

LEVELS = {
    1: "Knows what a widget is and why teams build them.",
    2: "Builds a simple widget by following the team's guide.",
    3: "Designs and builds widgets for a product on their own.",
    4: "Leads widget design across a team and reviews others' widgets.",
    5: "Sets the widget standards the whole organisation follows.",
}


def widget_course(level=3, **changes):
    """A course that teaches Widgetry to `level` (3 reaches the good role's target)."""
    return {
        "title": "Widget School",
        "skills": [{"skill": "widgetry", "level": level}],
        "sources": ["careerpath-editors"],
    } | changes


def good_role(**changes):
    """A small role file that passes every content rule."""
    data = {
        "slug": "widget-lead",
        "title": "Widget Lead",
        "family": "Widgets",
        "summary": "Leads the building of widgets.",
        "field_sources": {"summary": ["careerpath-editors"]},
        "skills": [
            {
                "name": "Widgetry",
                "slug": "widgetry",
                "target": 3,
                "levels": dict(LEVELS),
                "sources": ["careerpath-editors"],
                "editor_note": "Chosen by the editors after the widget review.",
            }
        ],
        "suggestions": [
            {"text": "Build one widget end to end.", "skill": "widgetry", "sources": ["careerpath-editors"]}
        ],
        "courses": [widget_course()],
    }
    data |= changes
    return data


def check(tmp_path, data):
    path = tmp_path / f"{data['slug']}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = StringIO()
    call_command("check_content", str(path), stdout=out)
    return out.getvalue().strip()


def check_fails(tmp_path, data):
    """The problem lines of a check that must fail; the database is left as it was."""
    with pytest.raises(CommandError) as excinfo:
        check(tmp_path, data)
    heading, *lines = str(excinfo.value).splitlines()
    assert re.fullmatch(r"\d+ content problems? in 1 role files:", heading)
    assert not Role.objects.exists()
    return lines


def test_shipped_content_passes_every_rule():
    out = StringIO()
    call_command("check_content", stdout=out)
    assert out.getvalue().strip() == "Checked 13 role guides: no problems."
    assert not Role.objects.exists()  # imported inside a transaction that was rolled back


def test_a_good_role_passes_and_leaves_nothing_behind(tmp_path):
    assert check(tmp_path, good_role()) == "Checked 1 role guides: no problems."
    assert not RoleSkill.objects.exists()


# 1. Internal notes never reach a rendered page ----------------------------------------------------------


def test_an_editor_note_shown_on_the_guide_fails(tmp_path):
    data = good_role(about="Chosen by the editors after the widget review.")

    lines = check_fails(tmp_path, data)

    assert (
        "widget-lead.yaml: guide /roles/widget-lead/ shows editor note 'Chosen by the editors after the widget review.'"
        in lines
    )


def test_a_source_key_or_seed_marker_in_reader_text_fails(tmp_path):
    data = good_role(
        faqs=[{"question": "Where from?", "answer": "From decipheru, seed 003.", "sources": ["decipheru"]}]
    )

    lines = check_fails(tmp_path, data)

    assert "widget-lead.yaml: guide /roles/widget-lead/ shows source key 'decipheru'" in lines
    assert "widget-lead.yaml: guide /roles/widget-lead/ shows internal marker 'seed 003'" in lines


def test_an_internal_note_in_a_skill_note_fails_on_the_guide(tmp_path):
    skill = good_role()["skills"][0] | {"note": "Merged skill. Chosen by the editors."}
    lines = check_fails(tmp_path, good_role(skills=[skill]))

    assert "widget-lead.yaml: guide /roles/widget-lead/ shows internal marker 'Merged skill'" in lines
    # the assessment step and report: assessments/tests/test_shipped_content.py


# 2. Every number is sourced ----------------------------------------------------------------------------


def test_an_unsourced_salary_band_fails(tmp_path):
    band = {"level": "Widget Lead", "low": 100000, "high": 150000, "sources": ["careerpath-editors"]}
    lines = check_fails(tmp_path, good_role(salary_bands=[band]))

    assert lines == [
        "widget-lead.yaml: salary_bands[0]: low and high: a figure needs a published source (cites careerpath-editors)"
    ]


def test_a_salary_band_from_a_published_source_passes(tmp_path):
    band = {"level": "Widget Lead", "low": 100000, "high": 150000, "sources": ["decipheru"]}
    assert check(tmp_path, good_role(salary_bands=[band])) == "Checked 1 role guides: no problems."


def test_an_unsourced_median_score_or_duration_fails(tmp_path):
    data = good_role(
        median_salary=120000,
        ai_impact={"score": 40, "label": "Moderate"},
        next_steps=[{"text": "Expect about 36 months of practice.", "sources": ["careerpath-editors"]}],
    )
    lines = check_fails(tmp_path, data)

    assert lines == [
        "widget-lead.yaml: median_salary: a median salary needs a published source in field_sources.median_salary",
        "widget-lead.yaml: ai_impact.score: a score needs a published source in field_sources.ai_impact",
        "widget-lead.yaml: next_steps[0].text: '36 months' is a figure; the entry needs a published source "
        "(cites careerpath-editors)",
    ]


# 3. Five specific level descriptors ----------------------------------------------------------------------


def test_a_skill_without_five_specific_descriptors_fails(tmp_path):
    levels = dict(LEVELS) | {4: "Does it independently."}
    del levels[5]
    skill = good_role()["skills"][0] | {"levels": levels}
    lines = check_fails(tmp_path, good_role(skills=[skill]))

    assert lines == [
        "widget-lead.yaml: skills[0] (widgetry).levels.4: 'Does it independently.' is not specific to the skill",
        "widget-lead.yaml: skills[0] (widgetry).levels.5: missing: every skill needs its own words for levels 1-5",
    ]


# 4. Every required skill can be learned -----------------------------------------------------------------


def test_a_required_skill_with_only_a_development_suggestion_fails(tmp_path):
    lines = check_fails(tmp_path, good_role(courses=[]))

    assert lines == [
        "widget-lead.yaml: skills[0] (widgetry): a required skill needs a course, book or guide reaching level 3 "
        "or a certification at its target 3; no course teaches it"
    ]


def test_a_course_below_the_level_the_target_needs_fails_and_one_reaching_it_passes(tmp_path):
    need = course_level_needed(3)
    lines = check_fails(tmp_path, good_role(courses=[widget_course(need - 1)]))

    assert lines == [
        f"widget-lead.yaml: skills[0] (widgetry): a required skill needs a course, book or guide reaching level {need} "
        f"or a certification at its target 3; the best course reaches {need - 1}"
    ]
    assert check(tmp_path, good_role(courses=[widget_course(need)])) == "Checked 1 role guides: no problems."


def test_a_course_need_not_reach_a_target_above_practitioner(tmp_path):
    skills = [good_role()["skills"][0] | {"target": 4}]

    assert course_level_needed(4) == Level.PRACTITIONER
    assert check(tmp_path, good_role(skills=skills)) == "Checked 1 role guides: no problems."


def test_a_certification_below_the_target_does_not_count_and_one_at_the_target_does(tmp_path):
    def certification(level):
        return {
            "name": "Widget Associate",
            "skills": [{"skill": "widgetry", "level": level}],
            "sources": ["careerpath-editors"],
        }

    lines = check_fails(tmp_path, good_role(courses=[widget_course(1)], certifications=[certification(2)]))

    assert lines == [
        "widget-lead.yaml: skills[0] (widgetry): a required skill needs a course, book or guide reaching level 3 "
        "or a certification at its target 3; the best course reaches 1, the best certification 2"
    ]
    assert check(tmp_path, good_role(courses=[], certifications=[certification(3)])) == (
        "Checked 1 role guides: no problems."
    )


def test_a_role_built_by_factories_fails_without_a_resource_for_its_level_and_passes_with_one():
    role = make_role(required=1, differentiating=1, slug="widget-lead")
    required = role.role_skills.get(kind="required")
    differentiating = role.role_skills.get(kind="differentiating")
    CourseFactory(skills=[(differentiating.skill, 3)])  # a resource for another skill does not count
    CertificationFactory(skills=[(required.skill, required.target - 1)])  # below target: never counts

    def problems():
        return list(
            content_checks.required_skills_learnable(content_checks.load_guides({role.slug: "widget-lead.yaml"}))
        )

    assert len(problems()) == 1
    assert problems()[0].startswith(f"widget-lead.yaml: skills[0] ({required.skill.slug}): a required skill needs")

    CourseFactory(skills=[(required.skill, course_level_needed(required.target))])

    assert problems() == []


def test_a_cost_cited_only_by_the_editors_fails_and_one_from_the_publishers_page_passes(tmp_path):
    lines = check_fails(tmp_path, good_role(courses=[widget_course(cost="free")]))

    assert lines == [
        "widget-lead.yaml: courses[0].cost: 'free': a cost needs a published source (cites careerpath-editors)"
    ]
    publisher = widget_course(cost="free", sources=["publisher-pages", "careerpath-editors"])
    assert check(tmp_path, good_role(courses=[publisher])) == "Checked 1 role guides: no problems."


def test_a_length_without_a_published_source_or_the_publishers_address_fails(tmp_path):
    editors_only = widget_course(typical_length="9 lessons")
    lines = check_fails(tmp_path, good_role(courses=[editors_only]))

    assert lines == [
        "widget-lead.yaml: courses[0].typical_length: a length needs a published source (cites careerpath-editors)",
        "widget-lead.yaml: courses[0].typical_length: a length needs length_source: the address where its "
        "publisher states it",
    ]
    cited = widget_course(typical_length="9 lessons", sources=["publisher-pages"])
    lines = check_fails(tmp_path, good_role(courses=[cited]))
    assert lines == [
        "widget-lead.yaml: courses[0].typical_length: a length needs length_source: the address where its "
        "publisher states it"
    ]
    sourced = cited | {"length_source": "https://github.com/widgets/school/blob/0123abc/README.md"}
    assert check(tmp_path, good_role(courses=[sourced])) == "Checked 1 role guides: no problems."


# Lengths (not a rule yet: `check_content --lengths` lists what is left) ------------------------------

SOURCE = "https://github.com/widgets/school/blob/0123abc/README.md"


def test_lengths_count_a_resource_for_the_skills_level_with_a_sourced_length_and_a_known_cost():
    role = make_role(required=2, differentiating=1, slug="widget-lead")
    first, second = role.role_skills.filter(kind="required")
    need = course_level_needed(first.target)
    CourseFactory(cost="free", typical_length="9 lessons", length_source=SOURCE, skills=[(first.skill, need)])
    # Each of these misses one thing, so none counts for the second skill:
    CourseFactory(cost="free", typical_length="9 lessons", length_source=SOURCE, skills=[(second.skill, need - 1)])
    CourseFactory(cost="unknown", typical_length="9 lessons", length_source=SOURCE, skills=[(second.skill, need)])
    CourseFactory(cost="paid", typical_length="9 lessons", skills=[(second.skill, need)])
    CertificationFactory(
        cost="paid", typical_length="4 weeks", length_source=SOURCE, skills=[(second.skill, second.target - 1)]
    )

    [(guide, covered, uncovered)] = content_checks.length_coverage(
        content_checks.load_guides({role.slug: "widget-lead.yaml"})
    )

    assert guide.role == role
    assert [rs for _, rs in covered] == [first]
    assert [rs for _, rs in uncovered] == [second]


def test_check_content_lengths_lists_the_required_skills_left_without_a_sourced_length(tmp_path):
    timed = widget_course(cost="free", typical_length="9 lessons", length_source=SOURCE, sources=["publisher-pages"])
    untimed = widget_course(sources=["publisher-pages"])

    def report(course):
        path = tmp_path / "widget-lead.yaml"
        path.write_text(yaml.safe_dump(good_role(courses=[course]), sort_keys=False), encoding="utf-8")
        out = StringIO()
        call_command("check_content", str(path), "--lengths", stdout=out)
        return out.getvalue().splitlines()

    assert report(untimed)[1:] == [
        "Required skills with a resource whose publisher states its length, at a known cost: 0 of 1.",
        "widget-lead.yaml: 0 of 1 required skills",
        "  widget-lead.yaml: skills[0] (widgetry): no resource for its level with a sourced length",
    ]
    assert report(timed)[1:] == [
        "Required skills with a resource whose publisher states its length, at a known cost: 1 of 1.",
        "widget-lead.yaml: 1 of 1 required skills",
    ]
    assert not Role.objects.exists()


# 5. No target above the ladder's scope -----------------------------------------------------------------


def test_target_5_outside_an_organisation_wide_rung_fails(tmp_path):
    skill = good_role()["skills"][0] | {"target": 5}
    lines = check_fails(tmp_path, good_role(skills=[skill]))

    assert lines == [
        "widget-lead.yaml: skills[0] (widgetry).target: 5 (Expert) describes organisation-wide scope; no published "
        "ladder gives this role that scope"
    ]


def test_target_5_passes_when_a_published_ladder_gives_the_role_organisation_wide_scope(tmp_path):
    skill = good_role()["skills"][0] | {"target": 5}
    rung = {
        "title": "Widget Lead",
        "description": "Organization-wide widget strategy.",
        "role": "widget-lead",
        "sources": ["decipheru"],
    }
    assert check(tmp_path, good_role(skills=[skill], ladder=[rung])) == "Checked 1 role guides: no problems."


def test_target_5_with_an_editors_only_ladder_still_fails(tmp_path):
    skill = good_role()["skills"][0] | {"target": 5}
    rung = {
        "title": "Widget Lead",
        "description": "Organisation-wide.",
        "role": "widget-lead",
        "sources": ["careerpath-editors"],
    }

    assert len(check_fails(tmp_path, good_role(skills=[skill], ladder=[rung]))) == 1


# 6. Primary skills cite the source that names them ------------------------------------------------------


def test_a_primary_skill_without_a_source_for_it_fails(tmp_path):
    data = good_role()
    data["skills"][0]["primary"] = True
    assert check_fails(tmp_path, data) == [
        "widget-lead.yaml: skills[0] (widgetry): a primary skill needs the source that names it "
        "(a transition path's) in field_sources.primary_skills"
    ]


def test_a_primary_skill_with_its_source_passes(tmp_path):
    data = good_role(field_sources={"summary": ["careerpath-editors"], "primary_skills": ["careerpath-editors"]})
    data["skills"][0]["primary"] = True
    assert check(tmp_path, data) == "Checked 1 role guides: no problems."
