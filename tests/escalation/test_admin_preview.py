"""The admin's "Preview timeline" page for an escalation policy, as a supervisor uses it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from escalation.models import EscalationPolicy
from tests.escalation.sla_setup import (
    HOUR,
    berlin,
    escalation_policy,
    office_calendar,
    sla_policy,
)

CREATED = {"priority": "P3", "created_at": "2025-06-02T12:30"}  # a Monday, Berlin time


@pytest.fixture(autouse=True)
def berlin_server(settings):
    """The datetime-local input is read in settings.TIME_ZONE."""
    settings.TIME_ZONE = "Europe/Berlin"


@pytest.fixture
def policy(teams, lead, tier2_agent, supervisor):
    """P3: 4h response on a Berlin office calendar; a −15 min warning, then a +0 escalation."""
    sla_policy(office_calendar(), response=4 * HOUR, resolution=16 * HOUR, priorities=("P2", "P3"))
    return escalation_policy(
        [
            {"anchor": "response_due", "offset_seconds": -900, "notify": ["team_leads"]},
            {
                "anchor": "response_due",
                "offset_seconds": 0,
                "notify": ["team", "supervisors"],
                "reassign_to": teams["apps"],
                "set_priority": "P2",
            },
        ],
        name="Service desk escalation",
    )


@pytest.fixture
def as_supervisor(client, supervisor):
    client.force_login(supervisor)
    return client


def preview_url(policy):
    return reverse("admin:escalation_escalationpolicy_preview", args=[policy.pk])


def firing_rows(response):
    """Each firing row's cells as text, tags stripped."""
    page = response.content.decode()
    rows = re.findall(r'<tr class="firing[^"]*">(.*?)</tr>', page, re.S)
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", c).split())
            for c in re.findall(r"<td>(.*?)</td>", r, re.S)
        ]
        for r in rows
    ]


def test_hypothetical_ticket_shows_due_times_in_calendar_zone_and_utc(as_supervisor, policy, teams):
    response = as_supervisor.get(preview_url(policy), {**CREATED, "team": teams["desk"].pk})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Mon 2025-06-02 16:30:00 CEST" in page  # first response due
    assert "Wed 2025-06-04 12:30:00 CEST" in page  # resolution due: 16 business hours
    warning, escalation = firing_rows(response)
    assert warning[:5] == [
        "1",
        "—",
        "First response due -15m",
        "Mon 2025-06-02 16:15:00 CEST (past)",
        "Mon 2025-06-02 14:15:00 UTC",
    ]
    assert "Warning" in warning[5] and warning[6] == "tier1-lead"
    assert escalation[3:5] == ["Mon 2025-06-02 16:30:00 CEST (past)", "Mon 2025-06-02 14:30:00 UTC"]
    assert escalation[6:] == ["sue, tier2-agent", "Application Support", "P2 — high"]


def test_post_recomputes_like_get(as_supervisor, policy, teams):
    response = as_supervisor.post(preview_url(policy), {**CREATED, "team": teams["desk"].pk})

    assert response.status_code == 200
    assert [row[3] for row in firing_rows(response)] == [
        "Mon 2025-06-02 16:15:00 CEST (past)",
        "Mon 2025-06-02 16:30:00 CEST (past)",
    ]


def test_plain_get_prefills_what_a_real_ticket_gets_and_now(as_supervisor, policy, teams):
    """A policy naming no team or priority: a ticket naming neither lands in the intake team
    at the matrix's medium × medium priority (P3), and that is what the preview starts from."""
    response = as_supervisor.get(preview_url(policy))

    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<option value="P3" selected>', page)
    assert re.search(rf'<option value="{teams["desk"].pk}" selected>', page)
    assert re.search(r'name="created_at" value="\d{4}-\d\d-\d\dT\d\d:\d\d"', page)
    assert "A new P3 ticket for Service Desk" in page
    assert len(firing_rows(response)) == 2


def test_existing_ticket_by_reference(as_supervisor, policy, teams, make_ticket, customer):
    ticket = make_ticket(
        customer,
        team=teams["desk"],
        impact="medium",
        urgency="medium",
        at=berlin(2025, 6, 2, 12, 30),
    )

    response = as_supervisor.get(preview_url(policy), {"ticket": ticket.reference.lower()})

    assert response.status_code == 200
    assert ticket.reference in response.content.decode()
    assert [row[4] for row in firing_rows(response)] == [
        "Mon 2025-06-02 14:15:00 UTC",
        "Mon 2025-06-02 14:30:00 UTC",
    ]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"ticket": "HD-999999"}, "There is no ticket HD-999999."),
        ({"priority": "P3", "created_at": "2025-02-30T10:00"}, "Enter a valid date/time."),
        ({"priority": "P3", "created_at": "2025-03-30T02:30"}, "may not exist"),  # DST gap
        ({"priority": "P3", "created_at": "2125-06-02T12:30"}, "within ten years of now"),
        ({"priority": "P9"}, "P9 is not one of the available choices"),
    ],
)
def test_bad_input_is_a_field_error(as_supervisor, policy, params, message):
    response = as_supervisor.get(preview_url(policy), params)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="errorlist' in page and message in page
    assert not firing_rows(response)


def test_agent_and_anonymous_are_sent_to_the_admin_login(client, policy, agent):
    assert client.get(preview_url(policy))["Location"].startswith(reverse("admin:login"))
    client.force_login(agent)

    response = client.get(preview_url(policy))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_view_permission_is_refused(client, policy, make_user):
    client.force_login(make_user(is_staff=True))

    assert client.get(preview_url(policy)).status_code == 403


def test_unknown_policy_is_404(as_supervisor, policy):
    url = reverse("admin:escalation_escalationpolicy_preview", args=[policy.pk + 1000])

    assert as_supervisor.get(url).status_code == 404


def test_change_form_links_to_the_preview(as_supervisor, policy):
    change = reverse("admin:escalation_escalationpolicy_change", args=[policy.pk])

    page = as_supervisor.get(change).content.decode()

    assert f'href="{preview_url(policy)}"' in page and "Preview timeline" in page


def test_query_count_is_bounded(as_supervisor, policy, teams, django_assert_max_num_queries):
    # 29 once escalation/preview.py resolves every firing's recipients in one batch; 30 since
    # the page asks the engine's own choice of policy (draft_chosen: the active policies, once).
    with django_assert_max_num_queries(30):
        response = as_supervisor.get(preview_url(policy), {**CREATED, "team": teams["desk"].pk})
    assert response.status_code == 200
    assert firing_rows(response)


def queries_for_levels(client, teams, people, levels):
    """Queries the preview page makes for a policy of `levels` levels (plus 2 repeats)."""
    EscalationPolicy.objects.update(is_active=False)
    policy = escalation_policy(
        [
            {
                "anchor": "response_due",
                "offset_seconds": 60 * n,
                "notify": ["team_leads", "team", "supervisors"],
                "notify_users": [user.pk for user in people],
                "reassign_to": teams["eng"] if n % 2 else None,
            }
            for n in range(levels)
        ],
        repeat=2,
        name=f"{levels} levels",
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(preview_url(policy), {**CREATED, "team": teams["desk"].pk})
    assert response.status_code == 200
    assert len(firing_rows(response)) == levels + 2
    return len(queries)


def test_query_count_does_not_grow_with_levels(as_supervisor, policy, teams, lead, tier2_agent):
    people = [lead, tier2_agent]

    two = queries_for_levels(as_supervisor, teams, people, 2)
    six = queries_for_levels(as_supervisor, teams, people, 6)

    assert two == six
