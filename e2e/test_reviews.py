"""A second opinion in a real browser: ask, review blind, compare, calibrate, switch the basis.

The readiness the report shows on each basis is checked against the pure scoring module, fed
the ratings that basis names (reviews.selectors.ratings_on_basis). axe-core checks every new
page; each is screenshotted at 1280 and 390 px into e2e/artifacts/ (review-*.png).
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessments import scoring
from assessments.models import Assessment
from assessments.reports import scoring_inputs
from assessments.steps import build_steps
from assessments.tests.factories import submitted_for
from reviews.models import Review, review_link_path
from reviews.selectors import ratings_on_basis
from reviews.views import StepItem
from roles.models import Role

from .helpers import (
    DESKTOP,
    PHONE,
    SENIOR_ML,
    SERIOUS,
    axe_violations,
    describe,
    fill_sign_up_form,
    has_no_horizontal_scroll,
    log_in,
    log_out,
    planned_levels,
    radio,
    rate,
    role_targets,
    screenshot,
    wait_until_saved,
    wider_than_viewport,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REVIEW_URL = re.compile(r"/reviews/(\d+)/$")


def expected_readiness(assessment, basis):
    """The pure scoring's overall readiness of `assessment` on `basis`, as the page prints it."""
    levels = ratings_on_basis(assessment, basis)
    snapshot = {**assessment.snapshot, "ratings": {s: {"level": v, "evidence": ""} for s, v in levels.items()}}
    skills, courses, certifications, suggestions = scoring_inputs(snapshot)
    overall = scoring.score(skills, courses=courses, certifications=certifications, suggestions=suggestions)
    return str(scoring.whole_percent(overall.readiness.overall))  # the page rounds to whole percentages


def review_steps(assessment, slugs):
    """The steps a review of `slugs` is split into: the self-assessment's grouping (assessments.steps)."""
    return build_steps([StepItem(meta) for meta in assessment.snapshot["skills"] if meta["slug"] in slugs])


def check_page(page, axe_source, name, *, region=None):
    """No serious axe violation, no horizontal scroll at 390 px; screenshots at both widths.

    `region`: check only that part fits (the report page as a whole is another helper's: it
    is 1 px too wide at 390 px with these ratings before this panel is added as well)."""
    violations = [v for v in axe_violations(page, axe_source) if v["impact"] in SERIOUS]
    assert not violations, f"axe on {name} ({page.url}):\n{describe(violations)}"
    for label, size in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        screenshot(page, f"review-{name}-{label}")
        if size is PHONE and region is not None:
            box = region.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{name}: {box}"
        elif size is PHONE:
            assert has_no_horizontal_scroll(page), f"{name} scrolls sideways at 390 px: {wider_than_viewport(page)}"
    page.set_viewport_size(DESKTOP)


def test_ask_review_blind_compare_calibrate_and_switch_the_basis(page, shipped_roles, alice, axe_source):
    targets = role_targets(SENIOR_ML)
    report = submitted_for(alice, Role.objects.get(slug=SENIOR_ML), levels=planned_levels(targets))
    chosen = list(targets)[:4]

    # The owner asks for a second opinion on four skills, from her report.
    log_in(page, "alice")
    page.goto(f"/assessments/{report.pk}/report/")
    page.get_by_role("link", name="Ask for a second opinion").click()
    expect(page.locator("main h1")).to_contain_text("Second opinions")
    page.get_by_label("Your name as the reviewer will see it").fill("Alice from Platform")
    link_form = page.locator("form").filter(has=page.get_by_role("button", name="Make a review link"))
    link_form.get_by_text("Skills to review: all").click()  # unfold the ticks (all are ticked by default)
    for box in link_form.locator("input[name=skills]").all():
        if box.get_attribute("value") not in chosen:
            box.uncheck()
    page.get_by_role("button", name="Make a review link").click()
    link = page.get_by_test_id("review-link").input_value()
    check_page(page, axe_source, "manage")
    log_out(page)

    # A visitor opens the link: who asks and why, how long it takes; signs up and lands back on the link.
    page.goto(link)
    expect(page.locator("main h1")).to_contain_text("Alice from Platform asks for your review")
    expect(page.get_by_test_id("how-long")).to_contain_text(f"{len(chosen)} skills in short steps")
    expect(page.locator("main input[type=radio]")).to_have_count(0)
    check_page(page, axe_source, "open-visitor")
    page.get_by_role("link", name="Sign up (free)").click()
    fill_sign_up_form(page, "reviewer")
    expect(page.locator("main h1")).to_contain_text("Alice from Platform asks for your review")
    check_page(page, axe_source, "open")
    page.get_by_role("button", name="Start the review").click()
    expect(page).to_have_url(REVIEW_URL)

    # Blind, in the self-assessment's steps, autosaved; "I haven't seen this" for one skill.
    expect(page.get_by_text("Their own rating")).to_have_count(0)
    check_page(page, axe_source, "rate")
    reviewer_levels = {slug: [1, 5, "unseen", 0][i] for i, slug in enumerate(chosen)}
    steps = review_steps(report, chosen)
    for step in steps:
        expect(page.get_by_text(f"Step {step.number} of {len(steps)}", exact=False).first).to_be_visible()
        expect(page.locator("fieldset[data-skill]")).to_have_count(len(step.items))
        rate(page, {item.skill_id: reviewer_levels[item.skill_id] for item in step.items})
        if step.number < len(steps):
            page.get_by_role("button", name="Save and continue").click()
    last = next(i.skill_id for i in steps[-1].items if reviewer_levels[i.skill_id] != "unseen")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/rate/")) as saved:
        page.locator(f'fieldset[data-skill="{last}"] textarea').fill("Not seen it in production yet")
    assert saved.value.ok
    wait_until_saved(page)
    page.reload()
    expect(radio(page, last, reviewer_levels[last])).to_be_checked()  # the draft kept what autosave sent
    page.get_by_label("Overall comment (optional)").fill("Strong on delivery.")
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_test_id("submitted-review")).to_be_visible()
    expect(page.get_by_text("Their own rating")).to_be_visible()
    check_page(page, axe_source, "submitted")
    page.goto("/reviews/")
    check_page(page, axe_source, "mine")
    page.goto(link)  # used: straight back to the review, which is read-only
    expect(page).to_have_url(REVIEW_URL)
    expect(page.locator("input[type=radio]")).to_have_count(0)
    log_out(page)

    # The owner finds it on her dashboard, compares, sees the flags and comments, and calibrates two skills.
    log_in(page, "alice")
    page.goto(reverse("assessments:dashboard"))
    arrived = page.get_by_test_id("review-arrived")
    expect(arrived).to_contain_text("reviewer reviewed your Senior ML Engineer assessment")
    check_page(page, axe_source, "dashboard-arrived")
    arrived.get_by_role("link", name=re.compile("^Compare")).click()
    seen = [s for s in chosen if reviewer_levels[s] != "unseen"]
    expect(page.get_by_test_id("compare-row")).to_have_count(len(seen))  # "not seen" is no opinion
    expect(page.get_by_test_id("not-seen")).to_be_visible()
    mine = {s: report.snapshot["ratings"][s]["level"] for s in chosen}
    distance = {s: abs(mine[s] - reviewer_levels[s]) for s in seen}
    flagged = sorted((s for s in seen if distance[s] >= 2), key=lambda s: (-distance[s], chosen.index(s)))
    expect(page.get_by_test_id("flag")).to_have_count(len(flagged))
    visible = [row.get_attribute("data-skill") for row in page.get_by_test_id("compare-row").all() if row.is_visible()]
    assert visible == flagged, "disagreements first, largest first; the agreements folded away"
    if len(flagged) < len(seen):
        page.get_by_test_id("agreements").locator("summary").click()
    expect(page.get_by_test_id("reviewer-comment")).to_contain_text("Not seen it in production yet")
    expect(page.get_by_test_id("overall-comment")).to_contain_text("Strong on delivery.")
    check_page(page, axe_source, "compare")
    for slug in chosen[:2]:
        row = page.locator(f'[data-testid=compare-row][data-skill="{slug}"]')
        row.get_by_label("Calibrated level").select_option(str(reviewer_levels[slug]))
        row.get_by_label("Why (optional)").fill("My reviewer has seen more of this than I credit")
    page.get_by_role("button", name="Save calibrated ratings").click()
    expect(page.get_by_text("Calibrated ratings saved")).to_be_visible()

    # The report on each basis shows the readiness the pure scoring gives for those ratings.
    assessment = Assessment.objects.get(pk=report.pk)
    page.goto(f"/assessments/{report.pk}/report/")
    expect(page.get_by_test_id("ratings-basis")).to_have_text("Calibrated ratings")  # the default now
    for label, basis in (
        ("Reviewer's ratings", "reviewer"),
        ("Your ratings", "self"),
        ("Calibrated ratings", "calibrated"),
    ):
        page.get_by_role("navigation", name="Ratings the report is computed on").get_by_role("link", name=label).click()
        expect(page.get_by_test_id("ratings-basis")).to_have_text(label)
        expected = expected_readiness(assessment, basis)
        expect(page.get_by_test_id("readiness-overall")).to_have_text(f"{expected}%")
    check_page(page, axe_source, "report", region=page.get_by_test_id("second-opinion"))
    assert Review.objects.get().is_submitted
    page.goto("/reviews/calibration/")
    check_page(page, axe_source, "calibration")


def test_a_used_link_is_refused_with_a_clear_page(page, shipped_roles, alice, bob, axe_source):
    from reviews import services

    report = submitted_for(alice, Role.objects.get(slug=SENIOR_ML), levels=planned_levels(role_targets(SENIOR_ML)))
    _review_request, token = services.request_review(assessment=report, display_name="Alice")
    log_in(page, "alice")
    response = page.goto(review_link_path(token))
    assert response.status == 400
    expect(page.get_by_test_id("link-error")).to_contain_text("your own assessment")
    check_page(page, axe_source, "refused")


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "390"])
def test_submitting_with_an_unanswered_skill_names_it_and_links_to_its_step(
    new_context, live_server, shipped_roles, alice, bob, axe_source, size
):
    from reviews import services
    from reviews.tests.factories import request_for

    report = submitted_for(alice, Role.objects.get(slug=SENIOR_ML), levels=planned_levels(role_targets(SENIOR_ML)))
    slugs = [s["slug"] for s in report.snapshot["skills"]]
    steps = review_steps(report, slugs)
    skipped = steps[0].items[-1]  # every skill answered (one "not seen") but the last of step 1
    review, _ = services.take_request(review_request=request_for(report), user=bob)
    answers = [
        services.ReviewRatingInput(skill_slug=s, level=None, not_seen=True)
        if s == slugs[1]
        else services.ReviewRatingInput(skill_slug=s, level=2)
        for s in slugs
        if s != skipped.skill_id
    ]
    services.save_review(review=review, ratings=answers)
    page = new_context(viewport=size).new_page()
    log_in(page, "bob")
    page.goto(f"/reviews/{review.pk}/?step={len(steps)}")
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_role("alert").first).to_contain_text(f"Still unanswered (1): {skipped.skill.name}")
    unanswered = page.get_by_test_id("unanswered")
    expect(unanswered).to_be_visible()
    check_page(page, axe_source, f"refused-submit-{size['width']}")
    page.set_viewport_size(size)
    unanswered.get_by_role("link", name=skipped.skill.name).click()
    expect(page).to_have_url(re.compile(rf"\\?step=1#skill-{skipped.skill_id}$"))
    expect(page.locator(f'fieldset[data-skill="{skipped.skill_id}"]')).to_be_in_viewport()
    assert not Review.objects.get(pk=review.pk).is_submitted


def test_the_review_on_a_phone_is_a_short_page_per_step(new_context, live_server, shipped_roles, alice, bob):
    """The whole Senior ML review on one page was about 27,400 px tall at 390 px (issue 28); a step
    is a fraction of it."""
    from reviews.tests.factories import review_of

    report = submitted_for(alice, Role.objects.get(slug=SENIOR_ML), levels=planned_levels(role_targets(SENIOR_ML)))
    steps = review_steps(report, [s["slug"] for s in report.snapshot["skills"]])
    review = review_of(report, bob, submit=False)
    page = new_context(viewport=PHONE).new_page()
    log_in(page, "bob")
    heights = []
    for step in steps:
        page.goto(f"/reviews/{review.pk}/?step={step.number}")
        heights.append(page.evaluate("() => document.documentElement.scrollHeight"))
        assert has_no_horizontal_scroll(page), f"step {step.number}: {wider_than_viewport(page)}"
    print(f"review of {len(report.snapshot['skills'])} skills in {len(steps)} steps at 390 px: heights {heights}")
    assert max(heights) < 27_400 / 2


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_reviewer_sees_shared_evidence_beside_its_skill_and_nobody_else_sees_the_review(
    new_context, live_server, shipped_roles, alice, bob, size
):
    from accounts.tests.factories import UserFactory
    from reviews import services
    from reviews.tests.factories import request_for

    report = submitted_for(alice, Role.objects.get(slug=SENIOR_ML), levels=planned_levels(role_targets(SENIOR_ML)))
    first = report.snapshot["skills"][0]["slug"]
    report.snapshot["ratings"][first]["evidence"] = "Shipped the feature store"
    report.save(update_fields=["snapshot"])
    shared = services.take_request(review_request=request_for(report, show_evidence=True), user=bob)
    private = services.take_request(review_request=request_for(report), user=bob)
    page = new_context(viewport=size).new_page()
    log_in(page, "bob")
    page.goto(f"/reviews/{shared[0].pk}/?step=1")
    expect(page.locator(f'fieldset[data-skill="{first}"] [data-testid=shared-evidence]')).to_contain_text(
        "Shipped the feature store"
    )
    expect(page.get_by_text("Their own rating")).to_have_count(0)  # blind: no self-rating before submitting
    assert has_no_horizontal_scroll(page)
    screenshot(page, f"review-evidence-{size['width']}", max_height=1600)
    page.goto(f"/reviews/{private[0].pk}/?step=1")
    expect(page.get_by_test_id("shared-evidence")).to_have_count(0)  # not shared on this request
    other = new_context(viewport=size).new_page()
    UserFactory(username="mallory")
    log_in(other, "mallory")  # anyone but the reviewer: the review is not found
    assert other.goto(f"/reviews/{shared[0].pk}/").status == 404


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "390"])
def test_without_javascript_the_step_buttons_save_and_move_on(
    new_context, live_server, shipped_roles, alice, bob, size
):
    from reviews import services
    from reviews.models import ReviewRating
    from reviews.tests.factories import request_for

    report = submitted_for(alice, Role.objects.get(slug=SENIOR_ML), levels=planned_levels(role_targets(SENIOR_ML)))
    steps = review_steps(report, [s["slug"] for s in report.snapshot["skills"]])
    review, _ = services.take_request(review_request=request_for(report), user=bob)
    page = new_context(viewport=size, java_script_enabled=False).new_page()
    log_in(page, "bob")
    page.goto(f"/reviews/{review.pk}/")
    answers = {item.skill_id: ("unseen" if i == 0 else 3) for i, item in enumerate(steps[0].items)}
    rate(page, answers, autosave=False)
    page.get_by_role("button", name="Save and continue", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?step=2$"))
    expect(page.get_by_text(f"Step 2 of {len(steps)}", exact=False).first).to_be_visible()
    saved = dict(ReviewRating.objects.filter(review=review).values_list("skill_slug", "not_seen"))
    assert saved == {slug: level == "unseen" for slug, level in answers.items()}
    page.get_by_role("button", name="Save and go back", exact=True).click()
    for slug, level in answers.items():
        expect(radio(page, slug, level)).to_be_checked()
    assert has_no_horizontal_scroll(page)
