"""An editor imports role skills from a spreadsheet in the admin: the first file has one bad row,
the page names its row, column and problem and nothing changes; the fixed file is previewed, then
confirmed, and every row is saved. At 1280 and 390 px the page never scrolls sideways."""

from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from roles.models import RoleSkill
from roles.tests.factories import RoleFactory, RoleSkillFactory, SkillFactory

from .helpers import DESKTOP, PHONE, has_no_horizontal_scroll, log_in, screenshot, wider_than_viewport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "role,skill,kind,target,weight,commonly_missing,primary,note,editor_note,sources,order"


def sheet(*rows):
    return (HEADER + "\n" + "\n".join(rows) + "\n").encode()


def upload(page, name, data):
    page.get_by_label("File to import").set_input_files({"name": name, "mimeType": "text/csv", "buffer": data})
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()


def check_widths(page, name):
    """The page at 1280 and 390 px: no sideways scroll, and a screenshot of each to look at."""
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        assert has_no_horizontal_scroll(page), f"{name} scrolls sideways: {wider_than_viewport(page)}"
        screenshot(page, f"{name}-{viewport['width']}")


def test_editor_uploads_a_file_with_a_bad_row_fixes_it_previews_and_confirms(new_context, staff):
    role = RoleFactory(title="Data Wrangler", is_published=False)
    RoleSkillFactory(role=role, skill=SkillFactory(name="Python", slug="python"), target=2)
    SkillFactory(name="SQL", slug="sql")

    page = new_context().new_page()
    log_in(page, "editor")
    page.goto("/admin/roles/roleskill/")
    page.get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", name="Import")).to_be_visible()

    upload(
        page,
        "skills.csv",
        sheet("data-wrangler,python,required,4,,0,0,,,,0", "data-wrangler,sqll,required,3,,0,0,,,,1"),
    )
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("Row 3, column “skill”: No skill has the slug “sqll”. Did you mean “sql”?")
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    check_widths(page, "admin-import-errors")
    assert dict(role.role_skills.values_list("skill__slug", "target")) == {"python": 2}  # nothing changed

    upload(
        page,
        "skills-fixed.csv",
        sheet("data-wrangler,python,required,4,,0,0,,,,0", "data-wrangler,sql,required,3,,0,0,,,,1"),
    )
    expect(page.get_by_test_id("import-summary")).to_contain_text("1 new, 1 changed and 0 unchanged rows")
    check_widths(page, "admin-import-preview")
    assert dict(role.role_skills.values_list("skill__slug", "target")) == {"python": 2}  # a preview saves nothing

    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist")).to_contain_text("Import finished: 1 new, 1 updated")
    check_widths(page, "admin-roleskill-changelist")
    assert dict(role.role_skills.values_list("skill__slug", "target")) == {"python": 4, "sql": 3}
    assert RoleSkill.objects.count() == 2


def test_editor_exports_the_skills_as_a_workbook_that_imports_back_unchanged(new_context, staff):
    SkillFactory(name="SQL", slug="sql", description="=1+1 is text here")
    page = new_context(accept_downloads=True).new_page()
    log_in(page, "editor")
    page.goto("/admin/roles/skill/")
    check_widths(page, "admin-skill-changelist")
    page.get_by_role("link", name="Export").click()
    page.get_by_label("Format").select_option(label="xlsx")
    check_widths(page, "admin-export")
    with page.expect_download() as download:
        page.get_by_role("button", name="Submit").click()
    data = Path(download.value.path()).read_bytes()
    rows = list(openpyxl.load_workbook(BytesIO(data)).active.iter_rows(values_only=True))
    assert dict(zip(rows[0], rows[1], strict=True))["description"] == "'=1+1 is text here"  # escaped

    page.goto("/admin/roles/skill/import/")
    page.get_by_label("File to import").set_input_files(
        {"name": "skills.xlsx", "mimeType": "application/octet-stream", "buffer": data}
    )
    page.get_by_label("Format").select_option(label="xlsx")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_test_id("import-summary")).to_contain_text("0 new, 0 changed and 1 unchanged row")
