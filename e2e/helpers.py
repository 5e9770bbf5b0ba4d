"""What the browser journeys do again and again: sign up, log in, rate a step, check a page.

Every helper drives the pages the way a person would (labels, buttons, links) and waits for
what the page shows, never for a fixed time.
"""

import re
import time
from pathlib import Path

from playwright.sync_api import Page, expect

from accounts.tests.factories import PASSWORD, STAFF_TOTP_SECRET, totp_code

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
STEP_URL = re.compile(r"/assessments/(\d+)/step/(\d+)/$")
REVIEW_URL = re.compile(r"/assessments/(\d+)/review/$")
REPORT_URL = re.compile(r"/assessments/(\d+)/report/$")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


# --- people ---------------------------------------------------------------------------------


def sign_up(page: Page, username, *, password=PASSWORD):
    """Create an account through the sign-up page; ends on the page the form redirects to."""
    page.goto("/accounts/signup/")
    fill_sign_up_form(page, username, password=password)


def fill_sign_up_form(page: Page, username, *, password=PASSWORD):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_role("textbox", name=re.compile(r"^Password\W*$")).fill(password)
    page.get_by_label("Password confirmation").fill(password)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_test_id("nav-user")).to_contain_text(username)


def log_in(page: Page, username, *, password=PASSWORD, totp_secret=STAFF_TOTP_SECRET, next_url=None):
    """Log in through the site's form (django-axes sees the request, as in production). An account
    with two-factor authentication (the staff persona) is then asked for a code: the helper types
    the one its authenticator app would show (each code works once: a later log-in in the same
    30 seconds takes the next one, which the site accepts too)."""
    page.goto("/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    page.get_by_label("Username").fill(username)
    page.get_by_role("textbox", name=re.compile(r"^Password\W*$")).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/2fa/authenticate/" in page.url:
        page.get_by_label("Code").fill(_fresh_code(totp_secret))
        page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_test_id("nav-user")).to_contain_text(username)


_CODES_USED = set()


def forget_used_codes():
    """The site remembers a used code in its cache, which every test starts empty (conftest.py), so a
    new test may use any code again: e2e/conftest.py calls this before each test."""
    _CODES_USED.clear()


def _fresh_code(secret):
    for step in (0, 1, -1):
        code = totp_code(secret, step=step)
        if (secret, code) not in _CODES_USED:
            _CODES_USED.add((secret, code))
            return code
    raise AssertionError("three log-ins with one authenticator in 30 seconds: wait for the next code")


def log_out(page: Page):
    """The navbar's "Log out" button (a POST form); at phone width the menu is opened first."""
    if page.locator(".navbar-toggler").is_visible():
        toggle_menu(page, opened=True)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


_MENU_SETTLED = {True: re.compile(r"(^|\s)show(\s|$)"), False: re.compile(r"^(?!.*\b(show|collapsing)\b)")}


def toggle_menu(page: Page, *, opened):
    """Tap the phone menu's toggler and wait until the menu has finished opening (or closing).

    Bootstrap ignores a tap while the menu is still sliding (`.collapsing`), so a test that taps
    again too early on a slow machine would see a menu that never closes; waiting for the settled
    class (`show` once open, neither `show` nor `collapsing` once closed) removes that race."""
    page.locator(".navbar-toggler").click()
    expect(page.locator("#nav-main")).to_have_class(_MENU_SETTLED[opened])
    expect(page.locator(".navbar-toggler")).to_have_attribute("aria-expanded", str(opened).lower())


# --- role data ------------------------------------------------------------------------------

SENIOR_ML = "senior-ml-engineer"


def role_targets(slug):
    """{skill slug: target level} of a role, in the role's order (read from the database)."""
    from roles.models import RoleSkill

    role_skills = RoleSkill.objects.filter(role__slug=slug).select_related("skill").order_by("order", "id")
    return {rs.skill.slug: rs.target for rs in role_skills}


def planned_levels(targets):
    """Ratings that give a known report: in turn 0 (gap), target - 1 (gap), the target, target + 1."""
    plan = {}
    for i, (slug, target) in enumerate(targets.items()):
        plan[slug] = [0, target - 1, target, min(target + 1, 5)][i % 4]
    return plan


def gaps_of(plan, targets):
    return {slug for slug, level in plan.items() if level < targets[slug]}


# --- assessment steps --------------------------------------------------------------------


TAKING_URL = re.compile(r"/assessments/(\d+)/(step/\d+|review)/$")


def start_assessment(page: Page, slug):
    """Open a role guide and press "Assess yourself"; returns the assessment's id.

    The page is then the first step with an unrated skill (the review page when every rating was
    carried over from an earlier assessment of the role).
    """
    page.goto(f"/roles/{slug}/")
    page.get_by_role("button", name="Assess yourself").first.click()  # one at the top, one at the end
    expect(page).to_have_url(TAKING_URL)
    return int(TAKING_URL.search(page.url).group(1))


def step_skills(page: Page):
    """The skill slugs of the step on screen, in page order."""
    return page.locator("fieldset[data-skill]").evaluate_all("els => els.map(e => e.dataset.skill)")


def radio(page: Page, slug, level):
    return page.locator(f'fieldset[data-skill="{slug}"] input[type=radio][value="{level}"]')


def checked_level(page: Page, slug):
    """The level checked for `slug` on the step on screen, or None."""
    checked = page.locator(f'fieldset[data-skill="{slug}"] input[type=radio]:checked')
    return int(checked.get_attribute("value")) if checked.count() else None


def rate(page: Page, levels, *, autosave=True):
    """Check the radio of each {slug: level} on this step.

    With JavaScript on (`autosave=True`) each click is saved at once: wait for that request's
    answer, so that nothing is in flight when the test moves on (a pending save makes the page
    ask "leave this page?", which Playwright answers "stay").
    """
    for slug, level in levels.items():
        if autosave:
            with page.expect_response(_is_autosave) as response:
                radio(page, slug, level).check()
            assert response.value.ok, f"autosave of {slug} answered {response.value.status}"
        else:
            radio(page, slug, level).check()


def _is_autosave(response):
    return response.request.method == "POST" and response.url.endswith("/rate/")


class AutosaveWatcher:
    """Counts the autosave requests of a page still waiting for an answer."""

    def __init__(self, page: Page):
        self.page = page
        self.in_flight = 0
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    @staticmethod
    def _is_autosave(request):
        return request.method == "POST" and request.url.endswith("/rate/")

    def _started(self, request):
        if self._is_autosave(request):
            self.in_flight += 1

    def _ended(self, request):
        if self._is_autosave(request):
            self.in_flight -= 1

    def wait_until(self, condition, *, timeout=10.0):
        """Until no autosave is in flight and `condition()` holds (polling; the page keeps running)."""
        deadline = time.monotonic() + timeout
        while not (self.in_flight == 0 and condition()):
            if time.monotonic() > deadline:
                raise AssertionError(f"autosave did not settle in {timeout} s ({self.in_flight} in flight)")
            self.page.wait_for_timeout(100)


def wait_until_saved(page: Page):
    """With JavaScript on: wait for the autosave status to settle on "Saved"."""
    expect(page.locator("[data-save-status]")).to_have_text("Saved")


def press_button(page: Page, name):
    """Press a step's submit button ("Save and continue", "Save and exit", ...)."""
    page.get_by_role("button", name=name, exact=True).click()


def current_step(page: Page):
    match = STEP_URL.search(page.url)
    return int(match.group(2)) if match else None


# --- what a page shows ---------------------------------------------------------------------


def has_no_horizontal_scroll(page: Page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def page_widths(page: Page):
    return page.evaluate("() => ({scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth})")


def wider_than_viewport(page: Page):
    """Elements sticking out on the right (to explain a horizontal-scroll failure)."""
    return page.evaluate(
        """() => {
          const width = window.innerWidth;
          return [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > width + 1)
            .slice(0, 10)
            .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                       (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
                       ' (right=' + Math.round(el.getBoundingClientRect().right) + ')');
        }"""
    )


def screenshot(page: Page, name, *, region=None, max_height=None, clip=None):
    """A full-page PNG in e2e/artifacts/ (git-ignored); docs/testing.md says which go to docs/.

    `region` (a locator) keeps only that part of the page, `max_height` only its top, `clip`
    the given rectangle (page coordinates).
    """
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if region is not None:
        clip = region.evaluate(
            "e => { const r = e.getBoundingClientRect();"
            " return {x: 0, y: r.top + window.scrollY, width: document.documentElement.clientWidth, height: r.height}; }"
        )
    elif max_height is not None:
        height = page.evaluate("() => document.documentElement.scrollHeight")
        clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": min(height, max_height)}
    page.screenshot(path=str(path), full_page=True, type="png", clip=clip, timeout=30_000)
    return path


# --- accessibility -------------------------------------------------------------------------

SERIOUS = {"serious", "critical"}


def axe_violations(page: Page, axe_source):
    """Run axe-core on the page with the WCAG 2.2 AA rules (`wcag22aa`: target size) and axe's best
    practices; returns its violations (every impact).

    The CSP allows only same-origin scripts: `add_script_tag(path=...)` inserts the file as an
    inline script, which the CSP blocks, and `eval` is blocked too. So the axe source is sent as
    the body of a function through the DevTools protocol (`page.evaluate`), which the page's CSP
    does not govern; the page under test keeps its real CSP (no `bypass_csp`).
    """
    page.evaluate("() => {\n" + axe_source + "\n}")
    return page.evaluate(
        """async () => {
          const result = await axe.run(document, {
            resultTypes: ['violations'],
            // WCAG 2.0-2.2 A and AA and axe's best practices; WCAG 2.2's target size (2.5.8) is
            // off by default in axe-core 4.14, so it is named.
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
            rules: {'target-size': {enabled: true}},
          });
          return result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary, html: n.html})),
          }));
        }"""
    )


def describe(violations):
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            if node.get("summary"):
                lines.append("      " + node["summary"].replace("\n", "\n      "))
    return "\n".join(lines)


def dangling_describedby(page: Page):
    """`aria-describedby` ids that point at no element (help text printed without its id).

    The admin's hidden `.empty-form` row is a template for "Add another", not a form anyone sees."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[aria-describedby]:not(.empty-form *)')].flatMap(el =>
             el.getAttribute('aria-describedby').split(/\\s+/).filter(id => id && !document.getElementById(id))
               .map(id => (el.id || el.name || el.tagName) + ' -> #' + id))"""
    )
