"""`{% next_field %}`: the hidden `next` of a log-in, sign-up or log-out form, only when it is safe.

django-allauth's `{{ redirect_field }}` repeats whatever `next` the page was opened with; a follow-up
POST checks it again, but a page should not carry "dashboard" or "//evil.example" in its form."""

from urllib.parse import quote

from django import template
from django.utils.html import format_html

from accounts.redirects import safe_next

register = template.Library()


@register.simple_tag(takes_context=True)
def next_field(context):
    request = context.get("request")
    nxt = safe_next(request) if request is not None else ""
    return format_html('<input type="hidden" name="next" value="{}">', nxt) if nxt else ""


@register.simple_tag(takes_context=True)
def next_query(context):
    """ "?next=<path>" for a link to the log-in or sign-up page, when the request's `next` is safe."""
    request = context.get("request")
    nxt = safe_next(request) if request is not None else ""
    return "?next=" + quote(nxt, safe="/") if nxt else ""
