"""axe-core finds no serious or critical accessibility problem on the pages people use.

The page is loaded with its real Content-Security-Policy; axe is evaluated through the DevTools
protocol (see `helpers.axe_violations` and docs/testing.md).
"""

import pytest
from playwright.sync_api import expect

from assessments.models import ShareLink
from assessments.tests.factories import draft_for, submitted_for
from roles.models import Role

from .helpers import SENIOR_ML, SERIOUS, axe_violations, describe, log_in, planned_levels, role_targets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def alice_with_assessments(alice):
    """A submitted report of Senior ML Engineer (with gaps and strengths), a share link to it,
    and a draft of ML Engineer with a few ratings."""
    report = submitted_for(alice, Role.objects.get(slug=SENIOR_ML), levels=planned_levels(role_targets(SENIOR_ML)))
    draft_slugs = list(role_targets("ml-engineer"))[:3]
    draft = draft_for(alice, Role.objects.get(slug="ml-engineer"), dict.fromkeys(draft_slugs, 3))
    link = ShareLink.objects.create(assessment=report, display_name="Sam")
    return {"report": report, "draft": draft, "share": link}


# (name, whose page: None for a visitor's, "alice" for hers; the path, given alice's assessments)
PAGES = [
    ("home", None, lambda a: "/"),
    ("role-list", None, lambda a: "/roles/"),
    ("role-detail", None, lambda a: f"/roles/{SENIOR_ML}/"),
    ("skill", None, lambda a: "/skills/python/"),
    ("signup", None, lambda a: "/accounts/signup/"),
    ("login", None, lambda a: "/accounts/login/"),
    ("dashboard", "alice", lambda a: "/dashboard/"),
    ("assessment-step", "alice", lambda a: f"/assessments/{a['draft'].pk}/step/1/"),
    ("review", "alice", lambda a: f"/assessments/{a['draft'].pk}/review/"),
    ("report", "alice", lambda a: f"/assessments/{a['report'].pk}/report/"),
    ("shared-report", None, lambda a: a["share"].get_absolute_url()),
]
NEEDS_ASSESSMENTS = {"dashboard", "assessment-step", "review", "report", "shared-report"}


@pytest.mark.parametrize(("name", "user", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_has_no_serious_or_critical_axe_violations(page, shipped_roles, alice, axe_source, name, user, path):
    assessments = alice_with_assessments(alice) if name in NEEDS_ASSESSMENTS else {}
    if user:
        log_in(page, user)
    response = page.goto(path(assessments))
    assert response.ok, f"{name}: {response.status}"
    expect(page.locator("main h1")).to_be_visible()

    violations = axe_violations(page, axe_source)

    if violations:
        print(f"\naxe on {name} ({page.url}):\n{describe(violations)}")
    serious = [v for v in violations if v["impact"] in SERIOUS]
    assert not serious, f"axe found serious or critical problems on {name} ({page.url}):\n{describe(serious)}"
