"""One whole assessment with the keyboard alone, from the guide to the report, the plan and a share link.

Only Tab (and Shift+Tab), the arrow keys inside a radio group, Space and Enter are pressed; every
control that takes focus on the way must show where the focus is.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from roles.tests.factories import make_role

from .helpers import REPORT_URL, TAKING_URL, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 80

FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return 'nothing has focus';
  if (!el.matches(':focus-visible')) return 'focus is not visible on ' + el.outerHTML.slice(0, 80);
  const style = getComputedStyle(el);
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
  return ring ? '' : 'no focus ring on ' + el.outerHTML.slice(0, 80);
}"""


def tab_to(page: Page, target, *, reverse=False):
    """Press Tab until `target` (a locator) has focus, checking at each stop that the focus shows."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if reverse else "Tab")
        problem = page.evaluate(FOCUS_SHOWN)
        assert not problem, f"{page.url}: {problem}"
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{page.url}: {target} never took focus in {MAX_TABS} tabs")


def follow_with_enter(page: Page):
    """Press Enter on the focused link or button and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def rate_with_keys(page: Page, slug, level):
    """Tab into the skill's radio group (focus lands on its first level, 0), arrow to `level`."""
    group = page.locator(f'fieldset[data-skill="{slug}"]')
    tab_to(page, group.locator("input[type=radio]").first)
    page.keyboard.press("Space")
    for _ in range(level):
        page.keyboard.press("ArrowRight")
    expect(group.locator(f'input[type=radio][value="{level}"]')).to_be_checked()


def test_a_whole_assessment_plan_and_share_with_the_keyboard_alone(page, alice):
    role = make_role(required=3, differentiating=1, courses=1, title="Keyboard Analyst")
    log_in(page, "alice")
    page.goto(role.get_absolute_url())

    tab_to(page, page.get_by_role("button", name="Assess yourself").first)
    follow_with_enter(page)
    expect(page).to_have_url(TAKING_URL)

    while "/step/" in page.url:
        for slug in page.locator("fieldset[data-skill]").evaluate_all("els => els.map(e => e.dataset.skill)"):
            rate_with_keys(page, slug, 1)
        expect(page.locator("[data-save-status]")).to_have_text("Saved")
        tab_to(page, page.get_by_role("button", name=re.compile(r"^Save and (continue|review)$")))
        follow_with_enter(page)

    expect(page).to_have_url(re.compile(r"/review/$"))
    tab_to(page, page.get_by_role("button", name="Submit and see my report"))
    follow_with_enter(page)
    expect(page).to_have_url(REPORT_URL)
    report_url = page.url

    tab_to(page, page.get_by_role("button", name="Make this my plan"))
    follow_with_enter(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("plan")

    page.goto(report_url)
    tab_to(page, page.get_by_role("link", name="Share"))
    follow_with_enter(page)
    name = page.locator('[name="display_name"]')
    tab_to(page, name)
    page.keyboard.type("Alice from the keyboard")
    follow_with_enter(page)
    expect(page.get_by_text("Alice from the keyboard").first).to_be_visible()
