"""No internal note, reason or event text ever appears in an email to a customer."""

import json

from notifications.models import Notification
from notifications.outbox import notify_users
from tests.mails import rendered

NOTE = "XYZZY-INTERNAL watch-list customer, do not refund"
LATER_NOTE = "PLUGH-INTERNAL vendor bug 4471 still open"
REASON = "FROTZ-INTERNAL tier 1 out of depth"
SECRETS = (NOTE, LATER_NOTE, REASON, "XYZZY", "PLUGH", "FROTZ")


def customer_text(row):
    row = rendered(row)
    return " ".join([row.subject, row.body, row.html_body, json.dumps(row.payload)])


def test_every_customer_email_of_a_ticket_with_internal_notes_leaves_them_out(
    make_ticket, customer, agent, teams
):
    ticket = make_ticket(customer, team=teams["desk"], subject="Refund not received")
    ticket.add_reply(agent, NOTE, internal=True)
    ticket.add_reply(agent, "We have re-issued your refund.")
    ticket.add_reply(agent, LATER_NOTE, internal=True)
    ticket.escalate(agent, REASON)
    ticket.resolve(agent)

    rows = list(Notification.objects.filter(recipient=customer))
    assert {row.kind for row in rows} == Notification.CUSTOMER_KINDS
    for row in rows:
        text = customer_text(row)
        assert not [secret for secret in SECRETS if secret in text], row.kind
    reply = next(row for row in rows if row.kind == "reply")
    assert "We have re-issued your refund." in rendered(reply).body


def test_internal_context_handed_to_a_customer_kind_is_dropped(make_ticket, customer, teams):
    ticket = make_ticket(customer, team=teams["desk"])
    internal = {"reason": REASON, "note": NOTE, "level": 3, "actor": LATER_NOTE}

    for kind in sorted(Notification.CUSTOMER_KINDS):
        [row] = notify_users(kind, ticket, [customer], key=f"test:{kind}", context=internal)
        text = customer_text(row)
        assert not [secret for secret in SECRETS if secret in text], kind
