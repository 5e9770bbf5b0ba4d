from django.apps import AppConfig


class SSOConfig(AppConfig):
    """Single sign-on with OpenID Connect, one identity provider per organisation (docs/sso.md).

    An app of its own so that django-allauth's provider registry finds `provider.py`."""

    name = "accounts.sso"
    label = "sso"
    verbose_name = "Single sign-on"

    def ready(self):
        from django.conf import settings

        from .config import organisations_from_env

        organisations_from_env(settings.CAREERPATH_SSO_ORGANISATIONS)  # a mistake stops start-up, named
