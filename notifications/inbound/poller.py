"""Take mail from an IMAP inbox (MAIL_INBOX_URL) with the standard library's imaplib.

`imaps://user:pass@host[:port]/INBOX` (or `imap://`, with STARTTLS when the server offers it).
Each new message is fetched without marking it read, handed to ingest, and only then marked
taken: moved to the folder `?taken=Folder` names, else flagged with the keyword `$Tierdesk` (and
\\Seen). A crash between taking a message and marking it leaves it unmarked; the next poll
fetches it again and ingest, which knows it by its Message-ID and hash (InboundMail), takes
nothing twice and only marks it."""

import contextlib
import imaplib
import logging
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings

from .ingest import ingest

log = logging.getLogger(__name__)
TAKEN_KEYWORD = "$Tierdesk"
TIMEOUT_SECONDS = 30


class InboxError(Exception):
    """The inbox URL cannot be used, or the server refused us."""


@dataclass
class Inbox:
    secure: bool
    host: str
    port: int
    user: str
    password: str
    mailbox: str
    taken_folder: str

    @classmethod
    def from_url(cls, url):
        parts = urlsplit(url)
        if parts.scheme not in ("imap", "imaps") or not parts.hostname:
            raise InboxError("MAIL_INBOX_URL must look like imaps://user:pass@host/INBOX")
        secure = parts.scheme == "imaps"
        query = parse_qs(parts.query)
        return cls(
            secure=secure,
            host=parts.hostname,
            port=parts.port or (993 if secure else 143),
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            mailbox=unquote(parts.path.lstrip("/")) or "INBOX",
            taken_folder=(query.get("taken") or [""])[0],
        )

    def connect(self):
        context = ssl.create_default_context()
        if self.secure:
            imap = imaplib.IMAP4_SSL(
                self.host, self.port, ssl_context=context, timeout=TIMEOUT_SECONDS
            )
        else:
            imap = imaplib.IMAP4(self.host, self.port, timeout=TIMEOUT_SECONDS)
            if "STARTTLS" in imap.capabilities:
                imap.starttls(ssl_context=context)
        imap.login(self.user, self.password)
        _ok(imap.select(_quoted(self.mailbox)), f"select {self.mailbox}")
        return imap


@dataclass
class PollResult:
    seen: int = 0
    taken: int = 0
    kept_aside: int = 0


def poll(url=None, limit=200):
    """Take up to `limit` new messages; what became of them. Nothing when no inbox is set."""
    url = url if url is not None else settings.MAIL_INBOX_URL
    result = PollResult()
    if not url:
        return result
    inbox = Inbox.from_url(url)
    imap = inbox.connect()
    try:
        for uid in new_uids(imap)[:limit]:
            raw = fetch(imap, uid)
            if raw is None:
                continue  # expunged meanwhile by someone else
            result.seen += 1
            outcome = ingest(raw)
            if outcome.exit_code == 0:
                result.taken += 1
            else:
                result.kept_aside += 1
            mark(imap, uid, inbox)
        if inbox.taken_folder:
            imap.expunge()
    finally:
        _logout(imap)
    return result


def new_uids(imap):
    status, data = imap.uid("SEARCH", None, "UNKEYWORD", TAKEN_KEYWORD, "UNDELETED")
    _ok((status, data), "search")
    return [uid.decode() for uid in (data[0] or b"").split()]


def fetch(imap, uid):
    status, data = imap.uid("FETCH", uid, "(BODY.PEEK[])")
    _ok((status, data), f"fetch {uid}")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None


def mark(imap, uid, inbox):
    """The message was taken (or kept aside in the database): never fetch it again."""
    if inbox.taken_folder:
        if b"MOVE" in _capabilities(imap):
            _ok(imap.uid("MOVE", uid, _quoted(inbox.taken_folder)), f"move {uid}")
            return
        _ok(imap.uid("COPY", uid, _quoted(inbox.taken_folder)), f"copy {uid}")
        _ok(imap.uid("STORE", uid, "+FLAGS", "(\\Deleted)"), f"delete {uid}")
        return
    _ok(imap.uid("STORE", uid, "+FLAGS", f"({TAKEN_KEYWORD} \\Seen)"), f"flag {uid}")


def _capabilities(imap):
    """What the server can do once logged in (imaplib keeps the greeting's list only)."""
    data = _ok(imap.capability(), "capability")
    return (data[0] or b"").upper().split()


def _quoted(name):
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ok(answer, what):
    status, data = answer
    if status != "OK":
        raise InboxError(f"IMAP {what}: {status} {data!r}"[:300])
    return data


def _logout(imap):
    with contextlib.suppress(imaplib.IMAP4.error, OSError):
        imap.logout()
