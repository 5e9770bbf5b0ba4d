from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Second opinions"

    def ready(self):
        from accounts import hooks as accounts_hooks
        from assessments import hooks as assessments_hooks

        from . import hooks

        assessments_hooks.use_ratings_basis(hooks.SecondOpinions())
        assessments_hooks.add_dashboard_part(hooks.dashboard_part)
        accounts_hooks.add_account_data(hooks.account_data, models=hooks.ACCOUNT_DATA_MODELS)
        accounts_hooks.before_account_deletion(hooks.delete_account_data)
