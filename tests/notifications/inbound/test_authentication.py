"""A forged staff address: with a trusted MTA's DMARC fail, the sender is a stranger."""

import pytest

from incidents.models import Ticket
from notifications.inbound.ingest import ingest

from .corpus import corpus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def trusted_mta(settings):
    settings.MAIL_TRUSTED_AUTHSERV_IDS = ["mx.desk.example"]


def agent_mail(ticket, agent, results):
    raw = corpus("outlook_reply_no_threading.eml", ticket, sender=agent.email)
    header = f"Authentication-Results: {results}\r\n".encode()
    return header + raw


def test_dmarc_fail_from_a_trusted_mta_makes_a_staff_address_a_stranger(customer_ticket, agent):
    results = (
        "mx.desk.example; spf=fail smtp.mailfrom=example.com; dmarc=fail header.from=example.com"
    )

    outcome = ingest(agent_mail(customer_ticket, agent, results))

    assert not customer_ticket.replies.exists()
    ticket = outcome.ticket
    assert ticket != customer_ticket and (ticket.requester, ticket.held) == (agent, True)
    assert ticket.description.startswith("(Not verified: the sender's domain failed DMARC.)")


def test_an_untrusted_mta_is_not_believed(customer_ticket, agent):
    results = "mx.elsewhere.example; dmarc=fail header.from=example.com"

    ingest(agent_mail(customer_ticket, agent, results))

    assert customer_ticket.replies.get().author == agent
    assert Ticket.objects.count() == 1


def test_dmarc_pass_writes_as_the_agent(customer_ticket, agent):
    results = "mx.desk.example; dkim=pass; dmarc=pass header.from=example.com"

    ingest(agent_mail(customer_ticket, agent, results))

    assert customer_ticket.replies.get().author == agent
