"""A real IMAP server for the poller's tests: Debian's dovecot, started with a configuration of
its own in a temporary directory, on a free port of 127.0.0.1, plain-text logins."""

import contextlib
import imaplib
import os
import pwd
import shutil
import signal
import subprocess
import time
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "desk", "secret"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
first_valid_uid = 1
default_login_user = {login_user}
default_internal_user = {internal_user}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""


class Dovecot:
    def __init__(self, root, port):
        self.root, self.port = Path(root), port

    @property
    def url(self):
        return f"imap://{USER}:{PASSWORD}@127.0.0.1:{self.port}/INBOX"

    def start(self):
        """Start it; None when it is running, else why it cannot start here."""
        if not os.path.exists(DOVECOT):
            return "dovecot is not installed (Debian: apt-get install dovecot-imapd; .ci/run does)"
        os.chmod(self.root, 0o755)
        (self.root / "mail").mkdir()
        if os.geteuid() == 0:
            # Its login processes refuse to run as root: its own users, as Debian made them.
            mail_user = pwd.getpwnam("dovecot")
            users = {"login_user": "dovenull", "internal_user": "dovecot"}
            os.chown(self.root / "mail", mail_user.pw_uid, mail_user.pw_gid)
        else:
            mail_user = pwd.getpwuid(os.getuid())
            users = {"login_user": mail_user.pw_name, "internal_user": mail_user.pw_name}
        config = self.root / "dovecot.conf"
        config.write_text(
            CONFIG.format(
                root=self.root,
                port=self.port,
                password=PASSWORD,
                uid=mail_user.pw_uid,
                gid=mail_user.pw_gid,
                **users,
            )
        )
        # Its daemon keeps the descriptors it was given: a file, never a pipe we would wait on.
        with open(self.root / "start.log", "w+") as start_log:
            started = subprocess.run(
                [DOVECOT, "-c", str(config)], stdout=start_log, stderr=start_log, timeout=30
            )
            start_log.seek(0)
            if started.returncode != 0:
                return f"dovecot did not start: {start_log.read().strip()[:200]}"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                self.client().logout()
                return None
            except (OSError, imaplib.IMAP4.error):
                time.sleep(0.1)
        return f"dovecot answered no login on port {self.port}: {self.log()[-300:]}"

    def stop(self):
        pid_file = self.root / "run" / "master.pid"
        if pid_file.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)

    def log(self):
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def client(self):
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        imap.login(USER, PASSWORD)
        return imap

    def deliver(self, messages):
        imap = self.client()
        try:
            for raw in messages:
                status, data = imap.append("INBOX", None, None, raw)
                assert status == "OK", data
        finally:
            imap.logout()

    def flags(self):
        """{uid: flags} of every message in the inbox."""
        imap = self.client()
        try:
            imap.select("INBOX")
            _status, data = imap.uid("FETCH", "1:*", "(FLAGS)")
        finally:
            imap.logout()
        return [item.decode() for item in data if item]
