"""A ticket whose story holds every kind of timeline entry, for the history's tests."""

from datetime import timedelta

from django.utils import timezone

from tests.escalation.sla_setup import HOUR, escalation_policy, run_engine, sla_policy

PRIORITY_REASON = "The customer's whole office is down"
ESCALATION_REASON = "Needs someone with database access"
NOTE = "Customer sounds upset; be gentle."


def ticket_with_every_entry(make_ticket, customer, teams, lead, tier2_agent, supervisor):
    """A ticket with every kind of entry: the engine's escalation, team move, priority raise
    and breach; a person's acknowledgement, reply, note, override, assignment, escalation,
    status changes; the notifications they caused; and the customer's rating."""
    now = timezone.now()
    sla_policy(None, response=HOUR, resolution=8 * HOUR, priorities=("P1", "P2", "P3"))
    escalation_policy(
        [
            {
                "anchor": "response_due",
                "offset_seconds": 0,
                "reassign_to": teams["apps"],
                "set_priority": "P2",
                "notify_users": [lead],
            }
        ]
    )
    ticket = make_ticket(customer, team=teams["desk"], at=now - timedelta(hours=2))
    run_engine(now - timedelta(minutes=59))
    ticket.refresh_from_db()
    ticket.add_reply(tier2_agent, "We are looking into it.")
    ticket.add_reply(tier2_agent, NOTE, internal=True)
    ticket.update(supervisor, priority="P1", reason=PRIORITY_REASON)
    ticket.update(supervisor, assignee=tier2_agent)
    ticket.escalate(tier2_agent, ESCALATION_REASON, team=teams["eng"])
    ticket.update(supervisor, status="pending")
    ticket.resolve(supervisor)
    ticket.rate(customer, 5)
    return ticket
