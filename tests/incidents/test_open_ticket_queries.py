"""Opening a ticket costs a bounded number of queries, whatever its policy (issue 11)."""

import pytest

from escalation.models import Firing
from incidents.models import Ticket
from notifications.models import Notification
from tests.escalation.sla_setup import HOUR, berlin, escalation_policy, office_calendar, sla_policy

pytestmark = pytest.mark.django_db

# Matrix; ticket, its reference, its event; SLA policy with its calendar, target, opening
# hours and holidays; escalation policy with its levels and their users; clock, due times,
# firings; the receipt mail (requester's groups, opt-outs, insert, read back). No savepoint.
# Was 29 and 31, then 18 and 20. The API adds the token and the team (issue 11: at most 15).
MODEL_QUERIES = 13
API_QUERIES = 15


@pytest.fixture
def policies(teams):
    sla_policy(office_calendar(), response=4 * HOUR, resolution=16 * HOUR, priorities=("P2", "P3"))
    escalation_policy(
        [
            {"anchor": "created", "offset_seconds": 1800, "notify": ["team_leads"]},
            {"anchor": "response_due", "offset_seconds": -900, "notify": ["assignee"]},
            {
                "anchor": "response_due",
                "offset_seconds": 0,
                "notify": ["team_leads"],
                "reassign_to": teams["apps"],
            },
        ],
        repeat=2,
        interval=HOUR,
    )
    return teams


def test_open_ticket_under_an_sla_and_a_3_level_policy(
    policies, customer, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MODEL_QUERIES):
        ticket = Ticket.open_ticket(
            requester=customer,
            subject="VPN drops",
            description="Every few minutes.",
            team=policies["desk"],
            at=berlin(2025, 6, 2, 10, 0),
        )
    # Everything is there all the same: clock, due times, every level and repeat, the receipt.
    assert ticket.response_due_at == berlin(2025, 6, 2, 14, 0)
    assert Firing.objects.filter(ticket=ticket, kind="level").count() == 5
    assert Notification.objects.filter(ticket=ticket, kind="received").count() == 1


def test_post_api_tickets(policies, api, customer, django_assert_max_num_queries):
    client = api(customer)
    policies["desk"].is_intake = True  # a customer names no team: the intake team takes it
    policies["desk"].save(update_fields=["is_intake"])
    body = {"subject": "VPN", "description": "Drops"}
    client.post("/api/tickets/", body, format="json")  # the first ticket, as a warm-up
    with django_assert_max_num_queries(API_QUERIES):
        response = client.post("/api/tickets/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["team"] == policies["desk"].pk
    assert Firing.objects.filter(ticket_id=response.json()["id"]).exists()
