"""Spreadsheet import and export of role content in the admin (CSV and XLSX, docs/editing.md).

One sheet per kind of row, each a django-import-export resource keyed by a slug (or a key): sources,
skills (with their level descriptors and alignments), roles, role skills (target, weight, kind),
courses and certifications. An import is previewed first (a dry run: every row checked, nothing
kept) and applied all or nothing. What it refuses, each with the row, the column and the problem:

- a file larger than MAX_UPLOAD_BYTES (refused before it is read), with more than MAX_ROWS rows, a
  workbook that unpacks to more than MAX_UNPACKED_BYTES (refused from its zip directory), or one that
  is not a CSV or XLSX
  file of the format chosen;
- columns other than the sheet's own (missing or unknown ones), before any row is read;
- a cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
  return; a plain number such as -1 is a number); an exported cell that starts with one of them is
  written with a leading apostrophe, which an import removes again, so a round trip keeps the text;
- an unknown slug or source key, a target outside 1-5, a value that is not a number, a yes/no or a
  choice where one is needed, and anything the model's own validation refuses;
- a change to a published guide or its skills: those change in a draft (docs/editing.md).
"""

import difflib
import re
import zipfile
from decimal import Decimal
from io import BytesIO

import openpyxl
from django import forms
from django.contrib import messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from import_export import fields, resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ExportForm, ImportForm

from .alignments import problems as alignment_problems
from .levels import Level
from .models import (
    Certification,
    Course,
    Family,
    Role,
    RoleSkill,
    Skill,
    SkillAlignment,
    Source,
)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # the whole shipped content exports to well under 1 MB
MAX_ROWS = 5000  # the largest shipped sheet (role skills) has about 200 rows; each row costs ~20 ms to check
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # an .xlsx is a zip: 5 MB of it may unpack to gigabytes


class TooMuch(ValueError):
    """A file within the upload limit that holds more than an import takes (rows, or unpacked XML)."""


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
NUMBER = re.compile(r"\A[+-]?\d+(\.\d+)?\Z")


# Cells: formulas refused on import, escaped on export -----------------------------------------------


def escape_cell(value):
    """An exported text cell that a spreadsheet would run (or one that starts with the escape
    itself) gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith((*FORMULA_START, ESCAPE)) and not NUMBER.match(value):
        return ESCAPE + value
    return value


def unescape_cell(value):
    """The text an escaped cell stands for: `escape_cell`'s inverse."""
    if isinstance(value, str) and value.startswith(ESCAPE) and value[1:].startswith((*FORMULA_START, ESCAPE)):
        return value[1:]
    return value


def formula_problem(value):
    if isinstance(value, str) and value.startswith(FORMULA_START) and not NUMBER.match(value):
        return (
            f"{value[:30]!r} would run as a formula in a spreadsheet, so it is refused. If it is text, "
            f"start it with an apostrophe ({ESCAPE}{value[:10]}…)."
        )
    return None


# Formats ---------------------------------------------------------------------------------------------


def too_many_rows():
    return TooMuch(
        f"This file has more than {MAX_ROWS:,} rows; an import takes at most {MAX_ROWS:,}. "
        "Split it into smaller files and import them one after the other."
    )


class CSV(base_formats.CSV):
    def create_dataset(self, in_stream):
        dataset = super().create_dataset(in_stream)
        if len(dataset) > MAX_ROWS:
            raise too_many_rows()
        return dataset


class XLSX(base_formats.XLSX):
    """Reads formulas as formulas (django-import-export reads the value a formula last computed, or
    nothing), so that the formula check sees them. A workbook whose parts would unpack to more than
    MAX_UNPACKED_BYTES is refused from its zip directory, before any XML is read."""

    def create_dataset(self, in_stream):
        try:
            unpacked = sum(part.file_size for part in zipfile.ZipFile(BytesIO(in_stream)).infolist())
        except zipfile.BadZipFile:
            unpacked = 0  # not a workbook at all: openpyxl says so below
        if unpacked > MAX_UNPACKED_BYTES:
            raise TooMuch(
                f"This workbook unpacks to {filesizeformat(unpacked)}; an import takes at most "
                f"{filesizeformat(MAX_UNPACKED_BYTES)}. Save only the sheet to import, or split it."
            )
        book = openpyxl.load_workbook(BytesIO(in_stream), read_only=True, data_only=False)
        rows = book.active.iter_rows(values_only=True)
        dataset = base_formats.tablib.Dataset()
        dataset.headers = list(next(rows, []))
        for row in rows:
            if any(value not in (None, "") for value in row):
                if len(dataset) == MAX_ROWS:
                    raise too_many_rows()
                dataset.append(list(row))
        return dataset


FORMATS = [CSV, XLSX]


# Widgets: each refuses what it cannot read with a sentence -----------------------------------------------


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        if value is not None and not isinstance(value, str):
            value = str(value)
        return super().clean(value, row, **kwargs)


class YesNoWidget(widgets.Widget):
    YES, NO = {"1", "true", "yes", "y"}, {"0", "false", "no", "n", ""}

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip().lower()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(f"{value!r} is not yes or no: write 1 (yes) or 0 (no).")

    def render(self, value, obj=None, **kwargs):
        return "1" if value else "0"


class NumberWidget(widgets.Widget):
    """A whole number (or a decimal with `decimal=True`), blank for none."""

    def __init__(self, *, decimal=False, low=None, high=None, what="a number"):
        super().__init__()
        self.decimal, self.low, self.high, self.what = decimal, low, high, what

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if text == "":
            return None
        if isinstance(value, float) and value.is_integer() and not self.decimal:
            text = str(int(value))
        if not NUMBER.match(text) or (not self.decimal and "." in text):
            raise ValueError(f"{text!r} is not {self.what}.")
        number = Decimal(text) if self.decimal else int(text)
        if (self.low is not None and number < self.low) or (self.high is not None and number > self.high):
            raise ValueError(f"{text} is out of range: {self.what} is from {self.low} to {self.high}.")
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ChoiceWidget(widgets.Widget):
    def __init__(self, choices):
        super().__init__()
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if text not in self.choices:
            raise ValueError(f"{text!r} is not one of: {', '.join(self.choices)}.")
        return text

    def render(self, value, obj=None, **kwargs):
        return value or ""


class SlugWidget(widgets.ForeignKeyWidget):
    """A row of another sheet, named by its slug (or key): an unknown one is refused, with the
    nearest names as a hint."""

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            raise ValueError("This column needs a value.")
        try:
            return self.get_queryset(value, row, **kwargs).get(**{self.field: text})
        except self.model.DoesNotExist:
            raise ValueError(_unknown(self.model, self.field, text)) from None


class SlugsWidget(widgets.ManyToManyWidget):
    """Several rows of another sheet, by their slugs (or keys), separated by commas."""

    def clean(self, value, row=None, **kwargs):
        names = [name.strip() for name in str(value or "").split(self.separator) if name.strip()]
        found = {getattr(obj, self.field): obj for obj in self.model.objects.filter(**{f"{self.field}__in": names})}
        unknown = [name for name in names if name not in found]
        if unknown:
            raise ValueError(" ".join(_unknown(self.model, self.field, name) for name in unknown))
        return [found[name] for name in names]

    def render(self, value, obj=None, **kwargs):
        return self.separator.join(sorted(getattr(obj, self.field) for obj in value.all())) if value else ""


def _unknown(model, field, name):
    known = list(model.objects.values_list(field, flat=True))
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" Did you mean “{close[0]}”?" if close else ""
    return f"No {model._meta.verbose_name} has the {field} “{name}”.{hint}"


class FamilyWidget(widgets.ForeignKeyWidget):
    """A role's family by its name; a new name adds the family (its slug from the name)."""

    def clean(self, value, row=None, **kwargs):
        name = str(value or "").strip()
        if not name:
            raise ValueError("A role needs its family's name.")
        family = Family.objects.filter(name=name).first()
        if family is None:
            family = Family.objects.create(name=name, slug=slugify(name) or "family")
        return family


# Alignments in one cell: a line each, "framework | code | URI | source key" ---------------------------

FRAMEWORK_NAMES = {"esco": SkillAlignment.Framework.ESCO, "o*net": SkillAlignment.Framework.ONET}


def alignment_lines(skill):
    lines = []
    for row in skill.alignments.all():
        parts = [row.framework_label, row.code, row.uri, row.source.key if row.source_id else ""]
        lines.append(" | ".join(parts).rstrip(" |"))
    return "\n".join(lines)


def parse_alignments(text):
    """[(framework, framework_name, code, uri, source)] from the cell, or ValueError naming the line."""
    parsed = []
    for number, line in enumerate(str(text or "").splitlines(), 1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > 4:
            raise ValueError(f"Line {number}: write “framework | code | URI | source key” (at most three |).")
        label, code, uri, key = (parts + ["", "", ""])[:4]
        framework = FRAMEWORK_NAMES.get(label.lower(), SkillAlignment.Framework.OTHER)
        name = label if framework == SkillAlignment.Framework.OTHER else ""
        problems = alignment_problems(framework, name=name, code=code, uri=uri)
        if problems:
            raise ValueError(f"Line {number}: " + " ".join(problems.values()))
        source = None
        if key:
            source = Source.objects.filter(key=key).first()
            if source is None:
                raise ValueError(f"Line {number}: " + _unknown(Source, "key", key))
        parsed.append((framework, name, code, uri, source))
    return parsed


# Resources --------------------------------------------------------------------------------------------


class SheetResource(resources.ModelResource):
    """What every sheet shares: exact columns, formulas refused and escaped, all or nothing."""

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if f.choices and not f.is_relation:
            return lambda **_kw: ChoiceWidget([value for value, _label in f.choices])
        internal = f.get_internal_type()
        if internal == "BooleanField":
            return lambda **_kw: YesNoWidget()
        if internal in ("CharField", "TextField", "SlugField", "URLField"):
            return TextWidget
        if internal in ("PositiveIntegerField", "PositiveSmallIntegerField", "IntegerField"):
            return lambda **_kw: NumberWidget(low=0, what="a whole number")
        if internal == "DecimalField":
            return lambda **_kw: NumberWidget(decimal=True, what="a number")
        return super().widget_from_django_field(f, default)

    def columns(self):
        return [field.column_name for field in self.get_import_fields()]

    def column_problem(self, headers):
        headers = [str(h or "").strip() for h in headers or []]
        expected = self.columns()
        missing = [c for c in expected if c not in headers]
        unknown = [h for h in headers if h not in expected]
        if not missing and not unknown and len(headers) == len(set(headers)):
            return None
        said = []
        if missing:
            said.append("missing " + ", ".join(missing))
        if unknown:
            said.append("unknown " + ", ".join(h or "(a blank header)" for h in unknown))
        if len(headers) != len(set(headers)):
            said.append("a column named twice")
        return (
            f"The file's columns are not those of the {self.get_display_name()} sheet ({'; '.join(said)}), "
            f"so nothing was read. Its first row must name these columns: {', '.join(expected)}."
        )

    def import_data(self, dataset, *args, **kwargs):
        problem = self.column_problem(dataset.headers)
        if problem is None:
            return super().import_data(dataset, *args, **kwargs)
        result = self.get_result_class()()
        result.diff_headers = self.get_diff_headers()
        result.append_base_error(self.get_error_result_class()(ValueError(problem)))
        return result

    def before_import_row(self, row, **kwargs):
        problems = {}
        for column, value in row.items():
            problem = formula_problem(value)
            if problem:
                problems[column] = problem
            else:
                row[column] = unescape_cell(value.strip() if isinstance(value, str) else value)
        for name in self._meta.import_id_fields:  # a row is looked up by these before its fields are read
            field = self.fields[name]
            if field.column_name not in problems and isinstance(field.widget, SlugWidget):
                try:
                    field.clean(row)
                except ValueError as error:
                    problems[field.column_name] = str(error)
        if problems:
            raise ValidationError(problems)

    def export_field(self, field, instance, **kwargs):
        return escape_cell(super().export_field(field, instance, **kwargs))

    @classmethod
    def get_display_name(cls):
        return cls._meta.model._meta.verbose_name


def published_guide_problem(role):
    """Why an import may not change `role` (a published guide), else None."""
    if role is None or not role.is_published:
        return None
    draft = Role.objects.filter(draft_of=role).values_list("slug", flat=True).first()
    where = (
        f"import the row with its draft's slug, {draft}"
        if draft
        else "start a draft (“Edit in a draft” on its admin page), then import the row with the draft's slug"
    )
    return f"“{role}” is published, so an import may not change it: {where}."


def plain_sheet(model, key, columns):
    """A sheet of `model`'s own columns, each row named by `key`."""
    meta = type("Meta", (SheetResource.Meta,), {"model": model, "import_id_fields": [key], "fields": columns})
    return type(f"{model.__name__}Resource", (SheetResource,), {"Meta": meta, "__module__": __name__})


SourceResource = plain_sheet(
    Source, "key", ["key", "title", "short_name", "publisher", "url", "date_reviewed", "notes", "is_editorial"]
)
CourseResource = plain_sheet(
    Course,
    "slug",
    ["slug", "title", "provider", "url", "format", "cost", "typical_length", "length_source", "description"],
)
CertificationResource = plain_sheet(
    Certification,
    "slug",
    ["slug", "name", "issuer", "url", "format", "cost", "typical_length", "length_source", "description"],
)


class SkillResource(SheetResource):
    alignments = fields.Field(column_name="alignments", dehydrate_method="dehydrate_alignments")

    class Meta(SheetResource.Meta):
        model = Skill
        import_id_fields = ["slug"]
        fields = ["slug", "name", "category", "description", *(f"descriptor_{n}" for n in range(1, 6)), "alignments"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("alignments__source")

    def dehydrate_alignments(self, skill):
        return alignment_lines(skill) if skill.pk else ""

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            instance._sheet_alignments = parse_alignments(row.get("alignments"))
        except ValueError as error:
            errors["alignments"] = str(error)
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        current = _alignment_keys(parse_alignments(alignment_lines(original))) if original.pk else []
        if _alignment_keys(getattr(instance, "_sheet_alignments", [])) != current:
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def after_save_instance(self, instance, row, **kwargs):
        wanted = instance._sheet_alignments
        if _alignment_keys(parse_alignments(alignment_lines(instance))) == _alignment_keys(wanted):
            return
        instance.alignments.all().delete()
        SkillAlignment.objects.bulk_create(
            SkillAlignment(skill=instance, framework=f, framework_name=n, code=c, uri=u, source=s, order=i)
            for i, (f, n, c, u, s) in enumerate(wanted)
        )


def _alignment_keys(parsed):
    return [(f, n, c, u, s.pk if s else None) for f, n, c, u, s in parsed]


class RoleResource(SheetResource):
    family = fields.Field(
        attribute="family", column_name="family", widget=FamilyWidget(Family, "name"), saves_null_values=False
    )

    class Meta(SheetResource.Meta):
        model = Role
        import_id_fields = ["slug"]
        fields = ["slug", "title", "family", "summary", "about", "is_entry_level", "median_salary", "salary_currency"]
        fields += ["salary_note", "growth_outlook", "growth_trend", "ai_impact_score", "ai_impact_label"]
        fields += ["ai_impact_outlook", "methodology", "last_reviewed", "is_featured", "editor_note"]

    def get_queryset(self):
        return super().get_queryset().select_related("family")

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        original = Role.objects.filter(pk=instance.pk).first() if instance.pk else None
        problem = published_guide_problem(original)
        errors = dict(import_validation_errors or {})
        if problem:
            errors.setdefault("slug", problem)
        super().validate_instance(instance, errors, validate_unique)


class RoleSkillResource(SheetResource):
    role = fields.Field(attribute="role", column_name="role", widget=SlugWidget(Role, "slug"))
    skill = fields.Field(attribute="skill", column_name="skill", widget=SlugWidget(Skill, "slug"))
    target = fields.Field(
        attribute="target",
        column_name="target",
        widget=NumberWidget(low=Level.AWARENESS, high=Level.EXPERT, what="a target level (1 Awareness to 5 Expert)"),
    )
    sources = fields.Field(attribute="sources", column_name="sources", widget=SlugsWidget(Source, field="key"))

    class Meta(SheetResource.Meta):
        model = RoleSkill
        import_id_fields = ["role", "skill"]
        fields = ["role", "skill", "kind", "target", "weight", "commonly_missing", "primary", "note", "editor_note"]
        fields += ["sources", "order"]

    def get_queryset(self):
        return super().get_queryset().select_related("role", "skill").prefetch_related("sources")

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        # A stored row is found by its (role, skill) pair (import_id_fields), so its role is the row's:
        # no query for the row as it was.
        problem = published_guide_problem(instance.role if instance.role_id else None)
        if problem:
            errors.setdefault("role", problem)
        super().validate_instance(instance, errors, validate_unique)


# The admin: an import page and an export page on each sheet's change list ------------------------------


class SheetImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"This file is {filesizeformat(upload.size)}; an import takes at most "
                f"{filesizeformat(MAX_UPLOAD_BYTES)}. Split it, or import the sheets one by one."
            )
        return upload


class SpreadsheetAdmin(ImportExportMixin):
    """Import and export on a model admin's change list: importing needs the model's add and change
    permissions; exporting, its view (or change) permission."""

    formats = FORMATS
    import_form_class = SheetImportForm
    import_template_name = "admin/roles/import.html"
    export_form_class = (
        ExportForm  # every column (the selectable one's toggle is an inline script, which the CSP blocks)
    )

    def has_import_permission(self, request):
        opts = self.opts
        return all(
            request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
            for action in ("add", "change")
        )

    def has_export_permission(self, request):
        return self.has_view_or_change_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, TooMuch):
            form.add_error("import_file", str(e))
            return
        chosen = dict(form.fields["format"].choices).get(form.data.get("format"), "the chosen format")
        form.add_error(
            "import_file",
            f"This file could not be read as {chosen}: choose the format it was saved in "
            "(CSV in UTF-8, or an Excel workbook, .xlsx), or save it again in one of them.",
        )

    def process_import(self, request, **kwargs):
        if request.method != "POST":  # the confirm step is a POST from the preview; a GET goes back to the start
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        return super().process_import(request, **kwargs)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():  # the data changed since the preview
            messages.error(request, "Nothing was imported: the file no longer passes its checks. Upload it again.")
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        return super().process_result(result, request)
