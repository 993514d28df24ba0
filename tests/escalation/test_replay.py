"""Replay of a draft policy against a crafted history, counted by hand (issue 27)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from escalation.models import Firing, Replay, SLATarget
from escalation.replay import BREACHES_APPROXIMATE, NO_BREACH_CHANGE, run
from escalation.tasks import run_replay
from tests.conftest import utc

from .sla_setup import HOUR, sla_policy

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12)


@pytest.fixture
def history(teams, lead, agent, supervisor, customer, make_ticket):
    """24×7, P3: first response in 1h, resolution in 4h. Four tickets of the Service Desk and
    one of Application Support, as they really went."""
    sla_policy(None, response=HOUR, resolution=4 * HOUR)

    def ticket(team, created, ack=None, resolved=None):
        t = make_ticket(customer, team=teams[team], at=created)
        if ack:
            t.acknowledge(agent if team == "desk" else lead, at=ack)
        if resolved:
            t.resolve(agent if team == "desk" else lead, at=resolved)
        return t

    return {
        # acknowledged 08:30 before the warning at 08:45; resolved 10:00 before 12:00: nothing
        "quiet": ticket("desk", utc(2026, 3, 9, 8), utc(2026, 3, 9, 8, 30), utc(2026, 3, 9, 10)),
        # warning 09:45 before the ack at 09:50; resolution due 13:00 before it was resolved
        "late": ticket("desk", utc(2026, 3, 9, 9), utc(2026, 3, 9, 9, 50), utc(2026, 3, 9, 14)),
        # still open and unacknowledged: warning at 11:45 has come, resolution at 15:00 not yet
        "open": ticket("desk", utc(2026, 3, 10, 11)),
        "old": ticket("desk", utc(2026, 1, 20, 11)),  # 49 days ago: outside the window
        "other": ticket("apps", utc(2026, 3, 10, 9)),  # another team: not the draft's
    }


DRAFT = {
    "id": "draft",
    "name": "Draft",
    "repeat": 0,
    "repeat_interval_seconds": 600,
    "levels": [
        {
            "order": 1,
            "anchor": "response_due",
            "offset_seconds": -900,
            "notify": ["team_leads"],
            "notify_users": [],
            "reassign_to": None,
            "set_priority": None,
        },
        {
            "order": 2,
            "anchor": "resolution_due",
            "offset_seconds": 0,
            "notify": ["supervisors"],
            "notify_users": [],
            "reassign_to": None,
            "set_priority": None,
        },
    ],
}


def test_replay_on_a_crafted_history_gives_the_hand_counted_result(history, teams, supervisor):
    # What the old policy did: one level, for "late", due 09:40 (5 minutes before the draft's).
    Firing.objects.create(
        ticket=history["late"],
        key="t:p1:l1:r0",
        level=1,
        anchor="response_due",
        anchor_at=utc(2026, 3, 9, 10),
        due_at=utc(2026, 3, 9, 9, 40),
        state=Firing.State.FIRED,
    )
    replay = Replay.objects.create(
        name="Draft",
        draft=DRAFT,
        scope=[[teams["desk"].pk], [], None, True],
        days=30,
        requested_by=supervisor,
    )

    result = run(replay, now=NOW)

    assert result["groups"] == [
        {
            "team": "Service Desk",
            "priority": "P3",
            "tickets": 3,  # quiet, late, open
            "levels_draft": 3,  # late: warning and resolution; open: warning
            "levels_actual": 1,
            "levels_gained": 2,
            "levels_lost": 0,
            "to": {"sue": 1, "tier1-lead": 2},
            # No level moves a ticket: the breaches stay as recorded (the open ticket's first
            # response due at 12:00 = now, late's resolution due 13:00, resolved 14:00).
            "breaches": {
                "tickets": 3,
                "response": {"actual": 1, "draft": 1, "gained": 0, "lost": 0},
                "resolution": {"actual": 1, "draft": 1, "gained": 0, "lost": 0},
                "actual": 2,
                "draft": 2,
                "gained": 0,
                "lost": 0,
            },
        }
    ]
    assert result["breaches_note"] == NO_BREACH_CHANGE
    assert result["movers"] == [
        {
            "ticket": history["late"].reference,
            "actual": "2026-03-09T09:40:00+00:00",
            "draft": "2026-03-09T09:45:00+00:00",
            "moves": "+5m",
        }
    ]
    assert not result["stopped_early"]
    replay.refresh_from_db()
    assert (replay.state, replay.done, replay.total) == ("done", 4, 4)  # kept, with progress


def test_a_level_that_raises_the_priority_gains_the_breaches_of_the_stricter_targets(
    history, teams
):
    """P1: 15m to respond, 1h to resolve. The draft raises P3 to P1 20 minutes after creation;
    measured from creation, P1's due times have then passed or come sooner:
    quiet (created 08:00, acknowledged 08:30, resolved 10:00): response due 08:15 passes at
    the raise with nobody acknowledging — gained; resolution due 09:00 — gained;
    late (09:00, 09:50, 14:00): response 09:15 — gained; resolution 10:00 was missed anyway;
    open (11:00, never acknowledged): its response was missed anyway; resolution due 12:00 =
    now — gained."""
    policy = SLATarget.objects.get().policy
    SLATarget.objects.create(
        policy=policy, priority="P1", first_response_seconds=900, resolution_seconds=3600
    )
    raising = {
        **DRAFT,
        "levels": [
            {
                "order": 1,
                "anchor": "created",
                "offset_seconds": 1200,
                "notify": ["team_leads"],
                "notify_users": [],
                "reassign_to": None,
                "set_priority": "P1",
            }
        ],
    }
    replay = Replay.objects.create(
        name="Raise", draft=raising, scope=[[teams["desk"].pk], [], None, True], days=30
    )

    result = run(replay, now=NOW)

    [group] = result["groups"]
    assert group["breaches"]["response"] == {"actual": 1, "draft": 3, "gained": 2, "lost": 0}
    assert group["breaches"]["resolution"] == {"actual": 1, "draft": 3, "gained": 2, "lost": 0}
    assert (group["levels_draft"], group["to"]) == (3, {"tier1-lead": 3})
    assert result["breaches_note"] == BREACHES_APPROXIMATE


def test_a_replay_out_of_time_stops_and_says_so(history, teams):
    replay = Replay.objects.create(name="Draft", draft=DRAFT, scope=[[], [], None, True])
    ticks = iter(range(0, 1000, 100))

    result = run(replay, now=NOW, budget=150, clock=lambda: next(ticks))

    assert result["stopped_early"]
    replay.refresh_from_db()
    # Started at 0; the first ticket at 100 is within 150, the second at 200 is not.
    assert (replay.done, replay.total, result["reached"]) == (1, 4, 1)


def test_the_task_claims_a_replay_once(history, teams):
    replay = Replay.objects.create(name="Draft", draft=DRAFT, scope=[[], [], None, True])

    assert run_replay(replay.pk) is True
    assert run_replay(replay.pk) is False  # already run: the second worker does nothing


def test_a_replay_whose_worker_ended_says_so_and_stops_polling(client, supervisor, teams):
    """The task's worker died (cluster stopped, or killed at django-q2's timeout): the row stays
    "running" for ever, so the page must stop polling and say what happened."""
    from django.urls import reverse

    replay = Replay.objects.create(name="Draft", draft=DRAFT, scope=[[], [], None, True])
    assert replay.claim()
    replay.refresh_from_db()
    assert replay.started_at is not None and not replay.abandoned()
    url = reverse("admin:escalation_escalationpolicy_replay_status", args=[replay.pk])
    client.force_login(supervisor)

    running = client.get(url).content.decode()
    assert "hx-trigger" in running and "stopped without a result" not in running

    Replay.objects.filter(pk=replay.pk).update(started_at=timezone.now() - timedelta(minutes=2))
    gone = client.get(url).content.decode()
    assert "stopped without a result" in gone and "hx-trigger" not in gone


def test_a_supervisor_replays_the_unsaved_form_from_the_admin(
    client, supervisor, history, teams, django_capture_on_commit_callbacks, monkeypatch
):
    from django.urls import reverse

    from .test_admin_live_preview import draft

    queued = []
    monkeypatch.setattr("escalation.admin.replays.async_task", lambda *a: queued.append(a))
    client.force_login(supervisor)
    form = draft(teams, name="Desk draft", **{"replay-days": "30"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:escalation_escalationpolicy_replay"), form)

    replay = Replay.objects.get()
    assert queued == [("escalation.tasks.run_replay", replay.pk)]
    assert "Replaying “Desk draft” against the last 30 days" in response.content.decode()
    run(replay, now=NOW)
    status = client.get(
        reverse("admin:escalation_escalationpolicy_replay_status", args=[replay.pk])
    )
    page = status.content.decode()
    assert "Replayed “Desk draft”" in page and "tier1-lead ×2" in page
    assert "No breach can be gained or lost" not in page  # this draft reassigns at level 2
