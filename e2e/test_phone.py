"""At phone width (390 x 844) nothing scrolls sideways and every control can be reached."""

import pytest
from playwright.sync_api import expect

from assessments.tests.factories import submitted_for
from roles.models import Role

from .helpers import (
    PHONE,
    SENIOR_ML,
    has_no_horizontal_scroll,
    log_in,
    page_widths,
    screenshot,
    start_assessment,
    step_skills,
    toggle_menu,
    wider_than_viewport,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_fits_the_screen(page, what):
    assert has_no_horizontal_scroll(page), (
        f"{what} scrolls sideways at 390 px: {page_widths(page)}; wider elements: {wider_than_viewport(page)}"
    )


def assert_reachable(control):
    """Scrolled into view, the control is visible, inside the screen's width, enabled and not covered."""
    control.scroll_into_view_if_needed()
    expect(control).to_be_visible()
    expect(control).to_be_in_viewport()
    expect(control).to_be_enabled()
    box = control.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"control out of the screen: {box}"
    control.click(trial=True)  # nothing covers it: a tap would reach it (trial: nothing is pressed)


def unreachable(page, selector):
    """The elements matching `selector` that, scrolled into view, are empty, stick out of the
    screen sideways or lie under something else (checked in one go in the page)."""
    return page.evaluate(
        """selector => [...document.querySelectorAll(selector)].flatMap(el => {
             el.scrollIntoView({block: 'center', behavior: 'instant'});  // Bootstrap makes scrolling smooth
             const r = el.getBoundingClientRect();
             const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
             const covered = !hit || !(el === hit || el.contains(hit) || (el.labels && [...el.labels].includes(hit.closest('label'))));
             const problem = r.width === 0 || r.height === 0 ? 'not shown'
               : r.left < 0 || r.right > window.innerWidth ? 'sticks out sideways'
               : covered ? 'covered by ' + (hit ? hit.outerHTML.slice(0, 80) : 'nothing') : '';
             return problem ? [(el.id || el.getAttribute('for') || el.tagName) + ': ' + problem] : [];
           })""",
        selector,
    )


def test_at_phone_width_role_step_and_report_fit_the_screen_and_every_control_is_reachable(
    new_context, shipped_roles, alice
):
    report = submitted_for(alice, Role.objects.get(slug=SENIOR_ML), level=2)
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()

    # The role guide, as a visitor: the menu opens from the toggler, "Assess yourself" is there.
    page.goto(f"/roles/{SENIOR_ML}/")
    assert_fits_the_screen(page, "the role page")
    menu_link = page.locator("#nav-main").get_by_role("link", name="Role guides")
    expect(menu_link).to_be_hidden()
    toggle_menu(page, opened=True)
    expect(menu_link).to_be_visible()
    assert_reachable(page.locator("#nav-main").get_by_role("link", name="Log in"))
    toggle_menu(page, opened=False)
    expect(menu_link).to_be_hidden()
    assert_reachable(page.get_by_role("button", name="Assess yourself").first)

    # An assessment step: every level of every skill and the three buttons.
    log_in(page, "alice")
    pk = start_assessment(page, SENIOR_ML)
    page.goto(f"/assessments/{pk}/step/3/")  # several skills, and a step to go back to
    assert_fits_the_screen(page, "an assessment step")
    assert len(step_skills(page)) > 1
    assert unreachable(page, "fieldset[data-skill] input[type=radio], fieldset[data-skill] label, textarea") == []
    for name in ["Save and go back", "Save and continue", "Save and exit"]:
        assert_reachable(page.get_by_role("button", name=name, exact=True))
    screenshot(page, "phone-step")

    # The report: the gap list, the chart and its table, and every action.
    page.goto(f"/assessments/{report.pk}/report/")
    expect(page.locator("[data-testid=gap-list] li").first).to_be_visible()
    assert_fits_the_screen(page, "the report")
    for name in ["Download JSON", "Download CSV"]:
        assert_reachable(page.get_by_role("link", name=name))
    assert_reachable(page.get_by_role("link", name="Share"))
    assert_reachable(page.get_by_role("button", name="Retake"))
    screenshot(page, "phone-report", max_height=3000)
