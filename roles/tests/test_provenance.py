"""Readers see where each fact comes from, and never an editor's note (issue 14)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from .factories import (
    EDITOR_NOTE,
    CertificationFactory,
    CourseFactory,
    RoleCertificationFactory,
    make_role,
    shipped_source,
    sourced_guide,
)

pytestmark = pytest.mark.django_db


def test_guide_cites_each_item_and_lists_what_came_from_each_source(client):
    html = client.get(sourced_guide().get_absolute_url()).content.decode()

    assert 'href="#source-1" title="Source: DecipherU"' in html
    assert 'id="source-1"' in html and 'id="source-2"' in html
    assert "What came from it: skills (3), salary bands (1), questions and answers (1), median salary (1)." in html
    assert 'Source: <a href="#source-1">DecipherU</a>, <a href="#source-2">Career Guide</a>' in html
    assert "From published guides" in html


def test_editor_notes_and_source_keys_never_reach_the_guide(client):
    guide = client.get(sourced_guide().get_absolute_url()).content.decode()

    assert "What the role needs, for readers." in guide
    assert EDITOR_NOTE not in guide
    assert "decipheru" not in guide and "career-guide" not in guide
    # the assessment step, the report and the snapshot: assessments/tests/test_shipped_content.py


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


def test_offerings_describe_their_format_cost_length_with_its_source_and_level_per_skill(client):
    role = sourced_guide()
    skill = role.role_skills.first().skill
    source = "https://github.com/widgets/book/blob/0123abc/README.md"
    course = CourseFactory(
        title="Widget Book",
        format="book",
        cost="free",
        typical_length="14 chapters",
        length_source=source,
        skills=[(skill, 2)],
    )
    cert = CertificationFactory(name="Widget Exam", skills=[(skill, 3)])
    RoleCertificationFactory(role=role, certification=cert)
    role.role_courses.create(course=course)

    guide = client.get(role.get_absolute_url()).content.decode()
    page = client.get(skill.get_absolute_url()).content.decode()

    assert ">Book</span>" in guide and ">Free</span>" in guide and ">Cost unknown</span>" in guide
    assert f"{skill.name}</a> (level 2)" in guide
    assert f'data-fact="length">14 chapters</span> <a class="small offering-length-source" href="{source}"' in guide
    assert f'Book · Free · 14 chapters (<a href="{source}"' in page
    assert f"· brings you to level 2 in {skill.name}" in page
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
