"""Content rule 1 (docs/content.md) on the assessment's pages: no editor note, source key or seed
marker of a shipped role guide reaches a step of its self-assessment or its report.

`manage.py check_content` renders the guides and skill pages (roles/content_checks.py); these pages
belong to assessments, which roles may not import, so the same check runs here, with the helpers
of roles.content_checks."""

import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from assessments.services import RatingInput, save_ratings, start_assessment, submit_assessment
from roles import content_checks
from roles.importing import import_roles
from roles.models import Role
from roles.tests.factories import EDITOR_NOTE, make_role, sourced_guide

pytestmark = pytest.mark.django_db


def assessment_pages(client, user, role):
    """[(name, response)]: every step of a new assessment of `role`, then its report once submitted."""
    assessment, _created = start_assessment(role=role, user=user)
    pages, request_log = [], logging.getLogger("django.request")
    level, request_log.level = request_log.level, logging.ERROR  # quiet any 404 on the way
    try:
        for number in range(1, 50):
            response = client.get(reverse("assessments:step", args=[assessment.pk, number]))
            if response.status_code != 200:
                break
            pages.append((f"assessment step {number}", response))
    finally:
        request_log.level = level
    role_skills = list(role.role_skills.all())
    save_ratings(assessment=assessment, ratings=[RatingInput(skill_id=rs.skill_id, level=2) for rs in role_skills])
    submit_assessment(assessment=assessment)
    pages.append(("report", client.get(reverse("assessments:report", args=[assessment.pk]))))
    return pages


def problems_on_assessment_pages(user, roles, files):
    notes, keys = content_checks.internal_markers()
    problems = []
    with override_settings(**content_checks.AS_READER):
        client = Client()
        client.force_login(user)
        for role in roles:
            guide = content_checks.Guide(role, files.get(role.slug, f"{role.slug} (no file)"))
            problems += content_checks.page_problems(guide, assessment_pages(client, user, role), notes, keys)
    return problems


def test_no_internal_note_of_a_shipped_guide_reaches_its_assessment_steps_or_report(alice):
    paths = sorted((Path(settings.BASE_DIR) / "content" / "roles").glob("*.yaml"))
    import_roles(paths)
    roles = list(Role.objects.order_by("slug"))
    assert len(roles) == len(paths)

    assert problems_on_assessment_pages(alice, roles, {path.stem: path.name for path in paths}) == []


def test_an_internal_marker_in_a_skill_note_is_found_on_the_step_and_the_report(alice):
    role = make_role(required=1, differentiating=0, slug="widget-lead")
    role.role_skills.update(note="Merged skill. Chosen by the editors.")

    problems = problems_on_assessment_pages(alice, [role], {"widget-lead": "widget-lead.yaml"})

    assert "widget-lead.yaml: assessment step 1 shows internal marker 'Merged skill'" in problems


def test_editor_notes_and_source_keys_never_reach_the_step_the_report_or_the_snapshot(alice_client, alice):
    role = sourced_guide()
    assessment, _created = start_assessment(role=role, user=alice)
    step = alice_client.get(reverse("assessments:step", args=[assessment.pk, 1])).content.decode()
    save_ratings(
        assessment=assessment, ratings=[RatingInput(skill_id=rs.skill_id, level=2) for rs in role.role_skills.all()]
    )
    submitted, _ = submit_assessment(assessment=assessment)
    report = alice_client.get(reverse("assessments:report", args=[assessment.pk])).content.decode()

    assert "What the role needs, for readers." in step
    for page in (step, report):
        assert EDITOR_NOTE not in page
        assert "decipheru" not in page and "career-guide" not in page
    assert all("editor_note" not in skill and EDITOR_NOTE not in str(skill) for skill in submitted.snapshot["skills"])
