"""The admin's lean row templates (roles/admin.py: LEAN_ROW_TEMPLATES) write Django's HTML."""

import re

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper

from roles.admin_rows import LEAN_ROW_TEMPLATES
from roles.models import CareerMove, RoleSkill
from roles.templatetags.row_widgets import html_attrs

ATTRS = {"aria-label": 'Target — "Python" <Required>', "required": True, "disabled": False, "data-x": None}


def rendered(widget, name, value):
    """The widget's HTML with whitespace between tags left out and other runs of it as one space."""
    html = widget.render(name, value)
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def lean(widget):
    widget.template_name = LEAN_ROW_TEMPLATES[widget.template_name]
    return widget


WIDGETS = {
    "text": lambda: forms.TextInput(attrs=ATTRS),
    "number": lambda: forms.NumberInput(attrs={**ATTRS, "step": "0.01"}),
    "hidden": lambda: forms.HiddenInput(attrs=ATTRS),
    "checkbox": lambda: forms.CheckboxInput(attrs=ATTRS),
    "select": lambda: forms.Select(attrs=ATTRS, choices=[("", "---------"), (1, "One & a half"), (2, "Two")]),
    "grouped select": lambda: forms.Select(attrs=ATTRS, choices=[("Odd", [(1, "One"), (3, "Three")]), (2, "Two")]),
    "multiple select": lambda: forms.SelectMultiple(attrs=ATTRS, choices=[(1, "One"), (2, "Two"), (3, "Three")]),
}
VALUES = {"text": 'a "quoted" <value>', "number": 1.5, "hidden": None, "checkbox": True, "multiple select": [1, 3]}


@pytest.mark.parametrize("kind", WIDGETS)
def test_a_lean_row_template_writes_the_same_html_as_djangos(kind):
    value = VALUES.get(kind, 2)

    assert rendered(lean(WIDGETS[kind]()), "row-0-field", value) == rendered(WIDGETS[kind](), "row-0-field", value)


def test_html_attrs_keeps_the_order_writes_true_bare_leaves_out_false_and_escapes():
    assert html_attrs({"b": "1 < 2", "a": True, "c": False, "d": 'say "hi"'}) == (
        ' b="1 &lt; 2" a d="say &quot;hi&quot;"'
    )


@pytest.mark.parametrize(
    ("model", "field", "can", "links"),
    [
        (RoleSkill, "skill", {"can_add_related": True, "can_change_related": True, "can_view_related": True}, 3),
        # Django offers no delete link where deleting would cascade
        (CareerMove, "to_role", {"can_add_related": False, "can_change_related": True, "can_delete_related": True}, 1),
        (RoleSkill, "skill", {"can_add_related": False}, 0),
    ],
)
def test_the_lean_related_field_wrapper_writes_the_same_links_as_djangos(model, field, can, links):
    rel = model._meta.get_field(field).remote_field

    def wrapper():
        return RelatedFieldWidgetWrapper(forms.Select(choices=[(9, "Python")]), rel, admin.site, **can)

    assert rendered(lean(wrapper()), "row-0-skill", 9) == rendered(wrapper(), "row-0-skill", 9)
    assert rendered(lean(wrapper()), "row-0-skill", 9).count("related-widget-wrapper-link") == links
