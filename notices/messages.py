"""A mail as JSON, for the outbox and the task engine's arguments.

Messages are stored as JSON (the task engine's arguments and the outbox are JSON): subject, body,
addresses, extra headers, alternative parts (an HTML body) and attachments given as
(filename, content, mimetype). A message that carries a ready-made MIME part cannot be stored and
is refused with a clear error, at the place that sent it.
"""

import base64
from email.utils import make_msgid

from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME


class UnqueueableMessage(ValueError):
    pass


def to_json(message):
    """A JSON-safe dict of an EmailMessage; it gets a Message-ID now, so that a mail delivered
    twice after a crash (notices/outbox.py says when that can happen) carries the same one."""
    attachments = []
    for attachment in message.attachments:
        if not isinstance(attachment, tuple):
            raise UnqueueableMessage("A MIME part cannot be queued; attach (filename, content, mimetype) instead.")
        filename, content, mimetype = attachment
        if isinstance(content, bytes):
            attachments.append(
                {"filename": filename, "base64": base64.b64encode(content).decode(), "mimetype": mimetype}
            )
        else:
            attachments.append({"filename": filename, "text": content, "mimetype": mimetype})
    headers = {str(name): str(value) for name, value in message.extra_headers.items()}
    if not any(name.lower() == "message-id" for name in headers):
        headers["Message-ID"] = make_msgid(domain=DNS_NAME)
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "content_subtype": message.content_subtype,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": headers,
        "alternatives": [[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])],
        "attachments": attachments,
    }


def from_json(data):
    """The EmailMessage `to_json` stored."""
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
        alternatives=[tuple(alternative) for alternative in data["alternatives"]],
    )
    message.content_subtype = data["content_subtype"]
    for attachment in data["attachments"]:
        content = base64.b64decode(attachment["base64"]) if "base64" in attachment else attachment["text"]
        message.attach(attachment["filename"], content, attachment["mimetype"])
    return message
