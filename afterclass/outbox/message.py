"""The e-mail message the outbox queues and sends, below both `actions` and `sending`."""

from __future__ import annotations

import email.message
import email.policy
from email.message import Message
from email.policy import Policy

from django.core.mail import EmailMultiAlternatives

HEADER_LINE_LENGTH = 998


class OutboxEmail(EmailMultiAlternatives):
    """An e-mail whose headers are never folded into RFC 2047 encoded words: a List-Unsubscribe
    link longer than 78 columns would otherwise be encoded, and mail clients would not find it.
    RFC 5322 allows header lines up to 998 characters; the bodies are encoded as usual."""

    def message(
        self, *, policy: Policy[Message[str, str]] | None = None
    ) -> email.message.EmailMessage:
        msg = super().message(policy=policy or email.policy.default)
        msg.policy = msg.policy.clone(max_line_length=HEADER_LINE_LENGTH)
        return msg
