"""Replay of an SLA-policy draft against a crafted history, counted by hand (issue 27).

Each ticket is lived again from its recorded events under the draft's targets and calendar and
compared with what the live clock recorded: breaches gained (met, would be missed) and lost."""

from datetime import time

import pytest
from django.urls import reverse

from escalation.models import BusinessCalendar, OpeningHours, Replay, SLAPolicy, SLATarget
from escalation.replay import run
from tests.conftest import utc

from .sla_setup import HOUR, sla_policy

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12)


def targets(response, resolution):
    return {"P3": [response, resolution]}


def sla_replay(policy, draft_targets, calendar=None, teams=(), is_default=True, days=30):
    snapshot = {
        "name": "Draft",
        "calendar": calendar.snapshot() if calendar else None,
        "targets": draft_targets,
    }
    return Replay.objects.create(
        kind=Replay.Kind.SLA,
        name="Draft",
        draft=snapshot,
        scope=[list(teams), is_default, policy.pk if policy else None],
        days=days,
    )


@pytest.fixture
def history(teams, agent, lead, supervisor, customer, make_ticket):
    """24×7. The default policy gives P3 1h to respond and 4h to resolve; the Application
    Support's own policy 8h and 24h. How each ticket really went, in UTC:"""
    standard = sla_policy(None, response=HOUR, resolution=4 * HOUR)
    apps_policy = SLAPolicy.objects.create(name="Apps")
    apps_policy.teams.set([teams["apps"]])
    SLATarget.objects.create(
        policy=apps_policy,
        priority="P3",
        first_response_seconds=8 * HOUR,
        resolution_seconds=24 * HOUR,
    )

    def ticket(created, team="desk"):
        return make_ticket(customer, team=teams[team], at=created)

    day = utc(2026, 3, 9, 8)
    at = day.replace

    slow_ack = ticket(day)  # acknowledged 09:30 (due 09:00: missed), resolved 11:00
    slow_ack.acknowledge(agent, at=at(hour=9, minute=30))
    slow_ack.resolve(agent, at=at(hour=11))

    paused = ticket(day)  # pending 09:00-12:00 (3h before its deadline): due 15:00; 14:30
    paused.acknowledge(agent, at=at(minute=10))
    paused.change_status(agent, "pending", at=at(hour=9))
    paused.change_status(agent, "open", at=at(hour=12))
    paused.resolve(agent, at=at(hour=14, minute=30))

    late_pause = ticket(day)  # pending 11:30-13:00: due 13:30; resolved 13:20
    late_pause.acknowledge(agent, at=at(minute=5))
    late_pause.change_status(agent, "pending", at=at(hour=11, minute=30))
    late_pause.change_status(agent, "open", at=at(hour=13))
    late_pause.resolve(agent, at=at(hour=13, minute=20))

    reopened = ticket(day)  # resolved 09:00, reopened 10:00: due 13:00; resolved 13:00
    reopened.acknowledge(agent, at=at(minute=20))
    reopened.resolve(agent, at=at(hour=9))
    reopened.reopen(agent, at=at(hour=10))
    reopened.resolve(agent, at=at(hour=13))

    moved = ticket(day, team="apps")  # under Apps until 10:00, then the desk's: due 12:00
    moved.acknowledge(lead, at=at(minute=30))
    moved.update(supervisor, team=teams["desk"], at=at(hour=10))
    moved.resolve(agent, at=at(hour=11, minute=30))

    still_open = ticket(utc(2026, 3, 10, 10, 30))  # response due 11:30 has come: missed
    ticket(utc(2026, 3, 10, 9), team="apps")  # the Apps policy's: not the draft's
    ticket(utc(2026, 1, 20, 11))  # 49 days ago: outside the window
    return {
        "standard": standard,
        "slow_ack": slow_ack,
        "paused": paused,
        "late_pause": late_pause,
        "reopened": reopened,
        "moved": moved,
        "open": still_open,
    }


@pytest.mark.parametrize("chunk", [500, 2], ids=["all-at-once", "two-tickets-at-a-time"])
def test_an_sla_draft_replayed_gives_the_hand_counted_breaches(history, chunk, monkeypatch):
    monkeypatch.setattr("escalation.replay_sla.CHUNK", chunk)
    # The draft: 2h to respond (looser), 3h to resolve (stricter). Under it:
    # response  — slow_ack's 09:30 meets 10:00, the open ticket's 12:30 has not come: 2 lost;
    # resolution — slow_ack meets 11:00 to the second; paused misses 14:00 (its pause still
    # counts); late_pause misses 11:00 (paused after it: the breach is final); reopened
    # misses 12:00; moved misses 11:00 (measured from creation after its move): 4 gained.
    replay = sla_replay(history["standard"], targets(2 * HOUR, 3 * HOUR))

    result = run(replay, now=NOW)

    [group] = result["groups"]
    assert (group["team"], group["priority"], group["tickets"]) == ("Service Desk", "P3", 6)
    assert group["response"] == {"actual": 2, "draft": 0, "gained": 0, "lost": 2}
    assert group["resolution"] == {"actual": 0, "draft": 4, "gained": 4, "lost": 0}
    assert (group["gained"], group["lost"], group["actual"], group["draft"]) == (4, 2, 2, 4)
    # Every ticket moves by an hour (response 1h later, resolution 1h earlier; a tie shows the
    # resolution) except late_pause, whose resolution moves 2h 30m earlier.
    assert len(result["movers"]) == 6
    assert result["movers"][0] == {
        "ticket": history["late_pause"].reference,
        "clock": "resolution",
        "actual": "2026-03-09T13:30:00+00:00",
        "draft": "2026-03-09T11:00:00+00:00",
        "moves": "-2h 30m",
        "by": "2h 30m",
        "direction": "earlier",
        "actual_local": "Mon 2026-03-09 13:30 UTC",
        "draft_local": "Mon 2026-03-09 11:00 UTC",
    }
    assert [(m["ticket"], m["moves"]) for m in result["movers"][1:]] == [
        (history[name].reference, "-1h") for name in ("slow_ack", "paused", "reopened", "moved")
    ] + [(history["open"].reference, "-1h")]
    replay.refresh_from_db()
    assert (replay.state, replay.result["kind"]) == ("done", "sla")


def test_a_draft_equal_to_the_policy_in_force_changes_nothing(history):
    """The replayed clock is the live one: the same terms give the recorded due times."""
    result = run(sla_replay(history["standard"], targets(HOUR, 4 * HOUR)), now=NOW)

    [group] = result["groups"]
    assert (group["gained"], group["lost"], group["actual"]) == (0, 0, 2)
    assert result["movers"] == []


def test_a_draft_for_another_team_leaves_the_default_policys_tickets_out(history, teams):
    # A new policy naming the Engineering team: no ticket of the window was ever Engineering's.
    result = run(
        sla_replay(None, targets(60, 60), teams=[teams["eng"].pk], is_default=False), now=NOW
    )

    assert result["groups"] == []


def test_a_dst_night_in_a_berlin_calendar(teams, agent, customer, make_ticket):
    """Berlin, open 00:00-06:00 every night. On 29 March 2026 the clocks skip 02:00-03:00. A
    ticket created on Saturday at 23:00 CET (22:00 UTC), closed, with 4h to resolve: the
    calendar opens at 00:00 CET, runs 2h to 02:00 CET, jumps to 03:00 CEST and runs 2h more:
    due 05:00 CEST (03:00 UTC). Not 02:00 UTC (24×7, or four hours of local wall clock from
    midnight). Resolved at 02:30 UTC it meets the draft; under the 24×7 policy in force (3h,
    due 01:00 UTC) it missed: one breach lost."""
    standard = sla_policy(None, response=HOUR, resolution=3 * HOUR)
    nights = BusinessCalendar.objects.create(name="Berlin nights", timezone="Europe/Berlin")
    for weekday in range(7):
        OpeningHours.objects.create(calendar=nights, weekday=weekday, start=time(0), end=time(6))
    ticket = make_ticket(customer, team=teams["desk"], at=utc(2026, 3, 28, 22))
    ticket.acknowledge(agent, at=utc(2026, 3, 28, 22, 45))
    ticket.resolve(agent, at=utc(2026, 3, 29, 2, 30))

    replay = sla_replay(standard, targets(2 * HOUR, 4 * HOUR), calendar=nights)
    result = run(replay, now=utc(2026, 3, 30, 12))

    [group] = result["groups"]
    assert group["resolution"] == {"actual": 1, "draft": 0, "gained": 0, "lost": 1}
    assert group["response"] == {"actual": 0, "draft": 0, "gained": 0, "lost": 0}
    resolution = next(m for m in result["movers"] if m["clock"] == "resolution")
    assert resolution["actual"] == "2026-03-29T01:00:00+00:00"
    assert resolution["draft"] == "2026-03-29T03:00:00+00:00"
    assert resolution["draft_local"] == "Sun 2026-03-29 05:00 CEST"
    assert resolution["moves"] == "+2h"


def test_a_supervisor_replays_the_unsaved_sla_form_from_the_admin(
    client, supervisor, history, django_capture_on_commit_callbacks, monkeypatch
):
    from .test_admin import inline

    standard = history["standard"]
    queued = []
    monkeypatch.setattr("escalation.admin.replays.async_task", lambda *a: queued.append(a))
    client.force_login(supervisor)
    change = client.get(reverse("admin:escalation_slapolicy_change", args=[standard.pk]))
    assert 'id="replay-button"' in change.content.decode()  # reachable from the change form
    form = {
        "name": "Standard",
        "is_default": "on",
        "preview-policy": standard.pk,
        "replay-days": "30",
        **inline(
            "targets",
            {
                "id": standard.targets.get().pk,
                "policy": standard.pk,
                "priority": "P3",
                "first_response_seconds": "2h",
                "resolution_seconds": "3h",
            },
        ),
        "targets-INITIAL_FORMS": 1,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:escalation_slapolicy_replay"), form)

    assert response.status_code == 200, response.content.decode()
    replay = Replay.objects.get()
    assert queued == [("escalation.tasks.run_replay", replay.pk)]
    assert (replay.kind, replay.sla_policy, replay.draft["targets"]) == (
        "sla",
        standard,
        {"P3": [7200, 10800]},
    )
    assert "Replaying “Standard” against the last 30 days" in response.content.decode()
    run(replay, now=NOW)
    status = client.get(reverse("admin:escalation_slapolicy_replay_status", args=[replay.pk]))
    page = status.content.decode()
    assert "Breaches per team and priority" in page
    assert "<td>4 <br><small>response 0 · resolution 4</small></td>" in page  # gained
    assert "<td>2 <br><small>response 2 · resolution 0</small></td>" in page  # lost
    assert "resolution due 2h 30m earlier (Mon 2026-03-09 13:30 UTC → Mon 2026-03-09 11:00" in page


def test_a_bad_sla_draft_or_days_is_said_in_the_panel_never_a_500(client, supervisor, history):
    from .test_admin import inline

    client.force_login(supervisor)
    form = {
        "name": "Standard",
        "replay-days": "0",
        **inline(
            "targets",
            {"priority": "P3", "first_response_seconds": "soon", "resolution_seconds": "3h"},
        ),
    }
    response = client.post(reverse("admin:escalation_slapolicy_replay"), form)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Target row 1, First response" in page
    assert "Days back: Ensure this value is greater than or equal to 1." in page
    assert not Replay.objects.exists()
