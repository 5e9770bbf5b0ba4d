"""Signing up from a role guide comes back to the guide (issue 28, item 7), at 1280 and 390 px."""

import pytest
from playwright.sync_api import expect

from .helpers import DESKTOP, PHONE, SENIOR_ML, fill_sign_up_form, has_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"1280": DESKTOP, "390": PHONE}


@pytest.mark.parametrize("width", WIDTHS)
def test_signing_up_from_a_guide_comes_back_to_the_guide(new_context, shipped_roles, live_server, width):
    page = new_context(viewport=WIDTHS[width]).new_page()
    guide = f"/roles/{SENIOR_ML}/"
    page.goto(guide)
    page.get_by_test_id("account-notice").get_by_role("link", name="sign up").click()
    fill_sign_up_form(page, f"newcomer{width}")
    expect(page).to_have_url(live_server.url + guide)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Senior ML Engineer")
    assert has_no_horizontal_scroll(page)
