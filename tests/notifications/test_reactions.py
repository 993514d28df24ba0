"""Who is told about what a person does to a ticket (SPEC "Notifications", "who gets what")."""

import pytest

from incidents.models import Membership
from notifications.models import Notification, NotificationPreference, Webhook
from notifications.reactions import write_outbox
from tests.mails import rendered


@pytest.fixture
def ticket(make_ticket, customer, teams):
    return make_ticket(customer, team=teams["desk"], subject="Cannot print invoices")


def sent_to(ticket, kind):
    return list(
        Notification.objects.filter(ticket=ticket, kind=kind, channel="email").values_list(
            "address", flat=True
        )
    )


def test_a_customer_is_told_their_request_was_received(ticket, customer):
    [row] = map(rendered, Notification.objects.filter(ticket=ticket, kind="received"))

    assert row.address == customer.email
    assert row.subject == f"[{ticket.reference}] We received your request: Cannot print invoices"
    assert ticket.reference in row.body and "Cannot print invoices" in row.html_body


def test_a_ticket_an_agent_opens_for_themselves_sends_no_receipt(make_ticket, agent, teams):
    ticket = make_ticket(agent, team=teams["desk"])

    assert sent_to(ticket, "received") == []


def test_an_agents_public_reply_reaches_the_requester_but_notes_and_own_replies_do_not(
    ticket, customer, agent
):
    ticket.add_reply(agent, "Please restart the print spooler.")
    ticket.add_reply(agent, "Spooler is fine, suspect the driver.", internal=True)
    ticket.add_reply(customer, "Restarted, still broken.")

    [row] = map(rendered, Notification.objects.filter(ticket=ticket, kind="reply"))
    assert row.address == customer.email
    assert row.subject == f"Re: [{ticket.reference}] Cannot print invoices"
    assert "Please restart the print spooler." in row.body
    assert "Please restart the print spooler." in row.html_body


def test_resolving_tells_the_requester_with_a_link_to_rate(ticket, customer, agent, settings):
    ticket.resolve(agent)

    [row] = map(rendered, Notification.objects.filter(ticket=ticket, kind="resolved"))
    rate = f"{settings.SITE_URL}/portal/tickets/{ticket.pk}/rate/"
    assert row.address == customer.email
    assert rate in row.body and rate in row.html_body


def test_the_new_assignee_is_told_unless_they_took_it_themselves(ticket, agent, lead):
    ticket.assign(lead, agent)

    [row] = map(rendered, Notification.objects.filter(ticket=ticket, kind="assigned"))
    assert row.address == agent.email
    assert row.subject == f"[{ticket.reference}] Assigned to you: Cannot print invoices"
    assert f"{lead.username} assigned {ticket.reference} to you." in row.body

    ticket.assign(lead, lead)
    assert sent_to(ticket, "assigned") == [agent.email]


def test_an_opted_out_kind_is_not_sent(ticket, agent, lead):
    NotificationPreference.objects.create(user=agent, kind="assigned", enabled=False)

    ticket.assign(lead, agent)

    assert sent_to(ticket, "assigned") == []


def test_a_manual_escalation_tells_every_member_of_the_receiving_team_and_its_webhooks(
    ticket, agent, tier2_agent, make_user, teams
):
    second = make_user("tier2-lead", role="agent")
    Membership.objects.create(user=second, team=teams["apps"], role="lead")
    hook = Webhook.objects.create(
        name="Apps pager", url="https://pager.example/hook", secret="s", team=teams["apps"]
    )

    ticket.escalate(agent, "Needs a database fix")

    assert sorted(sent_to(ticket, "escalated")) == sorted([tier2_agent.email, second.email])
    row = rendered(Notification.objects.get(ticket=ticket, kind="escalated", recipient=tier2_agent))
    assert row.subject == f"[{ticket.reference}] Escalated to Application Support (level 1)"
    assert "Needs a database fix" in row.body
    [webhook_row] = Notification.objects.filter(ticket=ticket, channel="webhook")
    assert webhook_row.address == hook.url
    assert webhook_row.payload["event"]["reason"] == "Needs a database fix"


def test_an_escalation_to_a_named_person_of_the_same_team_tells_that_person_alone_once(
    ticket, agent, lead, make_user, teams
):
    """A hierarchical escalation (a named member, no team: the ticket stays in its team) is a
    question for that person: the rest of the team already has the ticket and was not asked.
    They hear of it once, in the escalation's mail with the reason, not also as "assigned"."""
    other = make_user("tier1-other", role="agent")
    Membership.objects.create(user=other, team=teams["desk"], role="agent")

    ticket.escalate(agent, "Needs the lead's sign-off", assignee=lead)

    assert sent_to(ticket, "escalated") == [lead.email]
    assert sent_to(ticket, "assigned") == []
    row = rendered(Notification.objects.get(ticket=ticket, kind="escalated"))
    assert "Needs the lead's sign-off" in row.body


def test_an_escalation_to_a_named_person_of_another_team_tells_that_team_and_them_once(
    ticket, agent, tier2_agent, make_user, teams
):
    second = make_user("tier2-lead", role="agent")
    Membership.objects.create(user=second, team=teams["apps"], role="lead")

    ticket.escalate(agent, "Database error on save", team=teams["apps"], assignee=second)

    assert sorted(sent_to(ticket, "escalated")) == sorted([tier2_agent.email, second.email])
    assert sent_to(ticket, "assigned") == []
    ticket.refresh_from_db()
    assert ticket.assignee == second


def test_handling_the_same_event_again_sends_nothing_new(ticket, agent):
    ticket.add_reply(agent, "On it.")
    before = Notification.objects.count()

    write_outbox(list(ticket.events.all()))

    assert Notification.objects.count() == before
