"""The workspace page: header, thread, side panel, and who may open it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def page(client, ticket):
    return client.get(reverse("desk:ticket", args=[ticket.pk]))


def test_customer_is_refused_even_their_own_ticket(client_for, customer, desk_ticket):
    assert page(client_for(customer), desk_ticket).status_code == 403


def test_agent_gets_404_for_a_ticket_they_cannot_see(client_for, tier2_agent, desk_ticket):
    assert page(client_for(tier2_agent), desk_ticket).status_code == 404


def test_header_and_thread(client_for, agent, desk_ticket):
    desk_ticket.add_reply(agent, "We are on it.")
    desk_ticket.add_reply(agent, "Customer sounds upset.", internal=True)
    response = page(client_for(agent), desk_ticket)
    html = response.content.decode()
    assert response.status_code == 200
    assert desk_ticket.reference in html and "Service Desk · tier 1" in html
    assert "We are on it." in html and "Public reply" in html


def test_internal_notes_are_marked_in_words_and_tint(client_for, agent, desk_ticket):
    desk_ticket.add_reply(agent, "Customer sounds upset.", internal=True)
    html = page(client_for(agent), desk_ticket).content.decode()
    note = html.split('class="desk-message desk-internal"')[1].split("</article>")[0]
    assert "Internal note" in note and "Customer sounds upset." in note


def test_forms_carry_the_version_and_csrf(client_for, agent, desk_ticket):
    html = page(client_for(agent), desk_ticket).content.decode()
    # Following changes nothing on the ticket: the one form without its version.
    forms = html.count('<form method="post" action="/desk/') - html.count('/follow/"')
    assert html.count('name="updated_at"') == forms
    assert "csrfmiddlewaretoken" in html
    assert " on" + "click=" not in html and "<script>" not in html


def test_query_count_does_not_grow_with_replies(client_for, agent, desk_ticket):
    client = client_for(agent)

    def count(n):
        while desk_ticket.replies.count() < n:
            desk_ticket.add_reply(agent, "more", internal=True)
        with CaptureQueriesContext(connection) as queries:
            assert page(client, desk_ticket).status_code == 200
        return len(queries)

    assert count(2) == count(20)
