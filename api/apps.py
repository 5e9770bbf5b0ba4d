from django.apps import AppConfig


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "API"

    def ready(self):
        from accounts import hooks as accounts_hooks

        from . import schema, selectors  # noqa: F401  (schema registers the token scheme with drf-spectacular)

        accounts_hooks.add_account_data(
            selectors.account_data, models=["api.PersonalAccessToken"]
        )  # "Download my data": the person's API tokens
