"""The assessment's steps group skills by area (issue 28, item 7), in a real browser at 1280 and 390 px.

On the Senior ML Engineer guide: the step list shows as many steps as the grouping rule makes
(assessments.steps.build_steps), no step holds a single skill unless its area has only one in the
role, a step mixing required and differentiating skills labels each, and every page fits the screen.
"""

from collections import Counter

import pytest
from playwright.sync_api import expect

from assessments.steps import build_steps
from roles.models import Role

from .helpers import (
    DESKTOP,
    PHONE,
    SENIOR_ML,
    has_no_horizontal_scroll,
    log_in,
    screenshot,
    start_assessment,
    step_skills,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"1280": DESKTOP, "390": PHONE}


@pytest.mark.parametrize("width", WIDTHS)
def test_every_step_of_the_senior_ml_guide_holds_several_skills_of_one_area(new_context, shipped_roles, alice, width):
    role = Role.objects.get(slug=SENIOR_ML)
    role_skills = list(role.role_skills.select_related("skill").order_by("order", "id"))
    steps = build_steps(role_skills)
    areas = Counter(rs.skill.category for rs in role_skills)
    page = new_context(viewport=WIDTHS[width]).new_page()
    log_in(page, "alice")
    pk = start_assessment(page, SENIOR_ML)

    for step in steps:
        page.goto(f"/assessments/{pk}/step/{step.number}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Step {step.number} of {len(steps)}: {step.title}")
        shown = step_skills(page)
        assert shown == [rs.skill.slug for rs in step.items]
        assert len(shown) > 1 or areas[step.category] == 1, step.title
        kinds = page.get_by_test_id("skill-kind")
        expect(kinds).to_have_count(len(shown) if step.mixed else 0)
        if step.mixed:
            expect(page.get_by_test_id("step-kinds")).to_contain_text(f"{step.required} required skill")
            screenshot(page, f"step-mixed-{width}", max_height=1600)
        assert has_no_horizontal_scroll(page), step.title
    assert sum(1 for s in steps if len(s.items) == 1) <= 1
