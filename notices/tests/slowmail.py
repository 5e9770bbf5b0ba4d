"""A mail server stand-in for the crash tests: each message becomes one file in
CAREERPATH_TEST_MAIL_DIR, after CAREERPATH_TEST_MAIL_DELAY seconds (a slow SMTP conversation), so
a worker killed at a random moment is almost always killed while "talking to the server". The file
`sending` names the message being sent, so a test can kill a worker in the middle of a conversation."""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class SlowFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = Path(os.environ["CAREERPATH_TEST_MAIL_DIR"])
        delay = float(os.environ.get("CAREERPATH_TEST_MAIL_DELAY", "0.1"))
        for message in email_messages:
            (folder / "sending").write_text(message.extra_headers.get("Message-ID", ""))  # the conversation began
            time.sleep(delay)
            name = uuid.uuid4().hex
            partial = folder / f".{name}.part"
            partial.write_bytes(message.message().as_bytes())
            os.replace(partial, folder / f"{name}.eml")  # the server "accepts" the whole message at once
        return len(email_messages)
