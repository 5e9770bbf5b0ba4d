"""The gap report a careful reader can trust (issue #15), in a real browser.

The report is the Senior ML Engineer guide's, every skill rated with a realistic spread (one at 0,
some above target), a few evidence notes, an earlier report of the same role and a current role.
"""

import json
import random
import re

import pytest
from playwright.sync_api import expect

from assessments import services
from assessments.fit import compute_role_fit
from assessments.models import ShareLink
from assessments.scoring import whole_percent
from assessments.scoring_fit import with_report
from assessments.steps import build_steps
from assessments.tests.factories import draft_for, submitted_for
from reviews.selectors import report_on_basis, reviewer_rated_by
from reviews.services import CalibrationInput, save_calibrations
from reviews.tests.factories import review_of
from roles.models import Role

from .helpers import (
    DESKTOP,
    PHONE,
    SENIOR_ML,
    has_no_horizontal_scroll,
    log_in,
    page_widths,
    role_targets,
    screenshot,
    wider_than_viewport,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"1280": DESKTOP, "390": PHONE}
ARCHITECT = "solutions-architect"

SCREEN = {"width": 1280, "height": 800}
EVIDENCE = "Shipped drift alerts for the ranking model"


def realistic_levels(targets):
    """Around each target (a few below, some at, some above); the fourth skill rated 0."""
    rng = random.Random(15)
    levels = {slug: max(0, min(5, target + rng.choice([-2, -1, -1, 0, 0, 1]))) for slug, target in targets.items()}
    levels[list(targets)[3]] = 0
    return levels


@pytest.fixture
def senior_ml_report(shipped_roles, alice):
    role = Role.objects.get(slug=SENIOR_ML)
    targets = role_targets(SENIOR_ML)
    levels = realistic_levels(targets)
    earlier = dict(levels)
    changed = [slug for slug in targets if 0 < levels[slug] < 5][:2]
    for slug in changed:
        earlier[slug] = levels[slug] - 1
    submitted_for(alice, role, levels=earlier)
    draft = draft_for(alice, role, levels)
    gap_slug = next(slug for slug, level in levels.items() if 0 < level < targets[slug])
    skill = draft.role.role_skills.select_related("skill").get(skill__slug=gap_slug).skill
    services.save_rating(assessment=draft, skill=skill, level=levels[gap_slug], evidence=EVIDENCE)
    report, _ = services.submit_assessment(assessment=draft, current_role=Role.objects.get(slug="ml-engineer"))
    return {
        "report": report,
        "levels": levels,
        "targets": targets,
        "zero": list(targets)[3],
        "evidence_skill": gap_slug,
    }


def open_report(page, report):
    page.goto(f"/assessments/{report.pk}/report/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your gap report: Senior ML Engineer")


def test_the_report_opens_with_its_verdict_shows_a_zero_and_fits_in_five_screens(new_context, senior_ml_report, alice):
    levels, targets = senior_ml_report["levels"], senior_ml_report["targets"]
    page = new_context(viewport=SCREEN).new_page()
    log_in(page, "alice")
    open_report(page, senior_ml_report["report"])

    required_total = Role.objects.get(slug=SENIOR_ML).role_skills.filter(kind="required").count()
    shortfalls = [
        rs.target - levels[rs.skill.slug]
        for rs in Role.objects.get(slug=SENIOR_ML).role_skills.filter(kind="required").select_related("skill")
        if levels[rs.skill.slug] < rs.target
    ]
    one_level = shortfalls.count(1)
    assert 0 < one_level < len(shortfalls), "the realistic levels have gaps of one level and of more"
    verdict = page.get_by_test_id("verdict")
    expect(verdict).to_have_text(
        f"Not yet: {len(shortfalls)} of {required_total} required skills are below target, "
        f"{one_level} of them by one level."
    )
    # The earlier report differs in two skills, each by one level (see senior_ml_report).
    expect(page.get_by_test_id("verdict-change")).to_contain_text("2 skills moved")
    # The verdict is the first thing under the title, before any percentage, and in the first screen.
    assert verdict.bounding_box()["y"] < page.get_by_test_id("readiness-overall").bounding_box()["y"]
    assert verdict.bounding_box()["y"] + verdict.bounding_box()["height"] < SCREEN["height"]
    for name in ("overall", "required", "differentiating"):
        expect(page.get_by_test_id(f"readiness-{name}")).to_have_text(re.compile(r"^\d+%$"))  # whole percentages

    # A 0 rating is a visible ring in its row of the chart, not an empty row.
    chart = page.get_by_test_id("chart-wide")
    expect(chart).to_be_visible()
    zero_row = chart.locator(f'g[data-skill="{senior_ml_report["zero"]}"]')
    expect(zero_row).to_have_attribute("data-rating", "0")
    mark = zero_row.get_by_test_id("zero-mark")
    expect(mark).to_be_visible()
    assert mark.bounding_box()["width"] >= 8
    assert chart.locator("g[data-skill]").count() == len(targets)
    expect(zero_row.locator(".chart-value")).to_have_text(f"0 of {targets[senior_ml_report['zero']]}")

    # Gaps in the page's order are the gaps; the evidence note shows on its gap.
    shown = page.locator("[data-testid=gap-list] li[data-skill]").evaluate_all("els => els.map(e => e.dataset.skill)")
    assert set(shown) == {slug for slug, level in levels.items() if level < targets[slug]}
    card = page.locator(f'[data-testid=gap-list] li[data-skill="{senior_ml_report["evidence_skill"]}"]')
    expect(card.get_by_test_id("evidence")).to_contain_text(EVIDENCE)

    # The full table, progress details, transition path and strengths are collapsed.
    for testid in ("full-table", "progress-details", "transition-details", "strengths-details"):
        details = page.get_by_test_id(testid)
        expect(details).to_have_count(1)
        assert details.evaluate("d => d.open") is False, testid
    expect(page.get_by_test_id("progress-counts")).to_have_text(f"2 skills changed, {len(targets) - 2} unchanged")

    # No certification is listed under "Learn it with", and every gap has a way forward.
    cert_titles = page.get_by_test_id("certifications").locator("li.list-group-item a").all_inner_texts()
    learn = page.locator('[data-testid=way-forward] li[data-kind="course"]').all_inner_texts()
    assert learn  # certifications may be none: one counts only where its level reaches the gap's target
    assert not any(title in line for title in cert_titles for line in learn)
    for slug in shown:
        assert page.locator(f'[data-testid=gap-list] li[data-skill="{slug}"] [data-testid=way-forward] li').count() >= 1

    height = page.evaluate("() => document.documentElement.scrollHeight")
    screenshot(page, "report-desktop")
    # Five screens, a quarter for what issue 28 put beside the verdict: "Start here" (the first
    # three gaps, the transition time and its source) and the change since the earlier report, and
    # half a screen for issue 28's resource in every gap's card (with its cost) beside the suggestion.
    budget = 5.75 * SCREEN["height"]
    assert height <= budget, f"the open report is {height} px, more than 5.75 screens of 800"


def test_at_390_px_the_report_fits_and_the_chart_labels_are_at_least_12_px(new_context, senior_ml_report, alice):
    page = new_context(viewport=PHONE).new_page()
    log_in(page, "alice")
    open_report(page, senior_ml_report["report"])

    assert has_no_horizontal_scroll(page), (page_widths(page), wider_than_viewport(page))
    expect(page.get_by_test_id("chart-wide")).to_be_hidden()
    chart = page.get_by_test_id("chart-narrow")
    expect(chart).to_be_visible()
    sizes = chart.locator(".chart-label").evaluate_all(
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize) * e.getScreenCTM().a)"
    )
    assert len(sizes) == len(senior_ml_report["targets"])
    assert min(sizes) >= 12, f"chart labels drawn at {min(sizes):.1f} px"
    expect(chart.locator(f'g[data-skill="{senior_ml_report["zero"]}"]').get_by_test_id("zero-mark")).to_be_visible()

    page.get_by_test_id("full-table").locator("summary").click()
    region = page.get_by_role("region", name="Every skill's rating against its target")
    expect(region).to_be_visible()
    assert region.get_attribute("tabindex") == "0"
    assert has_no_horizontal_scroll(page), (page_widths(page), wider_than_viewport(page))
    screenshot(page, "report-phone")


@pytest.mark.parametrize("width", WIDTHS)
def test_fit_ranks_only_roles_with_every_required_skill_and_half_their_weight_rated(
    new_context, senior_ml_report, alice, width
):
    page = new_context(viewport=WIDTHS[width]).new_page()
    log_in(page, "alice")

    response = page.goto("/assessments/fit.json")
    data = json.loads(response.text())

    assert data["ranked"], "the assessed role itself is fully rated"
    keys = {"slug", "title", "readiness", "rated_weight_share", "required_unrated", "rated", "total"}
    assert data["ranked"][0].keys() == keys
    assert all(entry["rated_weight_share"] >= 0.5 and entry["required_unrated"] == 0 for entry in data["ranked"])
    for entry in data["unranked"]:
        assert entry["rated_weight_share"] < 0.5 or entry["required_unrated"] > 0
        assert entry["readiness"] is None
    readiness = [entry["readiness"] for entry in data["ranked"]]
    assert readiness == sorted(readiness, reverse=True)
    assert SENIOR_ML in [entry["slug"] for entry in data["ranked"]]

    page.goto("/assessments/fit/")
    names = page.get_by_test_id("role-fit").locator("li a").all_inner_texts()
    assert names == [entry["title"] for entry in data["ranked"]]
    first_name = page.get_by_test_id("role-fit").locator("li a").first
    row = page.get_by_test_id("role-fit").locator("li").first
    # Names are left-aligned: the name starts near the row's left edge, after the rank number.
    assert first_name.bounding_box()["x"] - row.bounding_box()["x"] < 60
    for entry in data["unranked"]:
        why = page.locator(f'[data-testid=role-fit-unranked] li[data-role="{entry["slug"]}"]').get_by_test_id(
            "why-unranked"
        )
        n = entry["required_unrated"]
        expect(why).to_have_text(
            f"Not ranked: {n} of its required skills {'is' if n == 1 else 'are'} not rated yet"
            if n
            else "Not ranked: the skills you rated carry less than half of its weight"
        )
    assert has_no_horizontal_scroll(page), page_widths(page)
    screenshot(page, f"fit-{width}")

    # On the report, its own role is marked, not offered to assess.
    open_report(page, senior_ml_report["report"])
    own = page.locator(f'[data-testid=role-fit] li[data-role="{SENIOR_ML}"]')
    if own.count():
        expect(own.get_by_test_id("this-report")).to_have_text("This report")
        expect(own.get_by_role("button", name="Assess")).to_have_count(0)


def test_a_shared_report_shows_evidence_and_current_role_only_when_ticked(new_context, senior_ml_report, alice):
    report = senior_ml_report["report"]
    page = new_context().new_page()
    log_in(page, "alice")

    page.goto(f"/assessments/{report.pk}/share/")
    page.get_by_label("Your name as the reader will see it").fill("Sam K.")
    page.get_by_role("button", name="Create share link").click()
    plain = page.get_by_test_id("new-link").input_value()  # shown once, as it is made
    page.get_by_label("Your name as the reader will see it").fill("Sam with notes")
    page.get_by_label("Include my evidence notes").check()
    page.get_by_label("Include my current role").check()
    page.get_by_role("button", name="Create share link").click()
    expect(page.get_by_test_id("share-includes").first).to_have_text("Includes your current role, your evidence notes")
    with_notes = page.get_by_test_id("new-link").input_value()
    assert plain != with_notes
    screenshot(page, "shares")
    assert ShareLink.objects.filter(assessment=report).count() == 2

    reader = new_context().new_page()
    reader.goto(plain)
    expect(reader.get_by_test_id("verdict")).to_be_visible()
    expect(reader.get_by_text(EVIDENCE)).to_have_count(0)
    expect(reader.get_by_text("ML Engineer to Senior ML Engineer")).to_have_count(0)

    reader.goto(with_notes)
    expect(reader.get_by_test_id("evidence").first).to_contain_text(EVIDENCE)
    expect(reader.get_by_role("heading", name="From ML Engineer to Senior ML Engineer")).to_be_visible()
    screenshot(reader, "shared-report")


def test_the_scoring_page_works_its_example_with_the_scoring_code(page, shipped_roles):
    page.goto("/roles/senior-ml-engineer/")
    page.get_by_role("link", name="how the report is scored").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How the gap report is scored")

    expect(page.get_by_test_id("example-readiness")).to_contain_text("= 60.0, shown as 60%")
    gaps = page.get_by_test_id("example-gaps").locator("li").all_inner_texts()
    assert [g.split(" (")[0] for g in gaps] == ["Data modelling", "Orchestration", "Spark", "dbt"]
    expect(page.get_by_test_id("example-courses").locator("li").first).to_have_text(
        "Analytics Engineering with dbt, worth 3: dbt 0 → 2, Orchestration 2 → 3"
    )
    assert has_no_horizontal_scroll(page)
    screenshot(page, "scoring")
    page.set_viewport_size(PHONE)
    assert has_no_horizontal_scroll(page), (page_widths(page), wider_than_viewport(page))


@pytest.mark.parametrize("width", WIDTHS)
def test_after_calibrating_every_figure_of_the_report_is_on_the_calibrated_basis_and_says_so(
    new_context, senior_ml_report, alice, bob, width
):
    """Issue 28, item 3 in a browser: the report's header, its role-fit row, the dashboard and the
    plan's levels all come from the calibrated ratings (reviews.selectors.report_on_basis, scored by
    the pure scoring module), and each page names the basis."""
    report, targets = senior_ml_report["report"], senior_ml_report["targets"]
    plan, _ = services.create_plan(assessment=report)
    review_of(report, bob, level=3)
    gaps = [slug for slug, level in senior_ml_report["levels"].items() if level < targets[slug]]
    save_calibrations(assessment=report, calibrations=[CalibrationInput(slug, targets[slug]) for slug in gaps[:3]])
    calibrated = report_on_basis(report, "calibrated")
    expected = whole_percent(calibrated.readiness.overall)
    assert expected != whole_percent(report_on_basis(report, "self").readiness.overall), "the bases must differ"

    page = new_context(viewport=WIDTHS[width]).new_page()
    log_in(page, "alice")
    open_report(page, report)
    expect(page.get_by_test_id("readiness-overall")).to_have_text(f"{expected}%")
    expect(page.get_by_test_id("basis-label")).to_contain_text("every figure on your calibrated ratings")
    own_fit = page.locator(f'[data-testid=role-fit] li[data-role="{SENIOR_ML}"] strong')
    expect(own_fit).to_have_text(f"{expected}%")
    expect(page.get_by_test_id("fit-basis")).to_contain_text("this report's figure")
    assert has_no_horizontal_scroll(page), page_widths(page)
    screenshot(page, f"report-calibrated-header-{width}", max_height=900)
    screenshot(page, f"report-calibrated-fit-{width}", region=page.locator("section[aria-labelledby=fit-heading]"))

    page.goto("/dashboard/")
    row = page.get_by_test_id("submitted-row").filter(has=page.locator(f'a[href="/assessments/{report.pk}/report/"]'))
    expect(row.get_by_test_id("readiness")).to_contain_text(f"{expected}% ready on your calibrated ratings")

    page.goto(f"/assessments/{report.pk}/plan/")
    expect(page.get_by_test_id("plan-basis")).to_contain_text("its levels on your calibrated ratings")
    item_ids = {item.skill.slug: item.pk for item in plan.items.select_related("skill")}
    for gap in calibrated.gaps:
        expect(page.locator(f"#item-{item_ids[gap.slug]}")).to_contain_text(f"From level {gap.rating} to {gap.target}")
    for slug in gaps[:3]:  # closed on a second look: no longer an open gap of the plan
        assert slug not in {g.slug for g in calibrated.gaps}
    assert has_no_horizontal_scroll(page), page_widths(page)
    screenshot(page, f"plan-calibrated-{width}", max_height=1400)


@pytest.mark.parametrize("width", WIDTHS)
def test_on_a_reviewers_ratings_every_role_in_role_fit_is_on_them_and_the_page_says_so(
    new_context, senior_ml_report, alice, bob, width
):
    """Issue 28, item 3 on the reviewer basis: the header and this role's role-fit row show the report
    on bob's ratings; every other role is compared on the skills bob rated alone (role fit on the
    reviews' `reviewer_rated_by`), so the Solutions Architect guide, ranked on alice's own latest
    ratings (she assessed it too), is listed apart: bob was not asked about its last skill. The
    sentence names bob."""
    report, levels = senior_ml_report["report"], senior_ml_report["levels"]
    architect = role_targets(ARCHITECT)
    submitted_for(alice, Role.objects.get(slug=ARCHITECT), levels={s: v for s, v in levels.items() if s in architect})
    review_of(report, bob, levels={slug: max(0, level - 1) for slug, level in levels.items()})
    on_bobs = report_on_basis(report, "reviewer")
    expected = whole_percent(on_bobs.readiness.overall)
    assert expected != whole_percent(report_on_basis(report, "self").readiness.overall), "the bases must differ"
    fits = with_report(
        compute_role_fit(alice, rated_by=reviewer_rated_by(report)),
        slug=SENIOR_ML,
        readiness=on_bobs.readiness.overall,
        meets_required_bar=on_bobs.readiness.meets_required_bar,
    )
    alices = {f.slug: f for f in compute_role_fit(alice).ranked}
    assert ARCHITECT in alices and ARCHITECT in {f.slug for f in fits.unranked}

    page = new_context(viewport=WIDTHS[width]).new_page()
    log_in(page, "alice")
    page.goto(f"/assessments/{report.pk}/report/?basis=reviewer")
    expect(page.get_by_test_id("ratings-basis")).to_have_text("Reviewer's ratings")
    expect(page.get_by_test_id("readiness-overall")).to_have_text(f"{expected}%")
    rows = page.get_by_test_id("role-fit").locator("li")
    expect(rows).to_have_count(len(fits.ranked[:3]))
    for row, fit in zip(rows.all(), fits.ranked[:3], strict=True):
        expect(row).to_have_attribute("data-role", fit.slug)
        expect(row.locator("strong")).to_have_text(f"{whole_percent(fit.readiness)}%")
        expect(row).to_contain_text(f"bob rated {fit.shared} of its {fit.total} skills")
    expect(page.get_by_test_id("fit-basis")).to_contain_text(
        "Every other role is on bob's ratings from their review: other roles use only the skills bob rated"
    )
    expect(page.get_by_test_id("fit-unranked")).to_contain_text(
        f"{len(fits.unranked)} more roles share skills bob rated but cannot be ranked on them"
    )
    assert has_no_horizontal_scroll(page), page_widths(page)
    screenshot(page, f"report-reviewer-header-{width}", max_height=900)
    screenshot(page, f"report-reviewer-fit-{width}", region=page.locator("section[aria-labelledby=fit-heading]"))

    open_report(page, report)  # on alice's own latest ratings, the architect guide is ranked
    own_row = page.locator(f'[data-testid=role-fit] li[data-role="{ARCHITECT}"]')
    expect(own_row.locator("strong")).to_have_text(f"{whole_percent(alices[ARCHITECT].readiness)}%")
    expect(own_row).to_contain_text("You rated")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_retake_after_calibrating_carries_the_calibrated_levels_and_says_so(
    new_context, senior_ml_report, alice, bob, width
):
    report, targets, levels = senior_ml_report["report"], senior_ml_report["targets"], senior_ml_report["levels"]
    review_of(report, bob, level=3)
    gaps = [slug for slug, level in levels.items() if level < targets[slug]][:2]
    save_calibrations(assessment=report, calibrations=[CalibrationInput(slug, targets[slug]) for slug in gaps])

    page = new_context(viewport=WIDTHS[width]).new_page()
    log_in(page, "alice")
    open_report(page, report)
    page.get_by_role("button", name="Retake").click()
    expect(page.locator(".alert").first).to_contain_text(
        f"Your earlier ratings are filled in, {len(gaps)} of them the levels you calibrated after a second opinion."
    )
    pk = int(re.search(r"/assessments/(\d+)/", page.url).group(1))
    role_skills = list(report.role.role_skills.select_related("skill").order_by("order", "id"))
    steps = build_steps(role_skills)
    for slug in gaps:
        number = next(s.number for s in steps if slug in {i.skill.slug for i in s.items})
        page.goto(f"/assessments/{pk}/step/{number}/")
        fieldset = page.locator(f'fieldset[data-skill="{slug}"]')
        expect(fieldset.get_by_test_id("carried-over")).to_contain_text("Your calibrated level from your assessment")
        expect(fieldset.locator(f'input[type=radio][value="{targets[slug]}"]')).to_be_checked()
        assert has_no_horizontal_scroll(page), page_widths(page)
    screenshot(page, f"retake-calibrated-{width}", max_height=1200)
