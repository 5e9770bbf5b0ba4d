"""The organisation SSO provider: allauth's OpenID Connect provider with the checks it leaves out.

allauth's generic OpenID Connect login sends no `nonce` and, when the ID token comes straight from
the token endpoint over TLS, skips its signature (the spec allows that). careerpath checks both:
`redirect` sends a fresh nonce and keeps it in the login's state; `_decode_id_token` always
verifies the signature against the issuer's published keys (JWKS), the issuer, the audience (our
client id) and the expiry; the socialaccount adapter (accounts/sso/adapter.py) compares the nonce.
PKCE is on for every organisation (accounts/sso/config.py).
"""

import secrets

from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.urls import reverse

from .config import PROVIDER


class OrganisationOIDCAdapter(OpenIDConnectOAuth2Adapter):
    def get_callback_url(self, request, app):
        path = reverse(f"{PROVIDER}_callback", kwargs={"provider_id": self.provider_id})
        return build_absolute_uri(request, path, self.redirect_uri_protocol)

    def _decode_id_token(self, app, id_token):
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


class OrganisationOIDCProvider(OpenIDConnectProvider):
    id = PROVIDER
    name = "Organisation SSO (OpenID Connect)"
    oauth2_adapter_class = OrganisationOIDCAdapter

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(24)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params["nonce"] = nonce
        return super().redirect(request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs)


provider_classes = [OrganisationOIDCProvider]
