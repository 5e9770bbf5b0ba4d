"""Organisations' identity providers from the environment: CAREERPATH_SSO_ORGANISATIONS.

A JSON list, one object per organisation (docs/sso.md):

    [{"id": "acme", "name": "Acme Corp", "issuer": "https://login.acme.example",
      "client_id": "careerpath", "secret": "...", "domains": ["acme.example"]}]

`id` is the organisation's slug (it names the URLs /accounts/sso/<id>/login/), `domains` the email
domains whose people may sign in through it (required: an identity provider vouches for its own
people only). Organisations can also be added in the admin (Social applications, provider
"Organisation SSO (OpenID Connect)", the issuer as server_url and the domains as
allowed_email_domains in its settings). Bad input is a one-line ImproperlyConfigured naming the entry.
"""

import json
import re

from django.core.exceptions import ImproperlyConfigured

PROVIDER = "organisation_oidc"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
REQUIRED = ("id", "name", "issuer", "client_id", "secret", "domains")


def app_settings(*, issuer, domains):
    """A SocialApp's `settings` for an organisation: PKCE on, the ID token from the token endpoint."""
    return {
        "server_url": issuer.rstrip("/"),
        "oauth_pkce_enabled": True,
        "token_auth_method": "client_secret_post",
        "fetch_userinfo": False,
        "allowed_email_domains": sorted({d.strip().lower().lstrip("@") for d in domains if d.strip()}),
    }


def organisations_from_env(value, *, name="CAREERPATH_SSO_ORGANISATIONS"):
    """allauth's provider APPS list for the variable's JSON; [] when it is empty."""
    if not value or not value.strip():
        return []
    try:
        entries = json.loads(value)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"{name} is not JSON ({exc.msg} at character {exc.pos}).") from None
    if not isinstance(entries, list):
        raise ImproperlyConfigured(f"{name} must be a JSON list of organisations.")
    apps, seen = [], set()
    for n, entry in enumerate(entries):
        where = f"{name}[{n}]"
        if not isinstance(entry, dict):
            raise ImproperlyConfigured(f"{where} must be an object with {', '.join(REQUIRED)}.")
        missing = [key for key in REQUIRED if not entry.get(key)]
        if missing:
            raise ImproperlyConfigured(f"{where} lacks {', '.join(missing)}.")
        if not SLUG.match(str(entry["id"])) or entry["id"] in seen:
            raise ImproperlyConfigured(f"{where}: id must be a unique slug (a-z, 0-9, -); got {entry['id']!r}.")
        if not str(entry["issuer"]).startswith(("https://", "http://")):
            raise ImproperlyConfigured(f"{where}: issuer must be an http(s) URL.")
        if not isinstance(entry["domains"], list) or not all(isinstance(d, str) for d in entry["domains"]):
            raise ImproperlyConfigured(f"{where}: domains must be a list of email domains.")
        seen.add(entry["id"])
        apps.append(
            {
                "provider_id": entry["id"],
                "name": str(entry["name"]),
                "client_id": str(entry["client_id"]),
                "secret": str(entry["secret"]),
                "settings": app_settings(issuer=entry["issuer"], domains=entry["domains"]),
            }
        )
    return apps
