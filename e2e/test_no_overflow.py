"""No page scrolls sideways: every public, member and staff page (and the admin's role change page)
at a phone's 390 px and a laptop's 1280 px, `document.documentElement.scrollWidth <= innerWidth`.

With CAREERPATH_SCREENSHOTS=1 it also writes the main pages at both widths to e2e/artifacts/
(`<page>-1280.png`, `<page>-390.png`; docs/testing.md says which are copied to docs/screenshots/).
"""

import datetime as dt
import os

import pytest
from django.urls import reverse
from django.utils import timezone

from .helpers import DESKTOP, PHONE, log_in, page_widths, screenshot, wider_than_viewport

WIDTHS = {"1280": DESKTOP, "390": PHONE}
SCREENSHOTS = os.environ.get("CAREERPATH_SCREENSHOTS") == "1"
MAIN_PAGES = {"home", "role", "step", "review", "report", "plan", "dashboard", "admin-role"}


@pytest.fixture
def world(shipped_roles, alice, staff):
    """The flagship guide, and Alice with a draft of it, an earlier and a later report, a plan
    with a dated item, an active share link and a revoked one."""
    from assessments import services
    from assessments.models import ShareLink
    from assessments.tests.factories import draft_for, shared, submitted_for
    from roles.models import Role, Skill

    role = Role.objects.get(slug="senior-ml-engineer")
    slugs = list(role.role_skills.order_by("order").values_list("skill__slug", flat=True))
    first = submitted_for(alice, role, level=2, levels=dict.fromkeys(slugs[:5], 1))
    services.create_plan(assessment=first)
    later = submitted_for(alice, role, level=3, levels=dict.fromkeys(slugs[:3], 1))
    plan, _ = services.create_plan(assessment=later)
    item = plan.items.order_by("order").first()
    services.update_plan_item(
        item=item,
        action="Course: a long course title that goes on and on about production machine learning systems",
        target_date=timezone.localdate() + dt.timedelta(days=30),
        notes="Week one: read; week two: build.",
        status="in_progress",
    )
    draft = draft_for(alice, role, dict.fromkeys(slugs[:4], 3))
    _share, share_path = shared(later, display_name="Alice", include_plan=True)
    revoked, revoked_path = shared(later, display_name="Alice")
    ShareLink.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    return {
        "role": role,
        "skill": Skill.objects.get(slug=slugs[0]),
        "draft": draft,
        "report": later,
        "share_path": share_path,
        "revoked_path": revoked_path,
    }


def public_pages(w):
    return {
        "home": "/",
        "roles": reverse("roles:list"),
        "role": w["role"].get_absolute_url(),
        "skill": reverse("roles:skill", args=[w["skill"].slug]),
        "scale": reverse("roles:scale"),
        "login": reverse("account_login"),
        "signup": reverse("account_signup"),
        "password-reset": reverse("account_reset_password"),
        "shared": w["share_path"],
        "shared-revoked": w["revoked_path"],
        "not-found": "/no-such-page/",
    }


def member_pages(w):
    pk, report = w["draft"].pk, w["report"].pk
    return {
        "home-member": "/",
        "dashboard": reverse("assessments:dashboard"),
        "step": reverse("assessments:step", args=[pk, 1]),
        "step-2": reverse("assessments:step", args=[pk, 2]),
        "review": reverse("assessments:review", args=[pk]),
        "delete": reverse("assessments:delete", args=[pk]),
        "report": reverse("assessments:report", args=[report]),
        "plan": reverse("assessments:plan", args=[report]),
        "shares": reverse("assessments:shares", args=[report]),
        "fit": reverse("assessments:fit"),
        "settings": reverse("accounts:settings"),
        "password-change": reverse("account_change_password"),
        "account-delete": reverse("accounts:delete"),
    }


def staff_pages(w):
    return {
        "admin": reverse("admin:index"),
        "admin-roles": reverse("admin:roles_role_changelist"),
        "admin-role": reverse("admin:roles_role_change", args=[w["role"].pk]),
        "admin-skills": reverse("admin:roles_skill_changelist"),
        "admin-skill": reverse("admin:roles_skill_change", args=[w["skill"].pk]),
    }


def overflowing(page, pages, width):
    failures = []
    for name, url in pages.items():
        page.goto(url, timeout=60_000)
        widths = page_widths(page)
        if widths["scrollWidth"] > widths["innerWidth"]:
            failures.append(f"{name} ({url}) at {width}px: {widths} — {wider_than_viewport(page)}")
        if SCREENSHOTS and name.removesuffix("-member") in MAIN_PAGES:
            screenshot(page, f"{name.removesuffix('-member')}-{width}", max_height=2400)
    return failures


@pytest.mark.parametrize("width", list(WIDTHS))
def test_no_page_scrolls_sideways(new_context, world, width, alice, staff):
    failures = []
    visitor = new_context(viewport=WIDTHS[width]).new_page()
    failures += overflowing(visitor, public_pages(world), width)
    member = new_context(viewport=WIDTHS[width]).new_page()
    log_in(member, "alice")
    failures += overflowing(member, member_pages(world), width)
    editor = new_context(viewport=WIDTHS[width]).new_page()
    log_in(editor, "editor")
    failures += overflowing(editor, staff_pages(world), width)
    assert not failures, "\n".join(failures)
