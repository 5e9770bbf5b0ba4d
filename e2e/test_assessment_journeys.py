"""Taking an assessment in a real browser: newcomer, visitor, with and without JavaScript, keyboard only."""

import pytest
from playwright.sync_api import expect

from assessments.models import Assessment, Rating
from assessments.tests.factories import draft_for
from roles.models import Role

from .helpers import (
    REPORT_URL,
    REVIEW_URL,
    SENIOR_ML,
    STEP_URL,
    AutosaveWatcher,
    checked_level,
    current_step,
    fill_sign_up_form,
    gaps_of,
    log_in,
    log_out,
    planned_levels,
    press_button,
    radio,
    rate,
    role_targets,
    screenshot,
    sign_up,
    start_assessment,
    step_skills,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def saved_levels(pk):
    return dict(Rating.objects.filter(assessment_id=pk).values_list("skill__slug", "level"))


def test_newcomer_rates_half_resumes_after_logging_in_again_and_gets_a_report_of_exactly_their_gaps(
    page, shipped_roles
):
    targets = role_targets(SENIOR_ML)
    plan = planned_levels(targets)
    half = len(targets) // 2

    sign_up(page, "newcomer")
    page.goto(f"/roles/{SENIOR_ML}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Senior ML Engineer")
    screenshot(page, "role", max_height=2000)
    pk = start_assessment(page, SENIOR_ML)

    # Rate the first half of the skills, step after step.
    rated = []
    while True:
        on_step = step_skills(page)[: half - len(rated)]
        rate(page, {slug: plan[slug] for slug in on_step})
        rated += on_step
        if len(rated) == half:
            break
        if current_step(page) == 1:
            screenshot(page, "step")
        press_button(page, "Save and continue")
        expect(page).to_have_url(STEP_URL)
    unrated_here = len(step_skills(page)) > len(on_step)
    resume_at = current_step(page) + (0 if unrated_here else 1)
    press_button(page, "Save and exit")
    expect(page).to_have_url("/dashboard/")
    expect(page.get_by_test_id("draft-row")).to_contain_text(f"{half} of {len(targets)}")
    screenshot(page, "dashboard-draft")

    log_out(page)
    log_in(page, "newcomer")
    page.goto("/dashboard/")
    page.get_by_role("link", name="Resume Senior ML Engineer").click()
    expect(page).to_have_url(f"/assessments/{pk}/step/{resume_at}/")

    # Every earlier rating is in place. Go through the steps with the step list this time (each
    # rating autosaves), rate the rest, and open "Review and submit".
    page.locator('.step-list a[href$="/step/1/"]:visible').click()
    expect(page).to_have_url(f"/assessments/{pk}/step/1/")
    seen = set()
    while True:
        number = current_step(page)
        for slug in step_skills(page):
            seen.add(slug)
            if slug in rated:
                expect(radio(page, slug, plan[slug])).to_be_checked()
            else:
                assert checked_level(page, slug) is None, f"{slug} was never rated but shows a level"
                rate(page, {slug: plan[slug]})
        next_step = page.locator(f'.step-list a[href$="/step/{number + 1}/"]:visible')
        if not next_step.count():
            break
        next_step.click()
        expect(page).to_have_url(f"/assessments/{pk}/step/{number + 1}/")
    page.locator(".step-list").get_by_role("link", name="Review and submit").click()
    assert seen == set(targets)
    expect(page).to_have_url(REVIEW_URL)
    expect(page.locator(".assessment-progress")).to_contain_text(f"{len(targets)} of {len(targets)} rated")
    page.get_by_role("button", name="Submit and see my report").click()

    expect(page).to_have_url(REPORT_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your gap report: Senior ML Engineer")
    gap_items = page.locator("[data-testid=gap-list] li[data-skill]")
    expect(gap_items.first).to_be_visible()
    shown_gaps = set(gap_items.evaluate_all("els => els.map(e => e.dataset.skill)"))
    assert shown_gaps == gaps_of(plan, targets)
    shown_strengths = set(
        page.locator("[data-testid=strengths] [data-skill]").evaluate_all("els => els.map(e => e.dataset.skill)")
    )
    assert shown_strengths == set(targets) - gaps_of(plan, targets)
    screenshot(page, "report", max_height=2400)

    # The dashboard lists the report (and, for the picture, a draft of another role).
    draft_for(Assessment.objects.get(pk=pk).user, Role.objects.get(slug="ml-engineer"))
    page.goto("/dashboard/")
    expect(page.get_by_test_id("submitted-row")).to_contain_text("Senior ML Engineer")
    expect(page.get_by_test_id("draft-row")).to_contain_text("ML Engineer")
    screenshot(page, "dashboard")


def test_visitor_starts_without_an_account_signs_up_and_finds_the_draft_with_its_ratings(page, shipped_roles):
    pk = start_assessment(page, SENIOR_ML)
    expect(page.locator(".alert-info")).to_contain_text("Your answers are saved in this browser for now")
    first_step = dict.fromkeys(step_skills(page), 1)
    rate(page, first_step)
    press_button(page, "Save and continue")
    # Rate step 2 too, so the step left half-rated is step 3.
    previous_step = dict.fromkeys(step_skills(page), 1)
    rate(page, previous_step)
    press_button(page, "Save and continue")
    second_step = {step_skills(page)[0]: 2}  # the rest of step 3 is left unrated
    rate(page, second_step)

    page.locator(".alert-info").get_by_role("link", name="Sign up").click()
    fill_sign_up_form(page, "visitor")
    expect(page).to_have_url(f"/assessments/{pk}/step/3/")  # back where they were
    expect(page.get_by_text("Your assessment in progress is now saved to your account.")).to_be_visible()
    assert Assessment.objects.get(pk=pk).user.username == "visitor"

    page.goto("/dashboard/")
    row = page.get_by_test_id("draft-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Senior ML Engineer")
    rated = len(first_step) + len(previous_step) + len(second_step)
    expect(row).to_contain_text(f"{rated} of {len(role_targets(SENIOR_ML))}")
    row.get_by_role("link", name="Resume Senior ML Engineer").click()
    expect(page).to_have_url(f"/assessments/{pk}/step/3/")  # the first step with an unrated skill
    for slug, level in second_step.items():
        expect(radio(page, slug, level)).to_be_checked()
    press_button(page, "Save and go back")
    for slug, level in previous_step.items():
        expect(radio(page, slug, level)).to_be_checked()


def test_with_javascript_a_click_saves_the_rating_and_a_reload_keeps_it(page, shipped_roles, alice):
    log_in(page, "alice")
    pk = start_assessment(page, SENIOR_ML)
    slug = step_skills(page)[0]
    status = page.locator("[data-save-status]")
    expect(status).to_have_text("")

    radio(page, slug, 2).click()

    expect(status).to_have_text("Saved")
    expect(page.locator("[data-progress-rated]")).to_have_text("1")
    assert saved_levels(pk) == {slug: 2}
    page.reload()
    expect(radio(page, slug, 2)).to_be_checked()


def test_without_javascript_the_save_buttons_save_the_ratings(new_context, shipped_roles, alice):
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, "alice")
    pk = start_assessment(page, SENIOR_ML)
    levels = dict.fromkeys(step_skills(page), 3)

    rate(page, levels, autosave=False)
    assert saved_levels(pk) == {}  # nothing is sent until a button is pressed
    press_button(page, "Save and continue")

    expect(page).to_have_url(f"/assessments/{pk}/step/2/")
    assert saved_levels(pk) == levels
    press_button(page, "Save and go back")
    expect(page).to_have_url(f"/assessments/{pk}/step/1/")
    for slug, level in levels.items():
        expect(radio(page, slug, level)).to_be_checked()
    expect(page.locator("[data-progress-rated]")).to_have_text(str(len(levels)))


def focus_by_tab(page, matches, *, limit=80):
    """Press Tab until `matches(active element description)` is true; returns how many presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        active = page.evaluate(
            "() => { const e = document.activeElement;"
            " return {tag: e.tagName.toLowerCase(), name: e.name || '', value: e.value || '',"
            " text: (e.innerText || '').trim(), type: e.type || ''}; }"
        )
        if matches(active):
            return presses
    raise AssertionError(f"Tab never reached the element after {limit} presses")


def test_a_step_can_be_rated_and_saved_with_the_keyboard_alone(page, shipped_roles, alice):
    log_in(page, "alice")
    page.goto(f"/roles/{SENIOR_ML}/")
    focus_by_tab(page, lambda e: e["tag"] == "button" and e["text"] == "Assess yourself")
    page.keyboard.press("Enter")
    expect(page).to_have_url(STEP_URL)
    pk = int(STEP_URL.search(page.url).group(1))
    autosaves = AutosaveWatcher(page)

    wanted = {}
    for i, slug in enumerate(step_skills(page)):
        level = (i + 1) % 6
        focus_by_tab(page, lambda e, slug=slug: e["type"] == "radio" and e["name"] == f"level-{slug}")
        page.keyboard.press("Space")  # checks the first level (0)
        for _ in range(level):
            page.keyboard.press("ArrowDown")  # moves to the next level and checks it
        wanted[slug] = level
        if i == 0:
            page.keyboard.press("Tab")
            page.keyboard.type("Shipped a typed API client.")  # the evidence note
    # Every change was autosaved; wait until the last answer is in (a save in flight makes the
    # page ask "leave this page?").
    evidence = "Shipped a typed API client."
    first = next(iter(wanted))
    autosaves.wait_until(
        lambda: (
            saved_levels(pk) == wanted
            and Rating.objects.filter(assessment_id=pk, skill__slug=first, evidence=evidence).exists()
        )
    )
    expect(page.locator("[data-save-status]")).to_have_text("Saved")

    focus_by_tab(page, lambda e: e["tag"] == "button" and e["text"] == "Save and continue")
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"/assessments/{pk}/step/2/")
    assert saved_levels(pk) == wanted
    assert Rating.objects.get(assessment_id=pk, skill__slug=first).evidence == evidence
    page.goto(f"/assessments/{pk}/step/1/")
    for slug, level in wanted.items():
        expect(radio(page, slug, level)).to_be_checked()
