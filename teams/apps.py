from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = "Teams"

    def ready(self):
        from accounts import hooks as accounts_hooks
        from assessments import hooks as assessments_hooks

        from . import hooks, selectors

        assessments_hooks.add_dashboard_part(selectors.dashboard_assignments)  # assignments: Start / Continue / Done
        accounts_hooks.add_account_data(hooks.account_data, models=hooks.ACCOUNT_DATA_MODELS)
        accounts_hooks.before_account_deletion(hooks.delete_account_data)
