"""The editors' admin pages of the Senior ML guide's draft (where editors work: every row editable)
do not scroll sideways at 1280 or 390 px: the role page and each part of its sections page
(issue #29: `document.scrollingElement.scrollWidth` equals the viewport's width). Screenshots of
each go to e2e/artifacts/ (`admin-draft-<part>-<width>.png`)."""

import pytest
from django.urls import reverse

from roles import services
from roles.admin import SECTION_PARTS
from roles.models import Role

from .helpers import DESKTOP, PHONE, SENIOR_ML, log_in, screenshot, wider_than_viewport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_role_page_and_each_part_of_its_sections_page_fit_the_screen(new_context, shipped_roles, staff, viewport):
    draft = services.start_draft(role=Role.objects.get(slug=SENIOR_ML))
    sections = reverse("admin:roles_role_sections", args=[draft.pk])
    pages = {
        "role": reverse("admin:roles_role_change", args=[draft.pk]),
        **{f"sections-{key}": f"{sections}?part={key}" for key in SECTION_PARTS},
    }
    page = new_context(viewport=viewport).new_page()
    log_in(page, "editor")

    wide = []
    for name, url in pages.items():
        page.goto(url, timeout=60_000)
        scroll_width = page.evaluate("() => document.scrollingElement.scrollWidth")
        screenshot(page, f"admin-draft-{name}-{viewport['width']}", max_height=2400)
        if scroll_width != viewport["width"]:
            wide.append(f"{name} ({url}): {scroll_width} px wide — {wider_than_viewport(page)}")
    assert not wide, "\n".join(wide)
