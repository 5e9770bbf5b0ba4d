"""The plan never loses typing (issue 28, item 4), in a real browser at 1280 and 390 px.

The plan is the Senior ML Engineer guide's, made from a report with gaps. The page is one form
(any Save button keeps every item), each item autosaves with its own "Saved" beside it, leaving
with unsaved changes asks first, and without JavaScript one Save still keeps every item.
"""

import pytest
from playwright.sync_api import expect

from assessments import services
from assessments.tests.factories import submitted_for
from roles.models import Role

from .helpers import (
    DESKTOP,
    PHONE,
    SENIOR_ML,
    has_no_horizontal_scroll,
    log_in,
    planned_levels,
    role_targets,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"1280": DESKTOP, "390": PHONE}
TYPED = [
    {"own_action": "Design the feature store end to end", "target_date": "2030-03-31"},
    {"own_action": "Lead the quarterly model review", "notes": "Ask Priya to shadow"},
    {"notes": "Read the Kubernetes docs, one chapter a week", "target_date": "2030-06-30"},
]


@pytest.fixture
def plan(shipped_roles, alice):
    role = Role.objects.get(slug=SENIOR_ML)
    report = submitted_for(alice, role, levels=planned_levels(role_targets(SENIOR_ML)))
    plan, _ = services.create_plan(assessment=report)
    items = list(plan.items.order_by("order", "id"))
    assert len(items) >= 6, "the plan needs several gaps"
    return {"report": report, "items": [items[0], items[2], items[5]]}


def item_section(page, item):
    return page.locator(f"#item-{item.pk}")


def type_into(page, item, values):
    section = item_section(page, item)
    for name, value in values.items():
        section.locator(f'[name="item-{item.pk}-{name}"]').fill(value)


def expect_kept(page, items):
    for item, values in zip(items, TYPED, strict=True):
        section = item_section(page, item)
        for name, value in values.items():
            expect(section.locator(f'[name="item-{item.pk}-{name}"]')).to_have_value(value)


def open_plan(page, report):
    page.goto(f"/assessments/{report.pk}/plan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My plan: Senior ML Engineer")


@pytest.mark.parametrize("width", WIDTHS)
def test_typing_in_three_items_and_saving_once_keeps_all_three(new_context, plan, alice, width):
    page = new_context(viewport=WIDTHS[width]).new_page()
    log_in(page, "alice")
    open_plan(page, plan["report"])
    page.route("**/plan/items/**", lambda route: route.abort())  # no autosave: the one Save must keep all
    for item, values in zip(plan["items"], TYPED, strict=True):
        type_into(page, item, values)
    item_section(page, plan["items"][0]).get_by_role("button", name="Save my plan").click()
    page.wait_for_load_state()
    for item in plan["items"]:
        expect(item_section(page, item).get_by_test_id("plan-item-status")).to_have_text("Saved")
    first = item_section(page, plan["items"][0]).get_by_test_id("plan-item-status")
    expect(first).to_be_in_viewport()  # the "Saved" is beside the item the person pressed Save in
    assert has_no_horizontal_scroll(page)
    screenshot(page, f"plan-saved-{width}", max_height=2400)

    page.unroute("**/plan/items/**")
    page.reload()
    expect_kept(page, plan["items"])


@pytest.mark.parametrize("width", WIDTHS)
def test_autosave_keeps_three_items_and_says_saved_beside_each(new_context, plan, alice, width):
    page = new_context(viewport=WIDTHS[width]).new_page()
    log_in(page, "alice")
    open_plan(page, plan["report"])
    for item, values in zip(plan["items"], TYPED, strict=True):
        type_into(page, item, values)
    for item in plan["items"]:
        expect(item_section(page, item).get_by_test_id("plan-item-status")).to_have_text("Saved")
    assert has_no_horizontal_scroll(page)
    screenshot(page, f"plan-autosaved-{width}", region=item_section(page, plan["items"][0]))

    page.reload()
    expect_kept(page, plan["items"])


def test_leaving_with_an_unsaved_item_asks_first(new_context, plan, alice):
    page = new_context().new_page()
    log_in(page, "alice")
    open_plan(page, plan["report"])
    page.route("**/plan/items/**", lambda route: route.abort())  # the autosave cannot reach the server
    type_into(page, plan["items"][1], TYPED[1])
    expect(item_section(page, plan["items"][1]).get_by_test_id("plan-item-status")).to_contain_text("Not saved")
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # the person chooses to stay

    page.on("dialog", stay)
    page.get_by_role("link", name="Back to the report").click(no_wait_after=True)
    for _ in range(100):  # the dialog event arrives from the browser shortly after the click
        if asked:
            break
        page.wait_for_timeout(50)
    assert asked == ["beforeunload"]
    expect(page.get_by_role("heading", level=1)).to_have_text("My plan: Senior ML Engineer")
    expect(page.get_by_role("heading", level=1)).to_have_text("My plan: Senior ML Engineer")


@pytest.mark.parametrize("width", WIDTHS)
def test_without_javascript_one_save_keeps_three_items(new_context, plan, alice, width):
    page = new_context(viewport=WIDTHS[width], java_script_enabled=False).new_page()
    log_in(page, "alice")
    open_plan(page, plan["report"])
    for item, values in zip(plan["items"], TYPED, strict=True):
        type_into(page, item, values)
    item_section(page, plan["items"][2]).get_by_role("button", name="Save my plan").click()
    for item in plan["items"]:
        expect(item_section(page, item).get_by_test_id("plan-item-status")).to_have_text("Saved")
    page.goto(page.url.split("#")[0])
    expect_kept(page, plan["items"])
