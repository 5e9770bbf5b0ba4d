from django.apps import AppConfig

from accounts import hooks as accounts_hooks
from careerpath.requestparts import register_request_part


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Notices and mail"

    def ready(self):
        from . import signals  # noqa: F401 (connects the receivers)
        from .selectors import account_data, navbar_badge  # models are ready only now

        register_request_part("notices_badge", navbar_badge)
        # "Download my data": notices, settings, and the mail to the person's verified addresses
        accounts_hooks.add_account_data(
            account_data, models=["notices.Notice", "notices.NoticePreference", "notices.OutgoingMail"]
        )
