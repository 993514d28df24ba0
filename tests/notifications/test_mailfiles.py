"""The development mail backend of `make run`: one readable .eml file per message."""

import subprocess
import sys
from email import message_from_bytes

import pytest
from django.core import mail


def test_each_message_is_its_own_file(settings, tmp_path):
    settings.EMAIL_BACKEND = "notifications.mailfiles.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")

    for n in (1, 2):
        mail.EmailMessage(f"HD-{n} received", f"body {n}", to=[f"c{n}@example.com"]).send()

    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    subjects = sorted(message_from_bytes(f.read_bytes())["Subject"] for f in files)
    assert subjects == ["HD-1 received", "HD-2 received"]


@pytest.mark.parametrize(
    "url, path",
    [("filemail:///tmp/tierdesk-mail", "/tmp/tierdesk-mail"), ("filemail://", "var/mail")],
)
def test_a_filemail_url_selects_it(url, path):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH)"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "DEBUG": "true",
        "EMAIL_URL": url,
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[0] == "notifications.mailfiles.EmailBackend"
    assert out[1].endswith(path) and out[1].startswith("/")
