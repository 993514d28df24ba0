"""Opening a ticket costs a bounded number of queries, whatever its policy (issue 11)."""

import pytest

from escalation.models import Firing
from incidents.models import Ticket
from notifications.models import Notification
from tests.escalation.sla_setup import HOUR, berlin, escalation_policy, office_calendar, sla_policy

pytestmark = pytest.mark.django_db

# The configuration's stamp (the matrix kept under it); ticket (its reference written by the
# database's trigger, migration 0029; its due times set before it is written, in its INSERT),
# its event; the stamp again (the SLA and escalation policies kept under it); clock, firings;
# the receipt mail (requester's groups, opt-outs, insert, read back). No savepoint. Was 29 and
# 31, then 18 and 20, then 13 and 15, then 12 and 17, then 11 and 16. The API adds the token
# and a stamp for the intake team, and two throttles' counters (the API's per user, ticket
# creation's) in the database cache shared by every web process: a read and one upsert each
# (helpdesk.cache; none with Redis).
MODEL_QUERIES = 10
API_QUERIES = 11 + 4
# The first ticket after a change of configuration reads it: the matrix, the two policy queries.
FIRST_AFTER_A_CHANGE = 3


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
    def open_one():
        return Ticket.open_ticket(
            requester=customer,
            subject="VPN drops",
            description="Every few minutes.",
            team=policies["desk"],
            at=berlin(2025, 6, 2, 10, 0),
        )

    with django_assert_max_num_queries(MODEL_QUERIES + FIRST_AFTER_A_CHANGE):
        open_one()
    with django_assert_max_num_queries(MODEL_QUERIES):
        ticket = open_one()
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
