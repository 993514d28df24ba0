"""A development mail backend: one readable `.eml` file per message under EMAIL_FILE_PATH.

Django's file backend appends every message of a connection to one log file; here each message
is its own file, named by time and Message-ID, so a developer opens the one they want.
"""

import re
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class EmailBackend(BaseEmailBackend):
    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages):
        self.directory.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            mime = message.message()
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
            ident = re.sub(r"[^A-Za-z0-9.-]+", "_", str(mime.get("Message-ID", "")))[:80]
            (self.directory / f"{stamp}-{ident}.eml").write_bytes(mime.as_bytes())
        return len(email_messages)
