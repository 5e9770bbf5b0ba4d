"""Notices in a real browser (issue 31): a plan item falls due, the scan finds it, the navbar says
1, opening the notice leads to the plan and the count goes; email chosen on the settings page,
the mail's one-click link stops it without signing in. axe-core finds no serious problem on the
notices pages, and neither scrolls sideways at 390 px."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments import services
from assessments.models import PlanItem
from assessments.tests.factories import submitted_for
from notices import scan, unsubscribe
from notices.models import Delivery, Kind, NoticePreference
from roles.tests.factories import make_role

from .helpers import PHONE, SERIOUS, axe_violations, describe, has_no_horizontal_scroll, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def due_item(alice):
    role = make_role(required=3, differentiating=1, title="Data Wrangler")
    plan, _ = services.create_plan(assessment=submitted_for(alice, role, level=1))
    item = plan.items.order_by("order").first()
    PlanItem.objects.filter(pk=item.pk).update(target_date=timezone.localdate() + timedelta(days=2))
    return plan


def test_a_due_plan_item_becomes_a_notice_that_leads_to_the_plan(new_context, alice, due_item, axe_source):
    scan.run_scan()
    page = new_context().new_page()
    log_in(page, "alice")
    badge = page.get_by_test_id("unread-count")
    expect(badge).to_have_text("1 unread")
    page.get_by_test_id("nav-notices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notices")
    violations = [v for v in axe_violations(page, axe_source) if v["impact"] in SERIOUS]
    assert not violations, describe(violations)
    page.get_by_role("button", name="Open").click()
    expect(page).to_have_url(re.compile(rf"/assessments/{due_item.assessment_id}/plan/$"))
    expect(page.get_by_test_id("unread-count")).to_have_count(0)


def test_email_chosen_in_settings_and_stopped_by_its_one_click_link(new_context, alice):
    page = new_context(viewport=PHONE).new_page()
    log_in(page, "alice")
    page.goto("/notices/settings/")
    page.get_by_role("group", name="A plan item is due in 3 days").get_by_label("Also by email, at once").check()
    page.get_by_role("button", name="Save notice settings").click()
    expect(page.get_by_text("Saved: your notice settings.")).to_be_visible()
    assert has_no_horizontal_scroll(page)
    assert NoticePreference.objects.get(user=alice).delivery == Delivery.IMMEDIATE

    stranger = new_context(viewport=PHONE).new_page()  # the mail opened on another device, signed out
    stranger.goto(f"/notices/unsubscribe/{unsubscribe.make_token(alice.pk, Kind.PLAN_DUE_SOON)}/")
    stranger.get_by_role("button", name="Stop these emails").click()
    expect(stranger.get_by_role("status")).to_contain_text("no more email about")
    assert has_no_horizontal_scroll(stranger)
    assert not NoticePreference.objects.filter(user=alice).exists()
