from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Self-assessments"

    def ready(self):
        from . import owners

        owners.connect_signals()
