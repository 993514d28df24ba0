"""Agents open the original mail from the desk; the customer sees their own mail's text."""

import pytest
from django.urls import reverse

from notifications.inbound.ingest import ingest

from .corpus import corpus

pytestmark = pytest.mark.django_db


def test_an_agent_opens_the_original_eml_from_the_workspace(
    client, agent, customer_ticket, receipt
):
    ingest(corpus("outlook_reply.eml", customer_ticket, receipt))
    original = customer_ticket.attachments.get(content_type="message/rfc822")
    client.force_login(agent)

    page = client.get(reverse("desk:ticket", args=[customer_ticket.pk])).content.decode()
    link = reverse("desk:attachment", args=[customer_ticket.pk, original.pk])
    download = client.get(link)

    assert "The paper tray is jammed as well." in page and link in page
    assert download.status_code == 200 and download["Content-Type"] == "message/rfc822"
    assert b"Thread-Index: AQHZabcdEFGH" in b"".join(download.streaming_content)


def test_the_customer_sees_their_reply_on_the_portal(client, customer, customer_ticket, receipt):
    ingest(corpus("gmail_reply.eml", customer_ticket, receipt))
    client.force_login(customer)

    page = client.get(reverse("portal:ticket", args=[customer_ticket.pk])).content.decode()

    assert "It is still smoking after the restart." in page
    assert "wrote:" not in page
