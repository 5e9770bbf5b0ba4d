"""axe-core finds no serious or critical problem on any page a person can reach, in any state.

Every state below is opened in Chromium with the page's real Content-Security-Policy, at desktop
(1280 x 800) and phone (390 x 844) width, by the person who would see it: a visitor, alice (a
member with a report, a retake, a plan, a share link and drafts) or the editor. Forms are shown
in their error states too. axe runs WCAG 2.0, 2.1 and 2.2 A and AA rules (see `helpers.axe_violations`).

`test_every_page_has_axe_coverage` fails when a URL the site serves is neither walked here nor
listed in `NOT_PAGES` with the reason it has no page of its own, the way the authorization matrix
fails for an unlisted URL. New pages join by adding a `State`.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from allauth.account.forms import default_token_generator as allauth_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.urls import reverse
from django.utils.http import int_to_base36
from playwright.sync_api import Page, expect

from assessments import services
from assessments.models import PlanItem
from assessments.tests.factories import draft_for, shared, submitted_for
from careerpath.tests.test_authz_matrix import all_url_patterns
from notices import unsubscribe
from notices.models import Kind
from roles import services as role_services
from roles.models import Role, RoleSkill, Skill

from .helpers import (
    PHONE,
    SENIOR_ML,
    SERIOUS,
    axe_violations,
    dangling_describedby,
    describe,
    log_in,
    planned_levels,
    rate,
    role_targets,
    wait_until_saved,
)
from .test_teams import TEAM_NOT_PAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": PHONE}
VISITOR, ALICE, STAFF = "visitor", "alice", "staff"
LONG_TEXT = "x" * 1200  # longer than any free-text field allows


# --- the world alice lives in ------------------------------------------------------------------


class World:
    """Alice's reports, retake, plan, share link and drafts; an unpublished role for staff to preview."""

    def __init__(self, alice, reviewer=None):
        self.user = alice
        senior = Role.objects.get(slug=SENIOR_ML)
        ml_engineer = Role.objects.get(slug="ml-engineer")
        levels = planned_levels(role_targets(SENIOR_ML))
        self.report = submitted_for(alice, senior, levels=levels, current_role=ml_engineer)
        self.share, self.share_path = shared(self.report, display_name="Sam")
        self.plan, _ = services.create_plan(assessment=self.report)
        items = list(self.plan.items.order_by("order", "id"))
        overdue, done = items[0], items[1]
        overdue.target_date = datetime.date.today() - datetime.timedelta(days=10)
        overdue.save()
        done.status = PlanItem.Status.DONE
        done.save()
        # A retake submitted with better ratings, then a retake of that still in progress.
        retake, _ = services.retake_assessment(assessment=self.report)
        better = {slug: min(level + 1, 5) for slug, level in levels.items()}
        for skill, level in self._by_skill(senior, better).items():
            services.save_rating(assessment=retake, skill=skill, level=level)
        self.retaken, _ = services.submit_assessment(assessment=retake)
        self.new_plan, _ = services.create_plan(assessment=self.retaken)
        self.retake_draft, _ = services.retake_assessment(assessment=self.retaken)
        # A fresh draft of another role, a few skills rated.
        self.draft = draft_for(alice, ml_engineer, dict.fromkeys(list(role_targets("ml-engineer"))[:3], 3))
        self.draft_slugs = list(role_targets("ml-engineer"))
        self.hidden_role = Role.objects.filter(is_published=False).first() or self._unpublish("staff-ml-engineer")
        # A draft of a role that editors then withdrew: its pages say so (410) and show only its ratings.
        withdrawn = Role.objects.get(slug="product-manager-ml")
        self.withdrawn_draft = draft_for(alice, withdrawn, dict.fromkeys(list(role_targets(withdrawn.slug))[:2], 2))
        self._unpublish(withdrawn.slug)
        # A guide its editors changed through a draft: its "what changed" page lists a retargeted skill.
        changed = Role.objects.get(slug="applied-scientist")
        draft_guide = role_services.start_draft(role=changed)
        RoleSkill.objects.filter(pk=draft_guide.role_skills.order_by("order")[0].pk).update(target=5)
        role_services.publish(role=draft_guide, by=None)
        self.changed_slug = changed.slug
        if reviewer is not None:  # reviews: the editor reviewed alice's report once and is rating it again
            from reviews.services import request_review
            from reviews.tests.factories import link_for, review_of

            self.review = review_of(self.report, reviewer, level=1, comments={"python": "Seen it"})
            self.review_draft = review_of(self.report, reviewer, submit=False)
            self.review_link, self.review_link_path = link_for(self.report, display_name="Alice")
            # teams: alice and the editor share a team; she asked him by name too, and shares her reviews
            from teams.tests.factories import join, team_of

            join(team_of(alice), reviewer)
            self.teammate_request, _ = request_review(assessment=self.report, display_name="Alice", invitee=reviewer)
            _, self.share_with_reviews_path = shared(self.report, display_name="Sam", include_reviews=True)

    @staticmethod
    def _by_skill(role, levels):
        skills = {rs.skill.slug: rs.skill for rs in role.role_skills.select_related("skill")}
        return {skills[slug]: level for slug, level in levels.items()}

    @staticmethod
    def _unpublish(slug):
        role = Role.objects.get(slug=slug)
        role.is_published = False
        role.save()
        return role

    def confirm_email_link(self):
        address, _ = EmailAddress.objects.get_or_create(user=self.user, email="alice.work@example.com")
        return reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key])

    def reset_link(self):
        key = allauth_token_generator.make_token(self.user)
        return reverse("account_reset_password_from_key", kwargs={"uidb36": int_to_base36(self.user.pk), "key": key})


# --- how to reach each state -----------------------------------------------------------------


def submit_first_form(page: Page, button):
    page.get_by_role("button", name=button).first.click()
    page.wait_for_load_state()


def fill_and_submit(fields, button):
    """Fill {field name: value} and press `button` (maxlength is lifted so a too-long value reaches
    the server). A plan's fields carry a per-item prefix, so names match by their ending."""

    def act(page: Page, world):
        for name, value in fields.items():
            field = page.locator(f'[name$="{name}"]').first
            field.evaluate("el => el.removeAttribute('maxlength')")
            field.fill(value)
        submit_first_form(page, button)
        expect(page.locator(".is-invalid, .alert-danger, .errorlist, .invalid-feedback").first).to_be_visible()

    return act


def submit_and_see(fields, button, testid):
    """Fill {field name: value}, press `button` and wait for the element `data-testid=testid`."""

    def act(page: Page, world):
        for name, value in fields.items():
            page.locator(f'[name$="{name}"]').first.fill(value)
        submit_first_form(page, button)
        expect(page.get_by_test_id(testid)).to_be_visible()

    return act


def make_api_token(page: Page, world):
    """Make a token on the API tokens page: it is shown once, with the table of tokens above the form."""
    page.locator('[name="name"]').fill("HR sync")
    page.get_by_label("Read role guides and skills").check()
    submit_first_form(page, "Make token")
    expect(page.get_by_test_id("new-token")).to_be_visible()


def step_error(page: Page, world):
    """An evidence note over the limit: the step comes back with the error by the field."""
    box = page.locator("fieldset[data-skill] textarea").first
    box.evaluate("el => el.removeAttribute('maxlength')")
    box.fill(LONG_TEXT)
    submit_first_form(page, "Save and continue")
    expect(page.locator(".invalid-feedback, .is-invalid").first).to_be_visible()


def after_autosave(page: Page, world):
    slug = page.locator("fieldset[data-skill]").first.get_attribute("data-skill")
    rate(page, {slug: 2})
    wait_until_saved(page)


def signup_again(page: Page, world):
    """A second sign-up from the same address: over the walk's limit of one an hour, the 429 page."""
    page.locator('[name="username"]').fill("another-newcomer")
    page.locator('[name="email"]').fill("another-newcomer@example.com")
    submit_first_form(page, "Sign up")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Too many")


def start_as_visitor(page: Page, world):
    page.get_by_role("button", name="Assess yourself").first.click()
    expect(page.locator("fieldset[data-skill]").first).to_be_visible()


@dataclass(frozen=True)
class State:
    name: str
    url_name: str  # the URL pattern whose page this is
    who: str
    path: Callable[[World], str]
    act: Callable[[Page, World], None] | None = None
    status: int = 200


def url(name, *args):
    return lambda world: reverse(name, args=args)


VISITOR_STATES = [
    State("home", "home", VISITOR, url("home")),
    State("role list", "roles:list", VISITOR, url("roles:list")),
    State("role search with no match", "roles:list", VISITOR, lambda w: reverse("roles:list") + "?q=zzzz-nothing"),
    State("role guide", "roles:detail", VISITOR, url("roles:detail", SENIOR_ML)),
    State(
        "what changed in a guide",
        "roles:changes",
        VISITOR,
        lambda w: reverse("roles:changes", args=[w.changed_slug, 1]),
    ),
    State("editorial role guide", "roles:detail", VISITOR, url("roles:detail", "ml-engineer")),
    State("skill", "roles:skill", VISITOR, url("roles:skill", "python")),
    State("scale", "roles:scale", VISITOR, url("roles:scale")),
    State("how it is scored", "assessments:scoring", VISITOR, url("assessments:scoring")),
    State("not found", "", VISITOR, lambda w: "/no-such-page/", status=404),
    State("server error", "", VISITOR, lambda w: "/__boom__/", status=500),
    State("database down", "", VISITOR, lambda w: "/__database_down__/", status=503),
    State("visitor's first step", "assessments:step", VISITOR, url("roles:detail", SENIOR_ML), start_as_visitor),
    State("signup", "account_signup", VISITOR, url("account_signup")),
    State(
        "one-click unsubscribe, signed out",
        "notices:unsubscribe",
        VISITOR,
        lambda w: reverse("notices:unsubscribe", args=[unsubscribe.make_token(w.user.pk, Kind.PLAN_DUE_SOON)]),
    ),
    State(
        "a tampered unsubscribe link",
        "notices:unsubscribe",
        VISITOR,
        lambda w: reverse("notices:unsubscribe", args=["not-a-link"]),
        status=400,
    ),
    State(
        "signup with errors",
        "account_signup",
        VISITOR,
        url("account_signup"),
        fill_and_submit({"username": "alice", "email": "not-an-email"}, "Sign up"),
    ),
    State("signup throttled", "account_signup", VISITOR, url("account_signup"), signup_again),
    State("login", "account_login", VISITOR, url("account_login")),
    State(
        "login with errors",
        "account_login",
        VISITOR,
        url("account_login"),
        fill_and_submit({"login": "alice", "password": "wrong-password"}, "Log in"),
    ),
    State("password reset", "account_reset_password", VISITOR, url("account_reset_password")),
    State("password reset sent", "account_reset_password_done", VISITOR, url("account_reset_password_done")),
    State("set a new password", "account_reset_password_from_key", VISITOR, lambda w: w.reset_link()),
    State(
        "set a new password with errors",
        "account_reset_password_from_key",
        VISITOR,
        lambda w: w.reset_link(),
        fill_and_submit({"password1": "short", "password2": "other"}, "Set my password"),
    ),
    State(
        "password is set", "account_reset_password_from_key_done", VISITOR, url("account_reset_password_from_key_done")
    ),
    State("account inactive", "account_inactive", VISITOR, url("account_inactive")),
    State("verification sent", "account_email_verification_sent", VISITOR, url("account_email_verification_sent")),
    State("confirm an email address", "account_confirm_email", VISITOR, lambda w: w.confirm_email_link()),
    State("single sign-on cancelled", "socialaccount_login_cancelled", VISITOR, url("socialaccount_login_cancelled")),
    State("single sign-on failed", "socialaccount_login_error", VISITOR, url("socialaccount_login_error"), status=401),
    State("shared report", "assessments:shared", VISITOR, lambda w: w.share_path),
]

ALICE_STATES = [
    State("dashboard", "assessments:dashboard", ALICE, url("assessments:dashboard")),
    State("notices", "notices:list", ALICE, url("notices:list")),
    State("notice settings", "notices:preferences", ALICE, url("notices:preferences")),
    State("role fit", "assessments:fit", ALICE, url("assessments:fit")),
    State(
        "step with an error",
        "assessments:step",
        ALICE,
        lambda w: reverse("assessments:step", args=[w.draft.pk, 1]),
        step_error,
    ),
    State(
        "step after autosave",
        "assessments:step",
        ALICE,
        lambda w: reverse("assessments:step", args=[w.draft.pk, 1]),
        after_autosave,
    ),
    State("review", "assessments:review", ALICE, lambda w: reverse("assessments:review", args=[w.draft.pk])),
    State(
        "a draft of a withdrawn role",
        "assessments:step",
        ALICE,
        lambda w: reverse("assessments:step", args=[w.withdrawn_draft.pk, 1]),
        status=410,
    ),
    State(
        "retake's step", "assessments:step", ALICE, lambda w: reverse("assessments:step", args=[w.retake_draft.pk, 1])
    ),
    State(
        "retake's review",
        "assessments:review",
        ALICE,
        lambda w: reverse("assessments:review", args=[w.retake_draft.pk]),
    ),
    State("delete a draft", "assessments:delete", ALICE, lambda w: reverse("assessments:delete", args=[w.draft.pk])),
    State("report", "assessments:report", ALICE, lambda w: reverse("assessments:report", args=[w.report.pk])),
    State("retaken report", "assessments:report", ALICE, lambda w: reverse("assessments:report", args=[w.retaken.pk])),
    State("share links", "assessments:shares", ALICE, lambda w: reverse("assessments:shares", args=[w.report.pk])),
    State(
        "share link with an error",
        "assessments:shares",
        ALICE,
        lambda w: reverse("assessments:shares", args=[w.report.pk]),
        fill_and_submit({"display_name": LONG_TEXT}, "Create share link"),
    ),
    State(
        "a new share link, shown once",
        "assessments:shares",
        ALICE,
        lambda w: reverse("assessments:shares", args=[w.report.pk]),
        submit_and_see({"display_name": "Sam"}, "Create share link", "new-share-link"),
    ),
    State("plan, new", "assessments:plan", ALICE, lambda w: reverse("assessments:plan", args=[w.retaken.pk])),
    State(
        "plan with overdue and done items",
        "assessments:plan",
        ALICE,
        lambda w: reverse("assessments:plan", args=[w.report.pk]),
    ),
    State(
        "plan item that failed to save",
        "assessments:plan_save",
        ALICE,
        lambda w: reverse("assessments:plan", args=[w.report.pk]),
        fill_and_submit({"own_action": LONG_TEXT}, "Save"),
    ),
    State("settings", "accounts:settings", ALICE, url("accounts:settings")),
    State("API tokens", "api_tokens:list", ALICE, url("api_tokens:list")),
    State("API tokens, a new one shown once", "api_tokens:list", ALICE, url("api_tokens:list"), make_api_token),
    State(
        "API tokens, a form with errors",
        "api_tokens:list",
        ALICE,
        url("api_tokens:list"),
        fill_and_submit({"name": LONG_TEXT}, "Make token"),
    ),
    State("password change", "account_change_password", ALICE, url("account_change_password")),
    State(
        "password change with errors",
        "account_change_password",
        ALICE,
        url("account_change_password"),
        fill_and_submit({"oldpassword": "wrong", "password1": "short", "password2": "x"}, "Change password"),
    ),
    State("email addresses", "account_email", ALICE, url("account_email")),
    State("log out?", "account_logout", ALICE, url("account_logout")),
    State("confirm it is you", "account_reauthenticate", ALICE, url("account_reauthenticate")),
    State("two-factor authentication", "mfa_index", ALICE, url("mfa_index")),
    State("connected sign-ins", "socialaccount_connections", ALICE, url("socialaccount_connections")),
    State("delete account", "accounts:delete", ALICE, url("accounts:delete")),
    State(
        "delete account with a wrong password",
        "accounts:delete",
        ALICE,
        url("accounts:delete"),
        fill_and_submit({"password": "wrong-password"}, "Delete my account for good"),
    ),
]


def after_review_autosave(page: Page, world):
    """The draft review has every skill at 2 (reviews.tests.factories): change one to 4."""
    slug = page.locator("fieldset[data-skill]").first.get_attribute("data-skill")
    rate(page, {slug: 4})
    wait_until_saved(page)


def after_refused_submit(page: Page, world):
    """Every skill of the draft is answered: mark one unanswered in the database, then submit."""
    from assessments.steps import build_steps
    from reviews.views import StepItem

    draft = world.review_draft
    draft.ratings.filter(pk=draft.ratings.order_by("pk").first().pk).delete()
    skills = draft.request.assessment.snapshot["skills"]
    last = len(build_steps([StepItem(m) for m in skills if m["slug"] in draft.request.skills]))
    page.goto(f"{reverse('reviews:review', args=[draft.pk])}?step={last}")
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_test_id("unanswered")).to_be_visible()


def unfold_agreements_then(act):
    """The compare page folds the skills you agree on (a <details>): open it, then `act`."""

    def unfold(page: Page, world):
        agreements = page.get_by_test_id("agreements")
        if agreements.count() and agreements.get_attribute("open") is None:
            agreements.locator("summary").click()
        act(page, world)

    return unfold


def review_url(name, attr):
    return lambda w: reverse(name, args=[getattr(w, attr).pk])


REVIEW_STATES = [  # reviews: alice asks and calibrates; the editor is her reviewer (and her teammate)
    State("second opinions", "reviews:manage", ALICE, review_url("reviews:manage", "report")),
    State(
        "second opinions with an error",
        "reviews:manage",
        ALICE,
        review_url("reviews:manage", "report"),
        fill_and_submit({"display_name": LONG_TEXT}, "Make a review link"),
    ),
    State(
        "a new review link, shown once",
        "reviews:manage",
        ALICE,
        review_url("reviews:manage", "report"),
        submit_and_see({"display_name": "Alice"}, "Make a review link", "new-review-link"),
    ),
    State(
        "asking a teammate with an error",
        "reviews:ask_teammate",
        ALICE,
        review_url("reviews:manage", "report"),
        fill_and_submit({"teammate-display_name": LONG_TEXT}, "Ask this teammate"),
    ),
    State(
        "shared report with second opinions",
        "assessments:shared",
        VISITOR,
        lambda w: w.share_with_reviews_path,
    ),
    State("dashboard with a teammate's request", "assessments:dashboard", STAFF, url("assessments:dashboard")),
    State("compare and calibrate", "reviews:compare", ALICE, review_url("reviews:compare", "review")),
    State(
        "calibration with an error",
        "reviews:compare",
        ALICE,
        review_url("reviews:compare", "review"),
        unfold_agreements_then(fill_and_submit({"note-python": LONG_TEXT}, "Save calibrated ratings")),
    ),
    State("calibration over time", "reviews:calibration", ALICE, url("reviews:calibration")),
    State("reviews alice gives", "reviews:mine", ALICE, url("reviews:mine")),
    State(
        "report on the reviewer's ratings",
        "assessments:report",
        ALICE,
        lambda w: reverse("assessments:report", args=[w.report.pk]) + "?basis=reviewer",
    ),
    State("own review link", "reviews:open", ALICE, lambda w: w.review_link_path, status=400),
    State("review link", "reviews:open", STAFF, lambda w: w.review_link_path),
    State("review link, signed out", "reviews:open", VISITOR, lambda w: w.review_link_path),
    State("rating blind", "reviews:review", STAFF, review_url("reviews:review", "review_draft")),
    State(
        "rating blind after autosave",
        "reviews:review",
        STAFF,
        review_url("reviews:review", "review_draft"),
        after_review_autosave,
    ),
    State(
        "rating with an error",
        "reviews:review",
        STAFF,
        review_url("reviews:review", "review_draft"),
        fill_and_submit({"overall_comment": "x" * 2100}, "Save draft"),
    ),
    State(
        "rating, submit refused",
        "reviews:review",
        STAFF,
        review_url("reviews:review", "review_draft"),
        after_refused_submit,
    ),
    State("submitted review", "reviews:review", STAFF, review_url("reviews:review", "review")),
    State("reviews the editor gives", "reviews:mine", STAFF, url("reviews:mine")),
]

STAFF_STATES = [
    State(
        "preview of an unpublished guide",
        "roles:detail",
        STAFF,
        lambda w: reverse("roles:detail", args=[w.hidden_role.slug]),
    ),
    State(
        "admin: role page",
        "admin",
        STAFF,
        lambda w: reverse("admin:roles_role_change", args=[Role.objects.get(slug=SENIOR_ML).pk]),
    ),
    State(
        "admin: role sections page",
        "admin",
        STAFF,
        lambda w: reverse("admin:roles_role_sections", args=[Role.objects.get(slug=SENIOR_ML).pk]),
    ),
    State(
        "admin: skill page",
        "admin",
        STAFF,
        lambda w: reverse("admin:roles_skill_change", args=[Skill.objects.get(slug="python").pk]),
    ),
    State("admin: role skills", "admin", STAFF, lambda w: reverse("admin:roles_roleskill_changelist")),
    State(
        "admin: role skills filtered",
        "admin",
        STAFF,
        lambda w: reverse("admin:roles_roleskill_changelist") + f"?role__id__exact={RoleSkill.objects.first().role_id}",
    ),
]

STATES = VISITOR_STATES + ALICE_STATES + STAFF_STATES + REVIEW_STATES

# URL names with no page of their own to check, and why.
NOT_PAGES = {
    "healthz": "JSON for load balancers",
    "roles:case": "a published guide as a CASE package: JSON (roles/tests/test_case.py)",
    "readyz": "JSON readiness probe for load balancers",
    "assessments:fit_json": "the role-fit page as JSON (the page is walked as 'role fit')",
    "accounts:preferences": "POST only; redirects to the account settings page (checked as 'settings')",
    "mfa_authenticate": "the code step of a log-in: e2e/test_two_factor.py walks it (and screenshots it)",
    "mfa_activate_totp": "asks for the password first (walked as 'confirm it is you'); the page itself is "
    "walked and screenshot by e2e/test_two_factor.py",
    "mfa_reauthenticate": "asks for a code again before a change (e2e/test_two_factor.py), like 'confirm it is you'",
    "mfa_deactivate_totp": "asks for the password first; alice has no authenticator (404)",
    "mfa_view_recovery_codes": "asks for the password first; shown after enrolment in e2e/test_two_factor.py",
    "mfa_download_recovery_codes": "a text file download",
    "mfa_generate_recovery_codes": "asks for the password first (walked as 'confirm it is you')",
    "organisation_oidc_login": "POST only: redirects to the organisation's identity provider",
    "organisation_oidc_callback": "the provider's redirect back: logs in and redirects, or a refusal page "
    "(accounts/sso/tests)",
    "socialaccount_signup": "redirects to log-in: single sign-on makes accounts just in time, with no form",
    "account_set_password": "redirects to the password change (every account here has a password)",
    "account_confirm_login_code": "log-in by mailed code is off: redirects to the log-in page",
    "account_request_reauthentication_code": "re-authentication by mailed code is off (password only): walked as "
    "'confirm it is you'",
    "account_confirm_reauthentication_code": "re-authentication by mailed code is off: redirects",
    "assessments:start": "POST only; redirects to the first step (walked as the visitor's first step)",
    "assessments:take": "redirects to the first unrated step or the review",
    "assessments:rate": "the autosave endpoint: JSON (walked as 'step after autosave')",
    "assessments:confirm": "POST only; redirects to the review",
    "assessments:submit": "POST only; redirects to the report",
    "assessments:retake": "POST only; redirects to the retake's first step (walked)",
    "assessments:report_json": "a JSON download",
    "assessments:report_csv": "a CSV download",
    "assessments:revoke_share": "POST only; redirects to the share links",
    "assessments:plan_create": "POST only; redirects to the plan",
    "assessments:plan_ics": "a calendar download",
    "assessments:plan_item": "the plan's per-item autosave endpoint: JSON (the page saves through plan_save, walked)",
    "accounts:export": "a JSON download of the account's data",
    "reviews:revoke": "POST only; redirects to the second-opinion page",
    "reviews:delete": "POST only; redirects to the second-opinion page",
    "reviews:rate": "the review's autosave endpoint: JSON (walked as 'rating blind after autosave')",
    "reviews:take_asked": "POST only; a teammate starts a request to them by name, redirects to the review (walked)",
    **TEAM_NOT_PAGES,
    "api_tokens:revoke": "POST only; redirects to the API tokens page (walked)",
    "notices:read": "POST only; marks a notice read and redirects to what it is about",
    "notices:read_all": "POST only; redirects to the notices page (walked)",
    # The API answers JSON (its authorization, errors and schema are tested in api/tests); its docs
    # page is drf-spectacular-sidecar's Swagger UI, a third-party page served as shipped.
    **{
        name: "the API: JSON, or the API's Swagger UI"
        for name, route, _ in all_url_patterns()
        if name and name.startswith("api:")
    },
}


# --- the walk ----------------------------------------------------------------------------------


@pytest.fixture
def world(shipped_roles, alice, staff):
    return World(alice, reviewer=staff)


@pytest.fixture
def error_page_urls(settings):
    """Serve a URL that fails, so the real 500 page (DEBUG off) is walked too."""
    settings.ROOT_URLCONF = "e2e.urls_with_error"
    settings.DEBUG = False
    settings.SIGNUP_RATE_LIMIT = "1/h"  # the second sign-up of the walk shows the "too many" page


def walk(page: Page, world, states, axe_source, width):
    problems = []
    for state in states:
        response = page.goto(state.path(world), timeout=60_000)  # the admin role page is slow on a busy machine
        assert response.status == state.status, f"{state.name}: {response.status} at {page.url}"
        if state.act:
            state.act(page, world)
        expect(page.locator("main h1, h1").first).to_be_visible()
        serious = [v for v in axe_violations(page, axe_source) if v["impact"] in SERIOUS]
        if serious:
            problems.append(f"{state.name} ({page.url}, {width}):\n{describe(serious)}")
        dangling = dangling_describedby(page)
        if dangling:
            problems.append(f"{state.name} ({page.url}, {width}): aria-describedby points nowhere: {dangling}")
    return problems


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", [VISITOR, ALICE, STAFF])
def test_every_state_has_no_serious_axe_violation(new_context, world, staff, error_page_urls, axe_source, who, width):
    page = new_context(viewport=WIDTHS[width]).new_page()
    if who == ALICE:
        log_in(page, "alice")
    elif who == STAFF:
        log_in(page, staff.username)

    problems = walk(page, world, [s for s in STATES if s.who == who], axe_source, width)

    assert not problems, "axe found serious or critical problems:\n\n" + "\n\n".join(problems)


def test_every_page_has_axe_coverage():
    """A URL the site serves is walked above or says why it has no page (admin: our customised pages)."""
    walked = {state.url_name for state in STATES}
    names = {name for name, route, _ in all_url_patterns() if name and not route.startswith("admin/")}
    uncovered = sorted(names - walked - set(NOT_PAGES))
    assert not uncovered, f"URLs with no accessibility check: add a State or a NOT_PAGES reason: {uncovered}"
    stale = sorted((set(NOT_PAGES) | walked) - names - {"", "admin"})
    assert not stale, f"states or reasons for URLs that no longer exist: {stale}"
