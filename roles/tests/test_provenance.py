"""Readers see where each fact comes from, and never an editor's note (issue 14)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from assessments.services import RatingInput, save_ratings, start_assessment, submit_assessment
from roles.models import FAQ, RoleFieldSource, SalaryBand

from .factories import CertificationFactory, CourseFactory, RoleCertificationFactory, make_role, shipped_source

pytestmark = pytest.mark.django_db

NOTE = "Merged from two guides; keep an eye on the salary table."


def sourced_guide():
    role = make_role(title="Widget Lead", required=2, differentiating=1, median_salary=150_000)
    decipheru = shipped_source("decipheru")
    for rs in role.role_skills.all():
        rs.sources.set([decipheru])
        rs.editor_note = NOTE
        rs.note = "What the role needs, for readers."
        rs.save()
    RoleFieldSource.objects.create(role=role, field="median_salary", source=decipheru)
    band = SalaryBand.objects.create(role=role, level="Widget Lead", low=100_000, high=150_000, editor_note=NOTE)
    band.sources.set([decipheru])
    faq = FAQ.objects.create(role=role, question="Is it hard?", answer="Sometimes.", editor_note=NOTE)
    faq.sources.set([decipheru, shipped_source("career-guide")])
    return role


def test_guide_cites_each_item_and_lists_what_came_from_each_source(client):
    html = client.get(sourced_guide().get_absolute_url()).content.decode()

    assert 'href="#source-1" title="Source: DecipherU"' in html
    assert 'id="source-1"' in html and 'id="source-2"' in html
    assert "What came from it: skills (3), salary bands (1), questions and answers (1), median salary (1)." in html
    assert 'Source: <a href="#source-1">DecipherU</a>, <a href="#source-2">Career Guide</a>' in html
    assert "From published guides" in html


def test_editor_notes_and_source_keys_never_reach_the_guide_the_step_or_the_report(client, alice_client, alice):
    role = sourced_guide()
    assessment, _created = start_assessment(role=role, user=alice)
    step = alice_client.get(reverse("assessments:step", args=[assessment.pk, 1])).content.decode()
    save_ratings(
        assessment=assessment, ratings=[RatingInput(skill_id=rs.skill_id, level=2) for rs in role.role_skills.all()]
    )
    submitted, _ = submit_assessment(assessment=assessment)
    report = alice_client.get(reverse("assessments:report", args=[assessment.pk])).content.decode()
    guide = client.get(role.get_absolute_url()).content.decode()

    assert "What the role needs, for readers." in guide and "What the role needs, for readers." in step
    for page in (guide, step, report):
        assert NOTE not in page
        assert "decipheru" not in page and "career-guide" not in page
    assert all("editor_note" not in skill and NOTE not in str(skill) for skill in submitted.snapshot["skills"])


@override_settings(CAREERPATH_EDITORS_EMAIL="fixes@example.org")
def test_an_editorial_guide_says_so_with_a_correction_link_and_no_unsourced_header(client):
    role = make_role(title="Widget Lead", median_salary=150_000)  # the median cites no source

    html = client.get(role.get_absolute_url()).content.decode()

    assert "Written by careerpath editors." in html
    assert 'href="mailto:fixes@example.org?subject=Correction%20to%20the%20Widget%20Lead%20guide"' in html
    assert "Not stated" not in html
    assert "$150,000" not in html
    assert "No salary data in our sources." in html
    assert "Editorial guide" in html


def test_the_role_list_marks_sourced_and_editorial_guides_and_hides_unsourced_medians(client):
    sourced_guide()
    make_role(title="Gadget Lead", median_salary=90_000)

    html = client.get(reverse("roles:list")).content.decode()

    assert html.count("From published guides") == 1 and html.count("Editorial guide") == 1
    assert "$150,000" in html and "$90,000" not in html


def test_offerings_describe_their_format_cost_and_level_per_skill(client):
    role = sourced_guide()
    skill = role.role_skills.first().skill
    course = CourseFactory(title="Widget Book", format="book", cost="free", skills=[(skill, 2)])
    cert = CertificationFactory(name="Widget Exam", skills=[(skill, 3)])
    RoleCertificationFactory(role=role, certification=cert)
    role.role_courses.create(course=course)

    guide = client.get(role.get_absolute_url()).content.decode()
    page = client.get(skill.get_absolute_url()).content.decode()

    assert ">Book</span>" in guide and ">Free</span>" in guide and ">Cost unknown</span>" in guide
    assert f"{skill.name}</a> (level 2)" in guide
    assert f"Book · Free · brings you to level 2 in {skill.name}" in page
    assert f"Certification · Cost unknown · shows level 3 in {skill.name}" in page


def test_commonly_missing_is_the_one_term(client):
    role = make_role(title="Widget Lead")
    role.role_skills.update(commonly_missing=True)
    html = client.get(role.get_absolute_url()).content.decode()
    skill_page = client.get(role.role_skills.first().skill.get_absolute_url()).content.decode()

    for page in (html, skill_page):
        assert "Commonly missing" in page
        assert "often missing" not in page.lower()


@pytest.mark.django_db(transaction=True)  # the content revision moves when a change commits
def test_changing_only_a_citation_moves_the_content_revision():
    from roles import revision

    faq = sourced_guide().faqs.get()
    before = revision.current()
    faq.sources.set([shipped_source("careerpath-editors")])

    assert revision.current() == before + 1
