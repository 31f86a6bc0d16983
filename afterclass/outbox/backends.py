"""The embedded default's mail: one file per message, named after its Message-ID.

Unlike Django's file backend (one log file per connection), sending a message again — after a
worker crashed between sending and recording it — replaces its file instead of adding a second
copy: the folder holds each message once, as a mail system deduplicating by Message-ID would.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import make_msgid


class MessageFileBackend(BaseEmailBackend):
    def __init__(self, *, file_path: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.folder = Path(file_path)
        self.folder.mkdir(parents=True, exist_ok=True)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            message_id = message.extra_headers.get("Message-ID") or make_msgid()
            message.extra_headers["Message-ID"] = message_id
            name = hashlib.sha256(message_id.encode()).hexdigest()[:32]
            target = self.folder / f"{name}.eml"
            draft = self.folder / f".{name}.{os.getpid()}.tmp"
            draft.write_bytes(message.message().as_bytes())
            os.replace(draft, target)
            sent += 1
        return sent
