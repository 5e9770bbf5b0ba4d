from django.apps import AppConfig

from careerpath.requestparts import register_request_part


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Notices and mail"

    def ready(self):
        from . import signals  # noqa: F401 (connects the receivers)
        from .selectors import navbar_badge  # models are ready only now

        register_request_part("notices_badge", navbar_badge)
