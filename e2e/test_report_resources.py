"""A learning resource for every gap (issue 28, item 5), in a real browser at 1280 and 390 px.

The Senior ML Engineer guide, every skill rated one level below its target (two levels where the
target allows): each gap's card names a resource with its cost (and length, where its publisher states one), and the
chosen list shows format, cost and length as its publisher states them, the length linked to where it says so."""

import pytest
from playwright.sync_api import expect

from assessments.reports import report_for
from assessments.tests.factories import submitted_for
from roles.models import Role

from .helpers import PHONE, SENIOR_ML, has_no_horizontal_scroll, log_in, role_targets, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COST_LABELS = {"Free", "Paid", "Cost unknown"}


@pytest.fixture
def resources_report(shipped_roles, alice):
    targets = role_targets(SENIOR_ML)
    levels = {slug: max(0, target - 1 - (i % 2)) for i, (slug, target) in enumerate(targets.items())}
    return submitted_for(alice, Role.objects.get(slug=SENIOR_ML), levels=levels)


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE], ids=["1280", "390"])
def test_every_gap_card_names_a_resource_with_its_cost_and_the_list_shows_format_and_cost(
    new_context, resources_report, viewport
):
    report = report_for(resources_report)
    page = new_context(viewport=viewport).new_page()
    log_in(page, "alice")
    page.goto(f"/assessments/{resources_report.pk}/report/")

    for gap in report.gaps:
        card = page.locator(f'[data-testid=gap-list] li[data-skill="{gap.slug}"]')
        learn = card.locator('[data-testid=way-forward] li[data-kind="course"]')
        if gap.courses:  # a course raises it: its line names the cost, and the length where its publisher gives one
            offering = gap.courses[0].offering
            expect(learn.first).to_contain_text(offering.title)
            expect(learn.first.locator(".offering-facts")).to_have_text(f"({'; '.join(offering.facts)})")
        else:  # rated at Practitioner already: no course goes beyond, so a suggestion or the next level
            assert gap.rating >= 3, gap.slug
            expect(card.locator("[data-testid=way-forward] li").first).to_be_visible()
    assert sum(1 for gap in report.gaps if gap.courses) > len(report.courses)  # more than the five chosen

    chosen = page.get_by_test_id("courses").locator("li.list-group-item")
    expect(chosen).to_have_count(len(report.courses))
    costs = chosen.locator('[data-fact="cost"]').all_inner_texts()
    assert costs == [c.cost_label for c in report.courses] and set(costs) <= COST_LABELS
    assert "Free" in costs
    lengths = chosen.locator('[data-fact="length"]').all_inner_texts()
    assert lengths == [c.typical_length for c in report.courses if c.typical_length]
    sources = chosen.locator(".offering-length-source")
    assert [a.get_attribute("href") for a in sources.all()] == [
        c.length_source for c in report.courses if c.typical_length
    ]
    for cert in report.certifications:  # one counts only at a gap's target, so it takes it there
        assert all(cover.after == cover.target for cover in cert.covers), cert.title
    assert has_no_horizontal_scroll(page)
    screenshot(page, f"report-resources-{viewport['width']}", region=page.get_by_test_id("gap-list"))
