"""The queue's auto-refresh: an htmx request gets only the rows, and they are current."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_an_htmx_request_gets_only_the_rows(client_for, agent, desk_ticket):
    response = client_for(agent).get(reverse("desk:home"), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert desk_ticket.reference in html and "<tr" in html
    for whole_page in ("<html", "<table", "<thead", "Pause auto-refresh", 'desk-bulk" class'):
        assert whole_page not in html


def test_a_plain_request_gets_the_page_with_the_refresh_hooks(client_for, agent, desk_ticket):
    html = client_for(agent).get(reverse("desk:home")).content.decode()
    assert 'id="desk-queue-rows"' in html and 'hx-trigger="desk:refresh"' in html
    assert "Pause auto-refresh" in html
    assert '"allowEval":false' in html and "vendor/htmx/htmx.min.js" in html
    assert "hx-on" not in html and " onclick" not in html


def test_the_refresh_keeps_the_filters(client_for, supervisor, customer, teams, make_ticket):
    desk = make_ticket(customer, team=teams["desk"], subject="Tier one")
    apps = make_ticket(customer, team=teams["apps"], subject="Tier two")
    url = reverse("desk:home") + "?view=team:app-support"
    html = client_for(supervisor).get(url, **HTMX).content.decode()
    assert apps.reference in html and desk.reference not in html


def test_a_ticket_escalated_to_tier_2_appears_in_the_tier_2_refresh(
    client_for, agent, tier2_agent, desk_ticket
):
    tier2 = client_for(tier2_agent)
    assert desk_ticket.reference not in tier2.get(reverse("desk:home"), **HTMX).content.decode()
    desk_ticket.escalate(agent, "Needs app support")
    assert desk_ticket.reference in tier2.get(reverse("desk:home"), **HTMX).content.decode()
