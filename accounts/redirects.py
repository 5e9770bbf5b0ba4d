"""Where `next` may send someone after logging in, signing up or logging out."""

from urllib.parse import urlsplit

from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_next(url, *, host, secure):
    """True for a path on this site ("/roles/", not "//evil.example") or an absolute http(s) URL to
    `host`. Anything else ("dashboard", "*x", "javascript:...") is refused rather than followed."""
    if not url:
        return False
    is_path = url.startswith("/")
    is_absolute = urlsplit(url).scheme in ("http", "https")
    return (is_path or is_absolute) and url_has_allowed_host_and_scheme(url, allowed_hosts={host}, require_https=secure)


def safe_next(request):
    """The `next` the request carries when it is a safe redirect target, else ""."""
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    return nxt if is_safe_next(nxt, host=request.get_host(), secure=request.is_secure()) else ""
