"""Mail no person wrote to us, which must change nothing: automatic replies (RFC 3834),
bulk and list mail, out-of-office notices, and our own messages coming back."""

import re

from .. import email as outgoing
from .parse import header

OUT_OF_OFFICE = re.compile(
    r"^\s*(out of (the )?office|automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|"
    r"abwesenheitsnotiz|automatische antwort|r[ée]ponse automatique|absence|"
    r"respuesta autom[áa]tica|risposta automatica|fuera de la oficina|vacation)\b",
    re.IGNORECASE,
)
AUTOREPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponder")


def own_message(mail):
    """Our own notification coming back (a forwarding loop, a copy to the inbox)."""
    if outgoing.notification_in(mail.message_id) is not None:
        return True
    ours = outgoing.sender_address().lower()
    local, _, domain = ours.partition("@")
    sender_local, _, sender_domain = mail.sender.partition("@")
    return bool(ours) and sender_domain == domain and sender_local.split("+")[0] == local


def ignored_because(mail):
    """Why `mail` is ignored, in a few words, or "" when a person wrote it."""
    if own_message(mail):
        return "our own message"
    if mail.sender.split("@")[0] in ("mailer-daemon", "postmaster"):
        return "delivery report without a status"
    if header(mail.message, "Return-Path").strip() == "<>":
        return "automatic mail (empty Return-Path)"
    auto = header(mail.message, "Auto-Submitted").strip().lower()
    if auto and auto.split(";")[0].strip() != "no":
        return f"automatic mail (Auto-Submitted: {auto[:40]})"
    precedence = header(mail.message, "Precedence").strip().lower()
    if precedence in ("bulk", "junk", "list"):
        return f"bulk mail (Precedence: {precedence})"
    if header(mail.message, "List-Id"):
        return "mailing-list mail (List-Id)"
    if any(header(mail.message, name) for name in AUTOREPLY_HEADERS):
        return "automatic reply"
    if OUT_OF_OFFICE.search(mail.subject or ""):
        return "out-of-office reply"
    return ""
