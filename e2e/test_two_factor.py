"""Two-factor authentication in a real browser (issue 30, item 4).

Staff must enrol an authenticator app (TOTP) before the admin opens; members may opt in from their
account page. Each log-in of an enrolled account then asks for a code from the app, or one of the
recovery codes shown at enrolment (each works once). Codes are computed from the secret the page
shows, as an authenticator app would (RFC 6238, 30-second steps).
"""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import PASSWORD, UserFactory, enrol_totp, recovery_codes_of, totp_code

from .helpers import DESKTOP, PHONE, has_no_horizontal_scroll, log_out, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE_PAGE = re.compile(r"/accounts/2fa/authenticate/$")


def submit_password(page: Page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_role("textbox", name=re.compile(r"^Password\W*$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def enter_code(page: Page, code):
    expect(page).to_have_url(CODE_PAGE)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign In").click()


def confirm_it_is_you(page: Page):
    """Changing two-factor settings asks for the password again first (allauth's re-authentication)."""
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.get_by_role("textbox", name=re.compile(r"^Password\W*$")).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()


def test_staff_enrol_before_the_admin_opens_then_log_in_with_a_code_and_a_wrong_code_is_refused(new_context):
    UserFactory(username="ed", is_staff=True, is_superuser=True, totp=False)
    page = new_context().new_page()
    submit_password(page, "ed")  # not enrolled yet: no code asked
    expect(page.get_by_test_id("nav-user")).to_contain_text("ed")

    page.goto("/admin/")
    expect(page.locator(".alert").first).to_contain_text("Staff need two-factor")
    confirm_it_is_you(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    for width, viewport in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        assert has_no_horizontal_scroll(page)
        screenshot(page, f"2fa-activate-{width}")
    page.set_viewport_size(DESKTOP)
    page.get_by_label("Authenticator code").fill("000000" if totp_code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Activate").click()
    expect(page.locator(".invalid-feedback, .is-invalid").first).to_be_visible()  # a wrong code enrols nothing

    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text(re.compile("recovery codes", re.I)).first).to_be_visible()
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Role guides and assessments")).to_be_visible()

    log_out(page)
    submit_password(page, "ed")
    expect(page).to_have_url(CODE_PAGE)
    for width, viewport in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        assert has_no_horizontal_scroll(page)
        screenshot(page, f"2fa-code-{width}")
    page.set_viewport_size(DESKTOP)
    enter_code(page, "123456" if totp_code(secret) != "123456" else "654321")
    expect(page.locator(".invalid-feedback, .is-invalid, .alert-danger").first).to_be_visible()
    expect(page.get_by_test_id("nav-user")).to_have_count(0)  # still not logged in

    enter_code(page, totp_code(secret, step=1))  # the next step's code: the one in use may have been spent
    expect(page.get_by_test_id("nav-user")).to_contain_text("ed")
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Role guides and assessments")).to_be_visible()


def test_the_admins_own_log_in_form_cannot_skip_the_second_step(new_context, staff):
    page = new_context().new_page()
    page.goto("/admin/login/?next=/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("Username").fill(staff.username)
    page.get_by_role("textbox", name=re.compile(r"^Password\W*$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(CODE_PAGE)


def test_a_member_opts_in_from_their_account_and_a_recovery_code_logs_in_once(new_context, alice):
    page = new_context().new_page()
    submit_password(page, "alice")
    page.goto("/accounts/settings/")
    page.get_by_role("link", name="Set up two-factor authentication").click()
    page.get_by_role("link", name="Activate").first.click()
    confirm_it_is_you(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    codes = recovery_codes_of(alice)
    assert len(codes) == 10
    expect(page.get_by_text(codes[0]).first).to_be_visible()  # shown once, to write down

    log_out(page)
    submit_password(page, "alice")
    enter_code(page, codes[0])
    expect(page.get_by_test_id("nav-user")).to_contain_text("alice")

    log_out(page)
    submit_password(page, "alice")
    enter_code(page, codes[0])  # used up
    expect(page.locator(".invalid-feedback, .is-invalid, .alert-danger").first).to_be_visible()
    expect(page.get_by_test_id("nav-user")).to_have_count(0)


def test_an_enrolled_member_is_signed_in_only_after_the_code(new_context, alice):
    secret = enrol_totp(alice)
    page = new_context().new_page()
    submit_password(page, "alice")
    expect(page.get_by_test_id("nav-user")).to_have_count(0)
    enter_code(page, totp_code(secret))
    expect(page.get_by_test_id("nav-user")).to_contain_text("alice")
