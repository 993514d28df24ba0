"""The drawn SLA timeline: geometry from given times (desk.timeline.sla_chart), and the SVG."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from desk.timeline import Clock, paused_spans, sla_chart
from escalation.ladder import Step
from tests.conftest import utc
from tests.escalation.sla_setup import HOUR, escalation_policy, run_engine, sla_policy

T0 = utc(2026, 3, 2, 9, 0)


def at(hours):
    return T0 + timedelta(hours=hours)


def test_bars_run_from_creation_to_due_on_one_scale():
    clocks = [Clock("response", "First response", at(1)), Clock("resolution", "Resolution", at(8))]
    chart = sla_chart(T0, at(2), clocks, [], [], width=300)
    response, resolution = chart.bars
    # 12 px padding each side: 276 px for 8 hours.
    assert (response.x0, response.x1, resolution.x1) == (12, 46.5, 288)
    assert chart.now_x == 81
    assert (response.state, resolution.state) == ("overdue", "running")
    assert response.overdue == (46.5, 34.5)
    assert response.note == "overdue since Mon 02 Mar 10:00"
    assert resolution.y - response.y == 46


def test_paused_spans_are_shaded_and_a_current_pause_reaches_now():
    spans = paused_spans(
        [(at(1), "open"), (at(2), "pending"), (at(3), "open"), (at(5), "on_hold")], at(6)
    )
    assert spans == ((at(2), at(3)), (at(5), None))
    chart = sla_chart(T0, at(6), [Clock("resolution", "Resolution", at(8), paused=spans)], [], [])
    [bar] = chart.bars
    assert bar.state == "paused"
    assert bar.paused == [(81, 34.5), (184.5, 34.5)]


def test_a_resolved_ticket_is_stopped_not_paused():
    spans = paused_spans([(at(2), "resolved")], at(6))
    assert spans == ()
    chart = sla_chart(T0, at(6), [Clock("resolution", "Resolution", at(4), stopped=at(2))], [], [])
    assert chart.bars[0].state == "stopped" and chart.bars[0].stop_x == 104


def test_markers_past_filled_future_hollow_with_who_and_what():
    clocks = [Clock("response", "First response", at(1)), Clock("resolution", "Resolution", at(8))]
    past = [Step(at(0.75), "Level 1 warning", "late", ["tier1-lead"], [], "response")]
    upcoming = [
        Step(at(1), "Level 2", "upcoming", ["tier2-agent"], ["Moves to Apps (tier 2)"], "response"),
        Step(at(8), "Resolution SLA breached", "upcoming", [], [], "resolution"),
    ]
    chart = sla_chart(T0, at(0.8), clocks, past, upcoming)
    fired, level2 = chart.bars[0].markers
    assert (fired.filled, fired.late, level2.filled) == (True, True, False)
    assert fired.title == "Level 1 warning: fired late, Mon 02 Mar 09:45. Told: tier1-lead."
    assert level2.title == (
        "Level 2: due Mon 02 Mar 10:00. Will tell: tier2-agent. Moves to Apps (tier 2)."
    )
    assert chart.bars[1].markers[0].title.endswith("Will tell: nobody named.")


def test_a_clock_without_target_has_no_bar_end():
    chart = sla_chart(T0, at(1), [Clock("response", "First response", None)], [], [])
    assert chart.bars[0].x1 is None and chart.bars[0].note == "no target"


@pytest.mark.django_db
def test_the_workspace_draws_the_svg(client_for, agent, customer, teams, make_ticket, lead):
    sla_policy(None, response=HOUR, resolution=8 * HOUR)
    escalation_policy(
        [{"anchor": "response_due", "offset_seconds": -900, "notify": ["team_leads"]}]
    )
    now = timezone.now()
    ticket = make_ticket(customer, team=teams["desk"], at=now - timedelta(minutes=50))
    run_engine(now)
    html = client_for(agent).get(reverse("desk:ticket", args=[ticket.pk])).content.decode()
    assert '<svg viewBox="0 0 300' in html and 'role="img"' in html
    assert "<title>Level 1 warning, 15m before the first-response deadline: fired late" in html
    assert "Told: tier1-lead.</title>" in html
    assert "First response: due " in html and "<title>Now</title>" in html
    assert " style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
