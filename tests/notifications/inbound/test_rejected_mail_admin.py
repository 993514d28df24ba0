"""The admin's "Rejected mail": a supervisor reads what was kept aside, retries or deletes it."""

import os

import pytest

from incidents.models import Ticket
from notifications.inbound.ingest import ingest, retry
from notifications.models import InboundMail, RejectedMail

from ...admin_pages import assert_agent_sent_to_login, url
from .corpus import corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(teams, settings):
    settings.INBOUND_TICKETS_PER_SENDER_HOUR = 0
    ingest(corpus("new_multipart_alternative.eml"))
    return RejectedMail.objects.get()


@pytest.fixture
def rejected(teams):
    ingest(corpus("malformed_header.eml"))
    return RejectedMail.objects.get()


def test_the_list_shows_what_was_kept_aside_and_why(client, supervisor, held, customer_ticket):
    ingest(corpus("outlook_reply_no_threading.eml", customer_ticket))  # taken: not listed
    client.force_login(supervisor)

    page = client.get(url(RejectedMail, "changelist")).content.decode()

    assert "Rejected mail" in page and "held for review" in page
    assert "carol@newcomer.example" in page
    assert "Any news" not in page and InboundMail.objects.count() == 2


def test_a_supervisor_reads_the_message(client, supervisor, rejected):
    client.force_login(supervisor)

    page = client.get(url(RejectedMail, "change", rejected.pk)).content.decode()

    assert "no usable sender address" in page
    assert "Body after broken headers." in page
    assert "Retry this mail" in page and 'name="_save"' not in page


def test_retry_takes_a_held_mail(client, supervisor, held):
    client.force_login(supervisor)

    response = client.post(
        url(RejectedMail, "changelist"),
        {"action": "retry", "_selected_action": [held.pk]},
        follow=True,
    )

    ticket = Ticket.objects.get()
    assert f"taken, opened {ticket.reference}" in response.content.decode()
    held.refresh_from_db()
    assert (held.status, held.ticket, held.raw.name) == ("taken", ticket, "")
    assert not RejectedMail.objects.kept_aside().exists()


def test_retry_of_a_mail_still_bad_keeps_it_aside(client, supervisor, rejected):
    client.force_login(supervisor)

    client.post(
        url(RejectedMail, "changelist"), {"action": "retry", "_selected_action": [rejected.pk]}
    )

    rejected.refresh_from_db()
    assert rejected.status == "rejected" and rejected.raw
    assert not Ticket.objects.exists()


def test_delete_removes_the_row_and_its_stored_message(client, supervisor, rejected):
    stored = rejected.raw.path
    client.force_login(supervisor)

    client.post(
        url(RejectedMail, "changelist"), {"action": "discard", "_selected_action": [rejected.pk]}
    )

    assert not InboundMail.objects.exists()
    assert not os.path.exists(stored)


def test_agents_do_not_reach_it(client, agent):
    assert_agent_sent_to_login(client, agent, RejectedMail)


def test_a_second_retry_of_the_same_mail_takes_nothing(held):
    with held.raw.open("rb") as stored:
        raw = stored.read()
    stale = RejectedMail.objects.get(pk=held.pk)  # a second supervisor's page, loaded first

    first, second = retry(held), ingest(raw, retry=stale)

    assert (first.status, second.status, second.reason) == ("taken", "ignored", "already taken")
    assert Ticket.objects.count() == 1
    assert InboundMail.objects.get().status == "taken"
