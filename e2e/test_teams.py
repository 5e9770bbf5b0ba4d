"""A team in a real browser (issue #18, item 9): an owner creates a team and invites two people,
who accept; one consents to aggregates, one to their individual report; both assess the
assigned role. The manager sees one individual row and no aggregate; a third member joins and
the aggregate appears; one withdraws, and the matrix changes on the next view. axe-core finds no
serious or critical problem on the team pages, and no team page scrolls sideways at 390 px."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from assessments.tests.factories import submitted_for
from roles.models import Role

from .helpers import (
    PHONE,
    SERIOUS,
    axe_violations,
    describe,
    fill_sign_up_form,
    has_no_horizontal_scroll,
    log_in,
    radio,
    screenshot,
    step_skills,
    wider_than_viewport,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For e2e/test_accessibility.py's coverage test: the team pages are walked by the journey below
# (axe at 1280 and 390 px on each), the rest have no page of their own.
WALKED = "walked with axe at 1280 and 390 px in e2e/test_teams.py"
TEAM_NOT_PAGES = {
    "teams:list": WALKED,
    "teams:create": WALKED,
    "teams:detail": WALKED + " (as owner and as member)",
    "teams:consent": WALKED,
    "teams:invitations": WALKED,
    "teams:join": WALKED + " (as visitor and signed in)",
    "teams:assign": WALKED,
    "teams:role": WALKED + " (below the threshold, with aggregates, after a withdrawal)",
    "teams:leave": "POST only; redirects to the team list",
    "teams:revoke": "POST only; redirects to the invitations",
    "teams:remove": "POST only; redirects to the team",
    "teams:member_role": "POST only; redirects to the team",
    "teams:transfer": "POST only; redirects to the team",
    "teams:matrix_json": "a JSON download",
    "teams:matrix_csv": "a CSV download",
}

ROLE = "engineering-manager"
TEAM_URL = "/teams/platform/"
ROLE_URL = f"/teams/platform/roles/{ROLE}/"


def check_page(page: Page, axe_source, name, *, sideways_ok=False):
    """axe finds nothing serious; a 1280 px screenshot; then at 390 px no sideways scroll, and another."""
    violations = axe_violations(page, axe_source)
    serious = [v for v in violations if v["impact"] in SERIOUS]
    assert not serious, f"axe on {name} ({page.url}):\n{describe(serious)}"
    screenshot(page, f"teams-{name}-1280", max_height=3000)
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    if not sideways_ok:
        assert has_no_horizontal_scroll(page), f"{name} scrolls sideways at 390 px: {wider_than_viewport(page)}"
    screenshot(page, f"teams-{name}-390", max_height=4000)
    page.set_viewport_size(size)


def accept(page: Page, link, *, consent_label):
    """Open an invitation link signed in, accept, and choose what the team may see."""
    page.goto(link)
    page.get_by_role("button", name=re.compile("Accept and join")).click()
    expect(page).to_have_url(re.compile(r"/teams/platform/consent/$"))
    page.get_by_label(consent_label).check()
    page.get_by_role("button", name="Save my choice").click()
    expect(page).to_have_url(TEAM_URL)


def assess_from_dashboard(page: Page, level, axe_source):
    """Start the assigned role from the dashboard, rate every skill `level`, submit."""
    page.goto("/dashboard/")
    assignment = page.get_by_test_id("team-assignment")
    expect(assignment).to_contain_text("Engineering Manager")
    check_page(page, axe_source, "dashboard-assigned")
    assignment.get_by_role("button", name=re.compile("^Start")).click()
    expect(page).to_have_url(re.compile(r"/assessments/\d+/step/\d+/$"))
    while True:
        for slug in step_skills(page):
            radio(page, slug, level).check()
        buttons = page.get_by_role("button", name="Save and continue", exact=True)
        if buttons.count():
            buttons.click()
            page.wait_for_load_state()
            if "/review/" in page.url:
                break
        else:
            page.get_by_role("button", name=re.compile("review", re.I)).first.click()
            break
    expect(page).to_have_url(re.compile(r"/review/$"))
    page.get_by_role("button", name="Submit and see my report").click()
    expect(page).to_have_url(re.compile(r"/report/$"))
    page.goto("/dashboard/")
    expect(page.get_by_test_id("team-assignment")).to_contain_text("Done")
    # The dashboard's own "Submitted" table (not the teams section) sticks out at 390 px: its
    # visually-hidden button text is positioned outside the scrolling table (reported to the lead).
    check_page(page, axe_source, "dashboard-done", sideways_ok=True)


def test_a_team_from_invitation_to_consent_withdrawn(new_context, shipped_roles, alice, bob, axe_source, settings):
    settings.TEAM_MIN_AGGREGATE = 3
    owner = new_context().new_page()
    log_in(owner, "alice")

    # The owner creates the team and assigns the role.
    owner.goto("/teams/")
    check_page(owner, axe_source, "list-empty")
    owner.get_by_role("link", name="Create a team").click()
    owner.get_by_label("Name").fill("Platform")
    check_page(owner, axe_source, "create")
    owner.get_by_role("button", name="Create team").click()
    expect(owner).to_have_url(TEAM_URL)
    owner.get_by_role("link", name="Assign a role").click()
    owner.get_by_label("Role").select_option(ROLE)
    owner.get_by_label("Due date").fill("2027-01-31")
    check_page(owner, axe_source, "assign")
    owner.get_by_role("button", name="Assign").click()
    expect(owner.get_by_test_id("assignment")).to_contain_text("Engineering Manager")

    # Two invitations: a link to pass on, and one by email.
    owner.get_by_role("link", name="Invite people").click()
    owner.get_by_role("button", name="Create invitation").click()
    link_for_bob = owner.get_by_test_id("new-link").input_value()
    owner.get_by_label("Email").fill("carol@example.com")
    owner.get_by_role("button", name="Create invitation").click()
    expect(owner.get_by_test_id("invitation")).to_have_count(2)
    check_page(owner, axe_source, "invitations")
    link_for_carol = re.search(r"https?://\S+/teams/join/\S+/", mail.outbox[-1].body).group(0)

    # bob, a visitor, follows the link: log in, come back, accept; he shares aggregates.
    bob_page = new_context().new_page()
    bob_page.goto(link_for_bob)
    check_page(bob_page, axe_source, "join-visitor")
    bob_page.get_by_role("link", name="Log in to accept").click()
    bob_page.get_by_label("Username").fill("bob")
    bob_page.get_by_role("textbox", name=re.compile(r"^Password\W*$")).fill("correct-horse-battery-staple")
    bob_page.get_by_role("button", name="Log in").click()
    expect(bob_page).to_have_url(re.compile(r"/teams/join/"))
    check_page(bob_page, axe_source, "join")
    accept(bob_page, link_for_bob, consent_label="Aggregates only")

    # carol has no account: she signs up from the emailed link, comes back, shares her report.
    carol_page = new_context().new_page()
    carol_page.goto(link_for_carol)
    carol_page.get_by_role("link", name="Create an account").click()
    fill_sign_up_form(carol_page, "carol")
    expect(carol_page).to_have_url(re.compile(r"/teams/join/"))
    carol_page.get_by_role("button", name=re.compile("Accept and join")).click()
    check_page(carol_page, axe_source, "consent")
    carol_page.get_by_label("My latest submitted report of each assigned role").check()
    carol_page.get_by_role("button", name="Save my choice").click()
    check_page(carol_page, axe_source, "detail-member")

    # Both assess the assigned role from their dashboards.
    assess_from_dashboard(bob_page, 2, axe_source)
    assess_from_dashboard(carol_page, 4, axe_source)

    # The owner sees one individual row (carol) and no aggregate: 2 contributors, fewer than 3.
    owner.goto(TEAM_URL)
    check_page(owner, axe_source, "detail-owner")
    owner.get_by_role("link", name=re.compile("Team view")).click()
    expect(owner).to_have_url(ROLE_URL)
    expect(owner.get_by_test_id("completion")).to_contain_text("bob: submitted")
    expect(owner.get_by_test_id("aggregate")).to_contain_text("at least 3 members")
    owner.get_by_text("The same ratings as a table").click()
    expect(owner.get_by_test_id("individual-row")).to_have_count(1)
    expect(owner.get_by_test_id("individual-row")).to_contain_text("carol")
    check_page(owner, axe_source, "role-below-threshold")

    # A third member joins (through a link, signed in), shares aggregates, and has assessed.
    dave = UserFactory(username="dave")
    submitted_for(dave, Role.objects.get(slug=ROLE), level=3)
    owner.goto("/teams/platform/invitations/")
    owner.get_by_role("button", name="Create invitation").click()
    link_for_dave = owner.get_by_test_id("new-link").input_value()
    dave_page = new_context().new_page()
    log_in(dave_page, "dave")
    accept(dave_page, link_for_dave, consent_label="Aggregates only")
    owner.goto(ROLE_URL)
    expect(owner.get_by_test_id("aggregate-row").first).to_be_visible()
    expect(owner.get_by_test_id("aggregate")).to_contain_text("From 3 members")
    check_page(owner, axe_source, "role-with-aggregate")

    # carol withdraws: on the next view she is gone from the matrix, and the aggregate with her.
    carol_page.goto("/teams/platform/consent/")
    carol_page.get_by_label("Nothing").check()
    carol_page.get_by_role("button", name="Save my choice").click()
    owner.goto(ROLE_URL)
    expect(owner.get_by_test_id("individual-row")).to_have_count(0)
    expect(owner.get_by_test_id("individual")).to_contain_text("Nobody assigned this role has consented")
    expect(owner.get_by_test_id("aggregate")).to_contain_text("Now: 2")
    expect(owner.get_by_test_id("completion")).to_contain_text("carol: submitted")
    check_page(owner, axe_source, "role-after-withdrawal")
