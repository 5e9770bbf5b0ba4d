"""An editor changes a published role guide in the admin through a draft: preview, compare, publish,
roll back. New assessments see a published change; submitted reports do not change, and say the
guide has changed since."""

import re

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from assessments.tests.factories import submitted_for
from roles.models import Role, RoleSkill, Skill

from .helpers import ARTIFACTS, PHONE, SENIOR_ML, STEP_URL, log_in, role_targets, screenshot, start_assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def report_skills(page):
    """What a report shows, by skill slug: the gap list, the strengths and the chart's table."""
    return {
        part: page.locator(selector).evaluate_all("els => els.map(e => e.dataset.skill)")
        for part, selector in {
            "gaps": "[data-testid=gap-list] li[data-skill]",
            "strengths": "[data-testid=strengths] [data-skill]",
            "table": ".chart-table tr[data-skill]",
        }.items()
    }


def test_editor_adds_a_skill_in_a_draft_publishes_it_new_assessments_show_it_and_reports_say_it_changed(
    new_context, shipped_roles, staff, alice, bob
):
    role = Role.objects.get(slug=SENIOR_ML)
    targets = role_targets(SENIOR_ML)
    new_skill = Skill.objects.exclude(role_skills__role=role).order_by("name").first()
    report = submitted_for(alice, role, level=2)

    alice_page = new_context().new_page()
    log_in(alice_page, "alice")
    alice_page.goto(f"/assessments/{report.pk}/report/")
    before = report_skills(alice_page)
    assert sorted(before["table"]) == sorted(targets)

    # The editor logs into the admin and adds the skill through the role page's skill inline.
    page = new_context().new_page()
    log_in(page, "editor")  # with the code from the editor's authenticator app
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Role guides and assessments")).to_be_visible()
    page.goto(f"/admin/roles/role/{role.pk}/change/")
    expect(page.get_by_role("heading", level=2, name="Senior ML Engineer")).to_be_visible()
    expect(page.locator("#role_form input[name=summary]")).to_have_count(0)  # published: read-only
    page.get_by_role("link", name="Edit in a draft").click()
    page.get_by_role("button", name="Start a draft").click()
    expect(page.locator(".messagelist")).to_contain_text("Started a draft")
    draft = Role.objects.get(draft_of=role)
    expect(page).to_have_url(re.compile(rf"/admin/roles/role/{draft.pk}/change/$"))
    page.locator("#toggle-nav-sidebar").click()  # more room for the inline (and a tidier screenshot)
    inline = page.locator("#role_skills-group")
    rows_before = inline.locator("tr.form-row.has_original").count()
    inline.get_by_text("Add another Role skill").click()
    new_row = inline.locator("tr.form-row.dynamic-role_skills:not(.has_original)").last
    new_row.locator(".select2-selection").click()  # the skill field is an autocomplete (select2)
    page.locator(".select2-container--open .select2-search__field").fill(new_skill.name)
    page.locator(".select2-results__option", has_text=new_skill.name).first.click()
    new_row.locator("select[name$='-kind']").select_option("differentiating")
    new_row.locator("select[name$='-target']").select_option("2")
    screenshot(page, "admin-role", max_height=1400)
    # Scroll down to the new row near the bottom (new rows go last: the drag order is kept for them).
    new_row.evaluate(
        "e => window.scrollTo({left: 0, top: e.getBoundingClientRect().bottom + window.scrollY - 800, behavior: 'instant'})"
    )
    page.screenshot(path=str(ARTIFACTS / "admin-role-skill.png"), type="png")  # what the editor sees
    fields = page.evaluate("() => [...new FormData(document.querySelector('#role_form'))].length")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Save and continue editing").click()
    assert navigation.value.status != 400, (
        f"the admin refused to save the role page (400 Bad Request): the form posts {fields} fields and "
        f"DATA_UPLOAD_MAX_NUMBER_FIELDS is {django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}"
    )
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(inline.locator("tr.form-row.has_original")).to_have_count(rows_before + 1)
    link = RoleSkill.objects.get(role=draft, skill=new_skill)
    assert (link.kind, link.target) == ("differentiating", 2)
    assert not RoleSkill.objects.filter(role=role, skill=new_skill).exists()  # the public guide is as it was

    # The editor reads what the draft changes, previews it as the public will see it, and publishes it.
    page.get_by_role("link", name="Compare with the published guide").click()
    expect(page.get_by_test_id("skill-added")).to_contain_text(new_skill.name)
    screenshot(page, "admin-compare", max_height=1000)
    page.go_back()
    page.get_by_role("link", name="Preview as the public will see it").click()
    expect(page.get_by_test_id("preview-banner")).to_be_visible()
    expect(page.locator("main")).to_contain_text(new_skill.name)
    page.get_by_role("link", name="Back to editing").click()
    page.get_by_role("link", name="Publish this draft…").click()
    expect(page.get_by_test_id("skill-added")).to_contain_text(new_skill.name)
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messagelist")).to_contain_text("Published “Senior ML Engineer” (revision 2)")
    link = RoleSkill.objects.get(role=role, skill=new_skill)
    assert (link.kind, link.target) == ("differentiating", 2)
    assert not Role.objects.filter(draft_of=role).exists()

    # A new assessment of the role asks about the new skill...
    bob_page = new_context().new_page()
    log_in(bob_page, "bob")
    pk = start_assessment(bob_page, SENIOR_ML)
    bob_page.goto(f"/assessments/{pk}/review/")
    expect(bob_page.locator(".assessment-progress")).to_contain_text(f"0 of {len(targets) + 1} rated")
    new_skill_row = bob_page.get_by_role("rowheader", name=new_skill.name, exact=True)
    expect(new_skill_row).to_be_visible()
    expect(bob_page.locator("main table tbody tr")).to_have_count(len(targets) + 1)
    review_section = bob_page.locator("main section").filter(has=new_skill_row)
    review_section.get_by_role("link", name=re.compile(r"^Edit")).click()  # the step that asks about it
    expect(bob_page).to_have_url(STEP_URL)
    expect(bob_page.locator(f'fieldset[data-skill="{new_skill.slug}"] legend')).to_have_text(new_skill.name)

    # ...while the report submitted before the edit is exactly as it was, and says the guide changed.
    alice_page.reload()
    assert report_skills(alice_page) == before
    expect(alice_page.locator(f'[data-skill="{new_skill.slug}"]')).to_have_count(0)
    notice = alice_page.get_by_test_id("guide-changed")
    expect(notice).to_contain_text("The guide has changed since you submitted")
    notice.get_by_role("link", name="see what changed").click()
    expect(alice_page.get_by_test_id("skill-added")).to_contain_text(new_skill.name)

    # The editor rolls the guide back to the revision before the edit.
    page.goto(f"/admin/roles/role/{role.pk}/revisions/")
    expect(page.get_by_test_id("revisions")).to_contain_text("editor")
    page.get_by_test_id("rollback-1").click()
    expect(page.get_by_test_id("skill-removed")).to_contain_text(new_skill.name)
    page.get_by_role("button", name="Roll back to revision 1").click()
    expect(page.locator(".messagelist")).to_contain_text("back to revision 1 (now revision 3)")
    assert not RoleSkill.objects.filter(role=role, skill=new_skill).exists()


def test_an_editor_on_a_phone_edits_in_a_draft_compares_previews_publishes_and_rolls_back(
    new_context, shipped_roles, staff
):
    """The same five steps at 390 px, each page without sideways scroll (screenshots `phone-admin-*`)."""
    role = Role.objects.get(slug=SENIOR_ML)
    first = role.role_skills.select_related("skill").order_by("order", "id").first()
    new_target = 5 if first.target != 5 else 4
    page = new_context(viewport=PHONE).new_page()
    log_in(page, "editor")
    too_wide = []

    def look(name):
        width = page.evaluate("() => document.scrollingElement.scrollWidth")
        screenshot(page, f"phone-admin-{name}", max_height=2400)
        if width != PHONE["width"]:
            too_wide.append(f"{name} ({page.url}): {width} px")

    # Edit: a draft of the published guide, the first skill's target changed.
    page.goto(f"/admin/roles/role/{role.pk}/change/")
    page.get_by_role("link", name="Edit in a draft").click()
    page.get_by_role("button", name="Start a draft").click()
    expect(page.locator(".messagelist")).to_contain_text("Started a draft")
    look("draft")
    page.locator("select[name='role_skills-0-target']").select_option(str(new_target))
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert RoleSkill.objects.get(role=role, skill=first.skill).target == first.target  # the guide is as it was

    # See the diff, preview, publish.
    page.get_by_role("link", name="Compare with the published guide").click()
    expect(page.get_by_test_id("skill-retargeted")).to_contain_text(first.skill.name)
    look("compare")
    page.go_back()
    page.get_by_role("link", name="Preview as the public will see it").click()
    expect(page.get_by_test_id("preview-banner")).to_be_visible()
    look("preview")
    page.get_by_role("link", name="Back to editing").click()
    page.get_by_role("link", name="Publish this draft…").click()
    look("publish")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messagelist")).to_contain_text("Published “Senior ML Engineer” (revision 2)")
    assert RoleSkill.objects.get(role=role, skill=first.skill).target == new_target

    # Roll back to the revision before the edit.
    page.goto(f"/admin/roles/role/{role.pk}/revisions/")
    look("revisions")
    page.get_by_test_id("rollback-1").click()
    expect(page.get_by_test_id("skill-retargeted")).to_contain_text(first.skill.name)
    look("rollback")
    page.get_by_role("button", name="Roll back to revision 1").click()
    expect(page.locator(".messagelist")).to_contain_text("back to revision 1 (now revision 3)")
    assert RoleSkill.objects.get(role=role, skill=first.skill).target == first.target
    assert not too_wide, "\n".join(too_wide)
