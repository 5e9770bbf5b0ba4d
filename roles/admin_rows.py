"""The admin's inline rows, compact and quick: every input labelled by its column and row, related
choices labelled without a query per row, and lean widget templates (docs/performance.md,
"Admin role page"). Used by roles/admin.py."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.templatetags.static import static
from django.utils.translation import gettext


class RowAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete select, labelling a row's current choice from the object the inline
    already fetched (`select_related`); Django's own widget looks it up again, one query per row."""

    row_choice = None  # set per row by `LabelledRowsMixin`

    def optgroups(self, name, value, attr=None):
        chosen = self.row_choice
        if chosen is None or {str(v) for v in value if v not in ("", None)} != {str(chosen.pk)}:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(chosen)
        options.append(self.create_option(name, chosen.pk, label, True, len(options)))
        return [(None, options, 0)]


class RowRelatedWidgetWrapper(RelatedFieldWidgetWrapper):
    """The admin's wrapper with its change, add, delete and view links, written by a lean template
    (roles/admin/widgets/related_widget_wrapper.html): the same HTML, with each link's title and
    icon worked out here instead of by `blocktranslate`, `static` and `spaceless` in every row."""

    template_name = "roles/admin/widgets/related_widget_wrapper.html"

    @classmethod
    def like(cls, wrapper):
        return cls(
            wrapper.widget,
            wrapper.rel,
            wrapper.admin_site,
            can_add_related=wrapper.can_add_related,
            can_change_related=wrapper.can_change_related,
            can_delete_related=wrapper.can_delete_related,
            can_view_related=wrapper.can_view_related,
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        model, params = context["model"], context["url_params"]
        links = []  # (kind, URL, opens a popup, title, icon), in Django's order
        if context["can_change_related"]:
            url = f"{context['change_related_template_url']}?{params}"
            title = gettext("Change selected %(model)s") % {"model": model}
            links.append(("change", url, True, title, "icon-changelink.svg"))
        if context["can_add_related"]:
            url = f"{context['add_related_url']}?{params}"
            title = gettext("Add another %(model)s") % {"model": model}
            links.append(("add", url, True, title, "icon-addlink.svg"))
        if context["can_delete_related"]:
            url = f"{context['delete_related_template_url']}?{params}"
            title = gettext("Delete selected %(model)s") % {"model": model}
            links.append(("delete", url, True, title, "icon-deletelink.svg"))
        if context["can_view_related"]:
            url = f"{context['change_related_template_url']}?{context['view_related_url_params']}"
            title = gettext("View selected %(model)s") % {"model": model}
            links.append(("view", url, False, title, "icon-viewlink.svg"))
        context["links"] = [
            {"kind": k, "url": u, "popup": p, "title": t, "icon": static(f"admin/img/{i}")} for k, u, p, t, i in links
        ]
        return context


# Rows render their inputs and selects with these templates: the same HTML as Django's, written by
# a filter instead of an include and a loop per attribute and per option (a role page has ~300 of
# them; see docs/performance.md, "Admin role page").
LEAN_ROW_TEMPLATES = {
    **{
        f"django/forms/widgets/{name}.html": "roles/admin/widgets/input.html"
        for name in ("input", "text", "number", "hidden", "checkbox")
    },
    "django/forms/widgets/select.html": "roles/admin/widgets/select.html",
}


def labelled_rows(formset):
    """`formset` with an accessible name on each input of each row: its column header and its row.

    Tabular inlines and editable changelists show field labels only as column headers, which
    screen readers do not tie to the inputs below them; "Target — Python (Required, target 3)"
    says which cell is which."""

    class LabelledFormSet(formset):
        def add_fields(self, form, index):
            super().add_fields(form, index)
            row = str(form.instance) if form.instance.pk else "new row"
            cached = form.instance._state.fields_cache
            for name, field in form.fields.items():
                field.widget.attrs["aria-label"] = f"{field.label or name} — {row}"
                if index is not None:
                    # Rows print no help text (the column header does, once), so a row's
                    # aria-describedby would point at nothing.
                    field.help_text = ""
                inner = getattr(field.widget, "widget", field.widget)  # inside the admin's related-field wrapper
                inner.template_name = LEAN_ROW_TEMPLATES.get(inner.template_name, inner.template_name)
                if isinstance(inner, RowAutocompleteSelect):
                    inner.row_choice = cached.get(name)

    return LabelledFormSet


class LabelledRowsMixin:
    """An inline whose inputs are named by column and row (`labelled_rows`), and whose
    autocomplete cells label their choice without a query per row."""

    def get_formset(self, request, obj=None, **kwargs):
        return labelled_rows(super().get_formset(request, obj, **kwargs))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and type(formfield.widget) is RelatedFieldWidgetWrapper:
            formfield.widget = RowRelatedWidgetWrapper.like(formfield.widget)
        return formfield

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
