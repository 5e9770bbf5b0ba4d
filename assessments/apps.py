from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Self-assessments"

    def ready(self):
        from accounts import hooks as accounts_hooks

        from . import account_data, owners
        from .logins import claim_visitor_drafts

        owners.connect_signals()
        # However a visitor logs in or signs up (password, single sign-on, after a second factor),
        # the drafts they started without an account move to it.
        user_logged_in.connect(claim_visitor_drafts, dispatch_uid="assessments.claim_visitor_drafts")
        accounts_hooks.add_account_data(account_data.account_data, models=account_data.MODELS)
        accounts_hooks.before_account_deletion(account_data.delete_account_data)
