"""The engine judges a claimed firing against `plan_of` its kind and level: the same firings,
with the same keys and due times, as the whole `plan` has of them (hypothesis)."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from escalation.planner import TicketState, plan, plan_of

from .business_time.strategies import calendars

START = datetime(2026, 1, 5, tzinfo=UTC)
ANCHORS = ["created", "response_due", "resolution_due"]


@st.composite
def policies(draw):
    orders = draw(st.lists(st.integers(1, 9), min_size=0, max_size=5, unique=True))
    levels = [
        {
            "order": order,
            "anchor": draw(st.sampled_from(ANCHORS)),
            "offset_seconds": draw(st.integers(-3 * 86400, 3 * 86400)),
        }
        for order in draw(st.permutations(orders))
    ]
    return {
        "id": draw(st.integers(1, 5)),
        "repeat": draw(st.integers(0, 3)),
        "repeat_interval_seconds": draw(st.sampled_from([0, 600, 3600, 86400])),
        "levels": levels,
    }


moments = st.integers(0, 30 * 86400).map(lambda s: START + timedelta(seconds=s))


@st.composite
def states(draw):
    created = draw(moments)
    later = st.integers(1, 10 * 86400).map(lambda s: created + timedelta(seconds=s))
    return TicketState(
        ticket_id=draw(st.integers(1, 3)),
        created_at=created,
        response_due=draw(st.none() | later),
        resolution_due=draw(st.none() | later),
        acknowledged_at=draw(st.none() | later),
        paused_since=draw(st.none() | later),
        active=draw(st.booleans()),
    )


@settings(max_examples=300, deadline=None)
@given(state=states(), policy=st.none() | policies(), calendar=st.none() | calendars())
def test_each_part_is_the_whole_plans_firings_of_that_kind_and_level(state, policy, calendar):
    whole = plan(state, policy, calendar)
    parts = {(p.kind, p.level) for p in whole} | {("level", 4), ("response_breach", 0)}
    for kind, level in parts:
        expected = [p for p in whole if (p.kind, p.level) == (kind, level)]
        part = plan_of(state, policy, calendar, kind, level)
        assert part == expected
        assert [p.actions for p in part] == [p.actions for p in expected]
