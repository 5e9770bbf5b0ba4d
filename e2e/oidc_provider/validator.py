"""The test provider's claims, and the two faults the tests ask for by the client's name."""

from datetime import timedelta

from django.utils import timezone
from oauth2_provider.oauth2_validators import OAuth2Validator


class TestProviderValidator(OAuth2Validator):
    oidc_claim_scope = None  # every claim below, whatever scopes were asked

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": not user.last_name.startswith("unverified"),
            "preferred_username": user.username,
            "name": user.get_full_name() or user.username,
        }

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        if request.client.name == "expired":
            past = timezone.now() - timedelta(hours=1)
            claims["exp"] = int(past.timestamp())
            claims["iat"] = int((past - timedelta(minutes=5)).timestamp())
        return claims, expiration

    def finalize_id_token(self, id_token, token, token_handler, request):
        if request.client.name == "wrong-audience":
            id_token["aud"] = "another-relying-party"
        if request.client.name == "wrong-nonce":
            id_token["nonce"] = "not-the-nonce-you-sent"
            request.nonce = "not-the-nonce-you-sent"
        return super().finalize_id_token(id_token, token, token_handler, request)
