"""The admin's inline rows, compact and quick: every input labelled by its column and row, related
choices labelled without a query per row, and lean widget templates (docs/performance.md,
"Admin pages"). Used by roles/admin.py. Public Django API only: a widget's `template_name`, a
formset's `add_fields`, and the related object `select_related` already fetched with each row."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect


class RowAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete select, labelling a row's current choice from the object the inline
    already fetched (its `select_related`); Django's own widget looks it up again, one query per row."""

    row_choice = None  # set per row by `LabelledRowsMixin`

    def optgroups(self, name, value, attr=None):
        chosen = self.row_choice
        if chosen is None or {str(v) for v in value if v not in ("", None)} != {str(chosen.pk)}:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(chosen)
        options.append(self.create_option(name, chosen.pk, label, True, len(options)))
        return [(None, options, 0)]


# Rows render their inputs, selects and related-field wrappers with these templates (set through
# the widgets' public `template_name`): the same HTML as Django's, written by filters instead of an
# include and a loop per attribute and per option, and of `blocktranslate`, `static` and `spaceless`
# per related-field link (a role page has ~300 widgets; see docs/performance.md, "Admin pages").
LEAN_ROW_TEMPLATES = {
    **{
        f"django/forms/widgets/{name}.html": "roles/admin/widgets/input.html"
        for name in ("input", "text", "number", "hidden", "checkbox")
    },
    "django/forms/widgets/select.html": "roles/admin/widgets/select.html",
    "admin/widgets/related_widget_wrapper.html": "roles/admin/widgets/related_widget_wrapper.html",
}


def _lean(widget):
    widget.template_name = LEAN_ROW_TEMPLATES.get(widget.template_name, widget.template_name)


def labelled_rows(formset):
    """`formset` with an accessible name on each input of each row: its column header and its row.

    Tabular inlines and editable changelists show field labels only as column headers, which
    screen readers do not tie to the inputs below them; "Target — Python (Required, target 3)"
    says which cell is which."""

    class LabelledFormSet(formset):
        def add_fields(self, form, index):
            super().add_fields(form, index)
            row = str(form.instance) if form.instance.pk else "new row"
            for name, field in form.fields.items():
                field.widget.attrs["aria-label"] = f"{field.label or name} — {row}"
                if index is not None:
                    # Rows print no help text (the column header does, once), so a row's
                    # aria-describedby would point at nothing.
                    field.help_text = ""
                inner = getattr(field.widget, "widget", field.widget)  # inside the admin's related-field wrapper
                _lean(field.widget)
                _lean(inner)
                if isinstance(inner, RowAutocompleteSelect) and form.initial.get(name) is not None:
                    inner.row_choice = getattr(form.instance, name)  # fetched with the row: no query

    return LabelledFormSet


class LabelledRowsMixin:
    """An inline whose inputs are named by column and row (`labelled_rows`), and whose
    autocomplete cells label their choice without a query per row (the inline must
    `select_related` its autocomplete fields)."""

    def get_formset(self, request, obj=None, **kwargs):
        return labelled_rows(super().get_formset(request, obj, **kwargs))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = RowAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SourcesWidget(forms.SelectMultiple):
    """A plain multiple select over options read once per request (`RoleInline`).

    The default widget re-reads the sources for every row of every inline (a guide has a hundred
    rows); this one keeps the options it was given and ignores the per-row queryset the field
    hands it."""

    def __init__(self, options=(), attrs=None):
        super().__init__(attrs)
        self._options = list(options)

    @property
    def choices(self):
        return self._options

    @choices.setter
    def choices(self, value):
        pass  # ModelMultipleChoiceField sets its queryset here: keep the options read once
