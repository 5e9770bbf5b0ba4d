"""Mail goes out through the task engine, never from inside a request.

`QueuedEmailBackend` is the site's EMAIL_BACKEND: `send_mail`, Django's password reset, allauth's
verification mail and the notices all end up in `send_messages` here, which writes each message to
the outbox (`OutgoingMail`) and enqueues its delivery, both in the caller's transaction. A worker
then sends it with the real backend, CAREERPATH_EMAIL_DELIVERY_BACKEND (SMTP or the console):
notices/outbox.py.
"""

from django.core.mail.backends.base import BaseEmailBackend

from .outbox import enqueue


class QueuedEmailBackend(BaseEmailBackend):
    """Writes each message to the outbox in the current transaction; a worker delivers it."""

    def send_messages(self, email_messages):
        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            enqueue(message)
            count += 1
        return count
