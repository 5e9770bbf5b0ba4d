"""careerpath's rules for signing in through an organisation's identity provider (docs/sso.md).

Checked in `pre_social_login`, before anyone is logged in or any account is made:

1. the ID token carries the nonce this browser's log-in sent (a replayed or injected token does not);
2. the provider vouches for the email address (`email_verified`), and its domain is one the
   organisation is allowed to sign in (`allowed_email_domains`): an identity provider speaks only
   for its own people;
3. an account here with the same address is linked only when that address is verified here too;
   an unverified one is never taken over (allauth would log in to it and wipe its password) and the
   person is told to log in with their password and verify it first.

Otherwise a first sign-in makes the account just in time (username from the address, no password:
`SOCIALACCOUNT_AUTO_SIGNUP`), with the address verified, since the organisation vouched for it.
"""

import hmac

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.shortcuts import render

from .config import PROVIDER, organisations_from_env

REFUSED_TEMPLATE = "socialaccount/sso_refused.html"


def email_domain(email):
    return email.rpartition("@")[2].strip().lower() if email and "@" in email else ""


def _refuse(request, reason, *, status=403):
    raise ImmediateHttpResponse(render(request, REFUSED_TEMPLATE, {"reason": reason}, status=status))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin):
        super().pre_social_login(request, sociallogin)
        app = sociallogin.account.get_provider().app
        if sociallogin.account.provider != app.provider_id or app.provider != PROVIDER:
            return
        claims = sociallogin.account.extra_data.get("id_token") or {}
        sent = sociallogin.state.get("nonce") or ""
        if not sent or not hmac.compare_digest(str(claims.get("nonce", "")), sent):
            _refuse(request, "The sign-in answer did not match the sign-in this browser started. Please try again.")
        verified = [e.email for e in sociallogin.email_addresses if e.verified]
        if not verified:
            _refuse(request, f"{app.name} did not confirm an email address for you, so we cannot sign you in.")
        allowed = set(app.settings.get("allowed_email_domains") or [])
        if email_domain(verified[0]) not in allowed:
            _refuse(request, f"Your email address is not one {app.name} may sign in to careerpath with.")
        if not sociallogin.is_existing:
            taken = EmailAddress.objects.filter(email__iexact=verified[0]).select_related("user")
            if taken.exists() and not taken.filter(verified=True).exists():
                _refuse(
                    request,
                    "An account here already uses this email address but has not verified it. Log in with "
                    "your password, verify the address from “Your account”, then sign in with your "
                    "organisation: the two are then joined.",
                    status=409,
                )

    def authenticate_by_email(self, sociallogin):
        """Link only to an account whose matching address is verified here (never take over another)."""
        found = super().authenticate_by_email(sociallogin)
        if found is None:
            return None
        user, email = found
        if not EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists():
            return None
        return found

    def list_apps(self, request, provider=None, client_id=None):
        """The organisations added in the admin, then those of CAREERPATH_SSO_ORGANISATIONS."""
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        for entry in organisations_from_env(settings.CAREERPATH_SSO_ORGANISATIONS):
            if provider and provider not in (PROVIDER, entry["provider_id"]):
                continue
            if client_id and client_id != entry["client_id"]:
                continue
            apps.append(SocialApp(provider=PROVIDER, **entry))
        return apps

    def is_open_for_signup(self, request, sociallogin):
        return True  # just-in-time accounts for the organisation's people (pre_social_login checked them)
