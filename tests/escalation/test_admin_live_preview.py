"""The live preview beside the escalation policy form (issue 27): htmx posts the unsaved form,
nothing is saved, errors stay in the panel, and the timeline is what the engine then does."""

from datetime import UTC

import pytest
from django.urls import reverse

from escalation.models import EscalationPolicy, Firing
from incidents.models import Membership
from notifications.models import Notification

from .sla_setup import HOUR, berlin, escalation_policy, office_calendar, run_engine, sla_policy
from .test_admin import inline

pytestmark = pytest.mark.django_db
LIVE = reverse("admin:escalation_escalationpolicy_live_preview")
CREATED = berlin(2025, 6, 2, 12, 30)


@pytest.fixture(autouse=True)
def berlin_server(settings):
    settings.TIME_ZONE = "Europe/Berlin"  # the datetime-local input is read in it


@pytest.fixture
def setup(teams, lead, tier2_agent, make_user):
    """P3: 4h response, 16h resolution on the Berlin office calendar; a lead on each tier."""
    sla_policy(office_calendar(), response=4 * HOUR, resolution=16 * HOUR)
    Membership.objects.create(
        user=make_user("apps-lead", role="agent"), team=teams["apps"], role="lead"
    )
    return teams


def draft(teams, **changes):
    """The add form as a supervisor fills it in: a warning, an escalation to tier 2, a nag."""
    data = {
        "name": "Desk escalation",
        "is_active": "on",
        "teams": [teams["desk"].pk],
        "repeat": 1,
        "repeat_interval_seconds": "30m",
        **inline(
            "levels",
            {
                "order": 1,
                "anchor": "response_due",
                "offset_seconds": "-15m",
                "notify": ["team_leads"],
            },
            {
                "order": 2,
                "anchor": "response_due",
                "offset_seconds": "0",
                "notify": ["team_leads"],
                "reassign_to": teams["apps"].pk,
            },
        ),
        "preview-created_at": "2025-06-02T12:30",
    }
    data.update(changes)
    return data


@pytest.fixture
def as_supervisor(client, supervisor):
    client.force_login(supervisor)
    return client


def previewed(response):
    """(level, repeat, due in UTC, names notified, reassigned to) per row of the panel."""
    return [
        (row["level"], row["repeat"], row["due"]["utc"], row["notify"], row["reassign_to"])
        for row in response.context["rows"]
    ]


def test_the_preview_of_a_draft_is_what_the_engine_then_does(
    as_supervisor, setup, customer, make_ticket
):
    """Level 2 moves the ticket to Application Support, whose own policy takes over: the draft's
    repeat is dropped, the other policy's level comes after the move, as the engine does."""
    apps_policy = escalation_policy(
        [{"anchor": "created", "offset_seconds": 5 * HOUR, "notify": ["team_leads"]}],
        name="Apps escalation",
    )
    apps_policy.teams.set([setup["apps"]])
    preview = as_supervisor.post(LIVE, draft(setup))
    assert preview.status_code == 200
    assert list(EscalationPolicy.objects.all()) == [apps_policy]  # a preview saves nothing
    assert "A new P3 ticket for Service Desk" in preview.context["subject"]
    expected = previewed(preview)
    assert expected == [
        (1, 0, "Mon 2025-06-02 14:15:00 UTC", ["tier1-lead"], None),
        (2, 0, "Mon 2025-06-02 14:30:00 UTC", ["apps-lead"], "Application Support"),
        (1, 0, "Tue 2025-06-03 07:30:00 UTC", ["apps-lead"], None),
    ]

    saved = as_supervisor.post(reverse("admin:escalation_escalationpolicy_add"), draft(setup))
    assert saved.status_code == 302
    ticket = make_ticket(customer, team=setup["desk"], at=CREATED)  # medium × medium: P3
    happened = []
    pending = Firing.objects.filter(ticket=ticket, kind="level", state=Firing.State.PENDING)
    while (firing := pending.order_by("due_at", "level", "repeat").first()) is not None:
        run_engine(firing.due_at)  # the engine on an injected clock, at each due instant
        firing.refresh_from_db()
        assert firing.state == Firing.State.FIRED
        names = Notification.objects.filter(cause=f"firing:{firing.pk}").values_list(
            "recipient__username", flat=True
        )
        ticket.refresh_from_db()
        happened.append(
            (
                firing.level,
                firing.repeat,
                firing.due_at.astimezone(UTC).strftime("%a %Y-%m-%d %H:%M:%S %Z"),
                sorted(names),
                ticket.team.name if firing.changes_ticket else None,
            )
        )
    assert happened == expected


def test_changing_an_offset_moves_the_preview_and_says_what_changed(as_supervisor, setup):
    as_supervisor.post(reverse("admin:escalation_escalationpolicy_add"), draft(setup))
    policy = EscalationPolicy.objects.get()
    first = policy.levels.get(order=1)
    changes = {
        "preview-policy": policy.pk,
        "levels-INITIAL_FORMS": 2,
        "levels-0-id": first.pk,
        "levels-1-id": policy.levels.get(order=2).pk,
        "levels-0-policy": policy.pk,
        "levels-1-policy": policy.pk,
        "levels-0-offset_seconds": "-1h",
    }
    response = as_supervisor.post(LIVE, draft(setup, **changes))

    rows = response.context["rows"]
    assert rows[0]["due"]["utc"] == "Mon 2025-06-02 13:30:00 UTC"
    assert rows[0]["was"] == "was Mon 2025-06-02 16:15:00 CEST"
    assert "was" not in rows[1]
    first.refresh_from_db()
    assert first.offset_seconds == -900  # still as saved


def test_errors_in_the_draft_appear_in_the_panel_not_as_a_500(as_supervisor, setup):
    bad = draft(setup, **{"levels-0-offset_seconds": "soon", "repeat_interval_seconds": ""})
    response = as_supervisor.post(LIVE, bad)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Repeat interval: This field is required." in page
    assert "Level row 1, Offset: “soon” is not a duration." in page


def test_a_guard_rail_fault_appears_in_the_panel(as_supervisor, setup):
    bad = draft(setup, **{"levels-1-reassign_to": setup["desk"].pk})
    page = as_supervisor.post(LIVE, bad).content.decode()

    assert "Level 2 reassigns to Service Desk, which already holds the ticket" in page


def test_a_bad_preview_ticket_is_an_error_in_the_panel(as_supervisor, setup):
    page = as_supervisor.post(LIVE, draft(setup, **{"preview-created_at": "2999-01-01T00:00"}))

    assert "Created at: Choose a time within ten years of now." in page.content.decode()


def test_agents_cannot_preview(client, agent, setup):
    client.force_login(agent)
    assert client.post(LIVE, draft(setup)).status_code == 302  # to the admin's login


def test_the_preview_says_when_a_more_specific_policy_would_win(as_supervisor, setup):
    """The draft covers the Service Desk's tickets of every priority, but a saved policy naming
    the desk and P3 is more specific: the engine would give a P3 desk ticket that one, so the
    panel says the draft would not be chosen (it did not, when only coverage was asked)."""
    specific = escalation_policy(
        [{"anchor": "created", "offset_seconds": HOUR, "notify": ["team_leads"]}],
        name="Desk P3",
    )
    specific.teams.set([setup["desk"]])
    specific.priorities = ["P3"]
    specific.save()

    covered = as_supervisor.post(LIVE, draft(setup, **{"preview-priority": "P2"}))
    beaten = as_supervisor.post(LIVE, draft(setup, **{"preview-priority": "P3"}))

    assert covered.context["applies"] is True
    assert beaten.context["applies"] is False
    assert "The engine would not choose this policy for this ticket" in beaten.content.decode()
