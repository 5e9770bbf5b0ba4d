"""Spreadsheet import and export in the admin (roles/spreadsheets.py, docs/editing.md): a round trip
gives identical files; a bad file gets an error naming the row, the column and the problem, and
changes nothing; a published guide changes only through its draft."""

import html
import zipfile
from decimal import Decimal
from io import BytesIO
from unittest import mock

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from roles import services
from roles import spreadsheets as sheets
from roles.models import Certification, Course, Family, Role, RoleSkill, Skill, SkillAlignment, Source
from roles.tests.factories import RoleFactory, RoleSkillFactory, SkillFactory

pytestmark = pytest.mark.django_db

SHEETS = [  # in the order an empty database takes them (each names rows of the sheets before it)
    sheets.SourceResource,
    sheets.SkillResource,
    sheets.RoleResource,
    sheets.RoleSkillResource,
    sheets.CourseResource,
    sheets.CertificationResource,
]
CSV, XLSX = "0", "1"  # the import form's format choices (sheets.FORMATS)
ESCO_URI = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"


def content():
    """Every row a sheet reads or writes, to prove that a refused import changed nothing."""
    return {
        model.__name__: sorted(map(repr, model.objects.values_list()))
        for model in (Source, Family, Skill, SkillAlignment, Role, RoleSkill, Course, Certification)
    }


def export(resource, fmt):
    dataset = resource().export()
    return sheets.CSV().export_data(dataset).encode() if fmt == CSV else sheets.XLSX().export_data(dataset)


def cells(xlsx):
    return list(openpyxl.load_workbook(BytesIO(xlsx)).active.iter_rows(values_only=True))


def import_file(resource, data, fmt=CSV, *, dry_run=False):
    form = sheets.CSV(encoding="utf-8-sig") if fmt == CSV else sheets.XLSX()
    if fmt == CSV and isinstance(data, bytes):
        data = data.decode()
    return resource().import_data(form.create_dataset(data), dry_run=dry_run, rollback_on_validation_errors=True)


def upload(client, model, data, *, fmt=CSV, name=None):
    name = name or ("sheet.csv" if fmt == CSV else "sheet.xlsx")
    data = data.encode() if isinstance(data, str) else data
    url = f"/admin/roles/{model._meta.model_name}/import/"
    return client.post(url, {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, data)})


def errors_on(response):
    """The page's error lines, as an editor reads them."""
    page = response.content.decode()
    start = page.find('data-testid="import-errors"')
    assert start != -1, "the page shows no import errors"
    block = page[start : page.find("</ul>", start)]
    return [html.unescape(" ".join(li.split("</li>")[0].split())) for li in block.split("<li>")[1:]]


def csv_of(*rows):
    return "\n".join(",".join(row) for row in rows) + "\n"


ROLESKILL_HEADER = ("role", "skill", "kind", "target", "weight", "commonly_missing", "primary", "note")
ROLESKILL_HEADER += ("editor_note", "sources", "order")


@pytest.fixture
def draft_role():
    """An unpublished role with one skill: what an editor imports into."""
    role = RoleFactory(title="Data Wrangler", is_published=False)
    RoleSkillFactory(role=role, skill=SkillFactory(name="Python", slug="python"), target=3)
    SkillFactory(name="SQL", slug="sql")
    return role


def roleskill_row(role="data-wrangler", skill="sql", target="3", kind="required", note=""):
    return (role, skill, kind, target, "", "0", "0", note, "", "", "1")


# --- round trip ---------------------------------------------------------------------------------------


def guides_with_awkward_cells():
    """Two guides (one published, with a draft) sharing skills with descriptors, alignments, cited
    sources, a course and a certification; and cells a spreadsheet would run, quotes, commas and lines."""
    source = Source.objects.create(key="onet-db", title="O*NET database", short_name="O*NET", url="https://example.org")
    Source.objects.create(key="editors", title="careerpath editors", short_name="careerpath", is_editorial=True)
    guide = RoleFactory(title="ML Engineer", about='Builds models, "ships" them,\nand owns them.', median_salary=150000)
    RoleFactory(title="Data Wrangler", is_published=False, family=guide.family, ai_impact_score=40)
    for n, role in enumerate(Role.objects.order_by("pk")):
        for m in range(3):
            skill, _ = Skill.objects.get_or_create(
                slug=f"skill-{m}", defaults={"name": f"Skill {m}", "descriptor_3": "Works alone, mostly.\nReviews."}
            )
            row = RoleSkillFactory(
                role=role, skill=skill, target=1 + (n + m) % 5, weight=Decimal("0.75"), note="- a dash"
            )
            row.sources.set([source])
    skill = Skill.objects.get(slug="skill-0")
    skill.description = "=1+1 is what a spreadsheet would compute; '@x and -y are text"
    skill.descriptor_1 = "'quoted"
    skill.save()
    SkillAlignment.objects.create(skill=skill, framework="esco", uri=ESCO_URI, source=source)
    SkillAlignment.objects.create(skill=skill, framework="onet", code="2.B.3.e", order=1)
    SkillAlignment.objects.create(skill=skill, framework="other", framework_name="SFIA", code="PROG", order=2)
    Course.objects.create(slug="fast-ai", title="Practical Deep Learning", provider="fast.ai", cost="free")
    Certification.objects.create(slug="aws-ml", name="AWS ML Specialty", issuer="AWS", cost="paid")
    services.start_draft(role=guide)


def empty_the_database():
    Role.objects.all().delete()
    for model in (Skill, Source, Family, Course, Certification):
        model.objects.all().delete()


@pytest.mark.parametrize("fmt", [CSV, XLSX])
def test_export_import_into_an_empty_database_and_export_again_gives_identical_files(fmt):
    guides_with_awkward_cells()
    first = {resource: export(resource, fmt) for resource in SHEETS}
    empty_the_database()
    for resource in SHEETS:
        result = import_file(resource, first[resource], fmt)
        assert not result.has_errors() and not result.has_validation_errors(), resource
    again = {resource: export(resource, fmt) for resource in SHEETS}
    for resource in SHEETS:
        if fmt == CSV:
            assert again[resource] == first[resource], resource
        else:  # a workbook's zip records when it was written: its cells are what must be identical
            assert cells(again[resource]) == cells(first[resource]), resource
    assert RoleSkill.objects.count() == 9 and SkillAlignment.objects.count() == 3
    assert not Role.objects.filter(is_published=True).exists()  # publishing is the publish step's


def test_importing_the_exported_file_again_changes_nothing():
    guides_with_awkward_cells()
    before = content()
    for resource in SHEETS:
        result = import_file(resource, export(resource, CSV))
        assert result.totals["skip"] == resource().get_queryset().count() and result.totals["update"] == 0
    assert content() == before


def test_export_escapes_cells_a_spreadsheet_would_run_as_formulas():
    SkillFactory(slug="risky", description='=HYPERLINK("http://evil")', descriptor_1="+1 cmd", descriptor_2="-1")
    rows = cells(export(sheets.SkillResource, XLSX))
    risky = dict(zip(rows[0], next(row for row in rows if row[0] == "risky"), strict=True))
    assert risky["description"] == '\'=HYPERLINK("http://evil")'
    assert risky["descriptor_1"] == "'+1 cmd"
    assert risky["descriptor_2"] == "-1"  # a number, not a formula
    workbook = openpyxl.load_workbook(BytesIO(export(sheets.SkillResource, XLSX)))
    assert all(cell.data_type != "f" for row in workbook.active.iter_rows() for cell in row)


# --- bad files: a clear error, and nothing changes -----------------------------------------------------------


def test_import_rejects_wrong_columns_before_reading_a_row_and_changes_nothing(staff_client, draft_role):
    before = content()
    header = ("role", "skill", "kind", "level", "weight")
    response = upload(staff_client, RoleSkill, csv_of(header, ("data-wrangler", "sql", "required", "3", "")))
    [error] = errors_on(response)
    assert "missing target, commonly_missing, primary, note, editor_note, sources, order" in error
    assert "unknown level" in error and "nothing was read" in error
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert content() == before


def test_import_rejects_an_unknown_skill_naming_the_row_and_column_and_changes_nothing(staff_client, draft_role):
    before = content()
    rows = csv_of(ROLESKILL_HEADER, roleskill_row(skill="sql"), roleskill_row(skill="pyhton"))
    errors = errors_on(upload(staff_client, RoleSkill, rows))
    assert errors == ["Row 3, column “skill”: No skill has the slug “pyhton”. Did you mean “python”?"]
    assert content() == before


@pytest.mark.parametrize("target", ["0", "6", "-1", "three"])
def test_import_rejects_target_out_of_range_and_changes_nothing(staff_client, draft_role, target):
    before = content()
    errors = errors_on(upload(staff_client, RoleSkill, csv_of(ROLESKILL_HEADER, roleskill_row(target=target))))
    assert len(errors) == 1 and errors[0].startswith("Row 2, column “target”:")
    assert "target level (1 Awareness to 5 Expert)" in errors[0]
    assert content() == before


@pytest.mark.parametrize("cell", ["=1+1", "+SUM(A1)", "-2+3", "@SUM(A1)", "\tx"])
def test_import_refuses_a_formula_in_a_cell_and_changes_nothing(staff_client, draft_role, cell):
    before = content()
    rows = csv_of(ROLESKILL_HEADER, roleskill_row(note=f'"{cell}"'))
    errors = errors_on(upload(staff_client, RoleSkill, rows))
    assert len(errors) == 1 and errors[0].startswith("Row 2, column “note”:")
    assert "would run as a formula" in errors[0]
    assert content() == before


def test_import_refuses_a_real_formula_in_an_xlsx_cell(staff_client, draft_role):
    book = openpyxl.Workbook()
    book.active.append(ROLESKILL_HEADER)
    book.active.append(roleskill_row(target="3"))
    book.active["D2"] = "=2+1"  # the target, computed: its cached value would be 3
    data = BytesIO()
    book.save(data)
    before = content()
    errors = errors_on(upload(staff_client, RoleSkill, data.getvalue(), fmt=XLSX))
    assert len(errors) == 1 and errors[0].startswith("Row 2, column “target”:") and "formula" in errors[0]
    assert content() == before


def test_an_upload_over_the_size_limit_is_refused_before_it_is_parsed(staff_client, draft_role):
    before = content()
    fifty_mb = b"role,skill\n" + b"x" * (50 * 1024 * 1024)
    with mock.patch.object(sheets.CSV, "create_dataset") as parse:
        response = upload(staff_client, RoleSkill, fifty_mb)
    assert not parse.called
    assert "This file is 50.0" in response.content.decode() and "at most 5.0" in response.content.decode()
    assert content() == before


@pytest.mark.parametrize("fmt", [CSV, XLSX])
def test_a_file_with_more_rows_than_an_import_takes_is_refused_and_changes_nothing(staff_client, draft_role, fmt):
    """Within the upload limit, a sheet of ~20 ms a row would keep a request busy for hours."""
    before = content()
    rows = [roleskill_row(skill=f"skill-{n}") for n in range(sheets.MAX_ROWS + 1)]
    if fmt == CSV:
        data = csv_of(ROLESKILL_HEADER, *rows)
    else:
        book = openpyxl.Workbook()
        for row in (ROLESKILL_HEADER, *rows):
            book.active.append(list(row))
        buffer = BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
    with mock.patch.object(sheets.RoleSkillResource, "import_data") as rows_checked:
        response = upload(staff_client, RoleSkill, data, fmt=fmt)
    assert not rows_checked.called
    assert f"more than {sheets.MAX_ROWS:,} rows" in html.unescape(response.content.decode())
    assert content() == before


def test_a_workbook_that_would_unpack_to_more_than_the_limit_is_refused_before_its_xml_is_read(
    staff_client, draft_role
):
    """An .xlsx is a zip: a few kilobytes of zeros can unpack to gigabytes (a zip bomb)."""
    before = content()
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/worksheets/sheet1.xml", b"0" * (sheets.MAX_UNPACKED_BYTES + 1))
    assert len(buffer.getvalue()) < sheets.MAX_UPLOAD_BYTES
    with mock.patch.object(sheets.openpyxl, "load_workbook") as opened:
        response = upload(staff_client, RoleSkill, buffer.getvalue(), fmt=XLSX)
    assert not opened.called
    assert "This workbook unpacks to 50.0" in html.unescape(response.content.decode())
    assert content() == before


@pytest.mark.parametrize(("fmt", "name"), [(XLSX, "photo.xlsx"), (CSV, "photo.csv")])
def test_a_file_that_is_not_a_spreadsheet_gets_a_clear_error(staff_client, draft_role, fmt, name):
    before = content()
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    response = upload(staff_client, RoleSkill, png, fmt=fmt, name=name)
    assert response.status_code == 200
    assert "This file could not be read as" in response.content.decode()
    assert content() == before


def test_an_invalid_alignment_is_refused_naming_its_line(staff_client):
    header = ",".join(sheets.SkillResource().columns())
    row = 'sql,SQL,Data,,,,,,,"ESCO | | ' + ESCO_URI + '\nESCO | | https://example.com/sql"'
    errors = errors_on(upload(staff_client, Skill, header + "\n" + row + "\n"))
    assert errors == [
        "Row 2, column “alignments”: Line 2: An ESCO skill URI looks like "
        "http://data.europa.eu/esco/skill/ followed by a UUID."
    ]
    assert not Skill.objects.exists()


# --- drafts: a published guide changes only through its draft -------------------------------------------------


def test_importing_into_a_published_guide_is_refused_and_into_its_draft_is_applied(staff_client, draft_role):
    services.publish(role=draft_role, by=None)
    before = content()
    errors = errors_on(upload(staff_client, RoleSkill, csv_of(ROLESKILL_HEADER, roleskill_row())))
    assert errors == [
        "Row 2, column “role”: “Data Wrangler” is published, so an import may not change it: start a draft "
        "(“Edit in a draft” on its admin page), then import the row with the draft's slug."
    ]
    assert content() == before

    draft = services.start_draft(role=draft_role)
    errors = errors_on(upload(staff_client, RoleSkill, csv_of(ROLESKILL_HEADER, roleskill_row())))
    assert f"import the row with its draft's slug, {draft.slug}" in errors[0]
    response = upload(staff_client, RoleSkill, csv_of(ROLESKILL_HEADER, roleskill_row(role=draft.slug)))
    confirm = response.context["confirm_form"]
    staff_client.post("/admin/roles/roleskill/process_import/", confirm.initial)
    assert sorted(draft.role_skills.values_list("skill__slug", flat=True)) == ["python", "sql"]
    assert list(draft_role.role_skills.values_list("skill__slug", flat=True)) == ["python"]


# --- the admin's preview and apply ---------------------------------------------------------------------------


def test_preview_changes_nothing_and_confirming_applies_every_row(staff_client, draft_role):
    rows = csv_of(ROLESKILL_HEADER, roleskill_row(role="data-wrangler", skill="python", target="5"), roleskill_row())
    before = content()
    response = upload(staff_client, RoleSkill, rows)
    assert "1 new, 1 changed and 0 unchanged rows" in " ".join(response.content.decode().split())
    assert content() == before
    done = staff_client.post("/admin/roles/roleskill/process_import/", response.context["confirm_form"].initial)
    assert done.status_code == 302
    targets = dict(draft_role.role_skills.values_list("skill__slug", "target"))
    assert targets == {"python": 5, "sql": 3}


def test_a_file_that_stopped_passing_between_preview_and_confirm_imports_nothing(staff_client, draft_role):
    rows = csv_of(ROLESKILL_HEADER, roleskill_row(role="data-wrangler", skill="python", target="5"), roleskill_row())
    response = upload(staff_client, RoleSkill, rows)
    Skill.objects.filter(slug="sql").update(slug="structured-query-language")  # the second row's skill goes
    before = content()
    done = staff_client.post(
        "/admin/roles/roleskill/process_import/", response.context["confirm_form"].initial, follow=True
    )
    assert "Nothing was imported" in done.content.decode()
    assert content() == before


def test_the_confirm_address_opened_directly_goes_back_to_the_upload(staff_client):
    response = staff_client.get("/admin/roles/roleskill/process_import/")
    assert response.status_code == 302 and response["Location"] == "/admin/roles/roleskill/import/"
