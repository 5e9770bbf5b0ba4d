from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Self-assessments"

    def ready(self):
        from careerpath import pagecache  # noqa: F401  (registers its system check)

        from . import owners

        owners.connect_signals()
