"""The filters of the admin's lean row widgets (roles/templates/roles/admin/widgets/)."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

# The related-field wrapper's links: Django's own message ids (admin/widgets/related_widget_wrapper.html),
# so its translations apply, and its icons.
LINK_TITLES = {
    "change": "Change selected %(model)s",
    "add": "Add another %(model)s",
    "delete": "Delete selected %(model)s",
    "view": "View selected %(model)s",
}


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


@register.filter
def related_link_title(model, kind):
    """The title of a related-field link ("Change selected skill"), as Django's `blocktranslate` gives it."""
    return gettext(LINK_TITLES[kind]) % {"model": model}


@register.filter
def related_link_icon(kind):
    return static(f"admin/img/icon-{kind}link.svg")
