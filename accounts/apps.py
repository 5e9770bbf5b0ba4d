from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from .models import preferences_for, remember_in_session

        def copy_preferences_to_session(sender, request, user, **kwargs):
            """The step pages read "show targets while rating" from the session (accounts.models)."""
            if request is not None and hasattr(request, "session"):
                remember_in_session(request, preferences_for(user))

        user_logged_in.connect(copy_preferences_to_session, dispatch_uid="accounts.preferences_to_session", weak=False)
