"""The filter of the admin's lean row widgets (roles/templates/roles/admin/widgets/)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def html_attrs(attrs):
    """A widget's attributes as HTML in one step, exactly as Django's `attrs.html` loop writes
    them (same order; `True` as a bare name, `False` left out, values escaped)."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(format_html(" {}", name))
        elif value is not False:
            parts.append(format_html(' {}="{}"', name, value))
    return mark_safe("".join(parts))  # each part is escaped by format_html
