"""The corpus of .eml files made for these tests (mail_corpus/), with the ticket, outbox row
and sender a message answers filled in."""

from pathlib import Path

CORPUS = Path(__file__).parent / "mail_corpus"


def corpus(name, ticket=None, notification=None, sender="alice@example.com"):
    raw = (CORPUS / name).read_bytes()
    values = {
        b"@@FROM@@": sender,
        b"@@REF@@": ticket.reference if ticket else "HD-0",
        b"@@TICKET@@": ticket.pk if ticket else 0,
        b"@@NOTE@@": notification.pk if notification else 0,
    }
    for token, value in values.items():
        raw = raw.replace(token, str(value).encode())
    return raw
