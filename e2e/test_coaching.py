"""A report that coaches (issue 28), in a real browser at 1280 and 390 px: "Start here" beside the
verdict, primary skills first, and the transition time with its source. Every order and number is
read from the scoring rules and the guide, never written into the test."""

import pytest
from playwright.sync_api import expect

from assessments import services
from assessments.reports import report_for
from assessments.tests.factories import draft_for
from roles.models import Role, TransitionPath

from .helpers import (
    DESKTOP,
    PHONE,
    SENIOR_ML,
    axe_violations,
    describe,
    has_no_horizontal_scroll,
    log_in,
    role_targets,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"1280": DESKTOP, "390": PHONE}


@pytest.fixture
def report(shipped_roles, alice):
    """Every skill one level short of its target (so the order is decided by the rules after g)."""
    role = Role.objects.get(slug=SENIOR_ML)
    levels = {slug: target - 1 for slug, target in role_targets(SENIOR_ML).items()}
    draft = draft_for(alice, role, levels)
    report, _ = services.submit_assessment(assessment=draft, current_role=Role.objects.get(slug="ml-engineer"))
    return report


@pytest.mark.parametrize("width", WIDTHS)
def test_start_here_shows_the_first_three_gaps_and_the_sourced_transition_time(new_context, report, alice, width):
    expected = report_for(report)
    path = TransitionPath.objects.get(role__slug=SENIOR_ML, from_role__slug="ml-engineer")
    sources = [s.short_name for s in path.sources.all()]
    page = new_context(viewport=WIDTHS[width]).new_page()
    log_in(page, "alice")
    page.goto(f"/assessments/{report.pk}/report/")

    start = page.get_by_test_id("start-here")
    expect(start).to_be_visible()
    items = start.get_by_test_id("start-here-list").locator("li")
    assert items.evaluate_all("els => els.map(e => e.dataset.skill)") == [g.slug for g in expected.gaps[:3]]
    assert expected.gaps[0].primary, "a primary skill leads the required gaps"
    expect(items.first).to_contain_text("Primary")
    estimate = start.get_by_test_id("time-estimate")
    expect(estimate).to_contain_text(f"{path.typical_months} months from {path.from_role.title}")
    for name in sources:
        expect(estimate).to_contain_text(name)

    gaps = page.get_by_test_id("gap-list").locator(":scope > li")
    assert gaps.evaluate_all("els => els.map(e => e.dataset.skill)") == [g.slug for g in expected.gaps]
    primary = [g.slug for g in expected.gaps if g.primary]
    for slug in primary:
        expect(page.locator(f'#gap-{slug} [data-testid="primary-badge"]')).to_be_visible()
    assert has_no_horizontal_scroll(page)
    screenshot(page, f"report-start-here-{width}", region=page.locator(".report-headline"))


@pytest.mark.parametrize("width", WIDTHS)
def test_citation_markers_on_the_guide_are_24_px_targets(new_context, shipped_roles, axe_source, width):
    page = new_context(viewport=WIDTHS[width]).new_page()
    page.goto(f"/roles/{SENIOR_ML}/")
    markers = page.locator("sup.cite a")
    assert markers.count() > 0
    sizes = markers.evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })"
    )
    small = [size for size in sizes if size[0] < 24 or size[1] < 24]
    assert not small, f"{len(small)} of {len(sizes)} citation markers are smaller than 24 x 24 px: {small[:5]}"
    violations = [v for v in axe_violations(page, axe_source) if v["id"] == "target-size"]
    assert not violations, describe(violations)
    screenshot(page, f"guide-citations-{width}", region=page.locator("#moves"))


@pytest.mark.parametrize("width", WIDTHS)
def test_the_new_share_and_review_links_have_a_copy_button(new_context, report, alice, width):
    context = new_context(viewport=WIDTHS[width], permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    log_in(page, "alice")

    page.goto(f"/assessments/{report.pk}/share/")
    page.get_by_label("Your name as the reader will see it").fill("Sam K.")
    page.get_by_role("button", name="Create share link").click()
    shared = page.get_by_test_id("new-link").input_value()
    page.get_by_test_id("copy-link").click()
    expect(page.locator("[data-copy-status]")).to_have_text("Copied to the clipboard.")
    assert page.evaluate("() => navigator.clipboard.readText()") == shared
    assert has_no_horizontal_scroll(page)
    screenshot(page, f"share-copy-{width}", region=page.get_by_test_id("new-share-link"))

    page.goto(f"/assessments/{report.pk}/reviews/")
    page.get_by_label("Your name as the reviewer will see it").fill("Alice from Platform")
    page.get_by_role("button", name="Make a review link").click()
    link = page.get_by_test_id("review-link").input_value()
    page.get_by_test_id("copy-link").click()
    expect(page.locator("[data-copy-status]")).to_have_text("Copied to the clipboard.")
    assert page.evaluate("() => navigator.clipboard.readText()") == link
