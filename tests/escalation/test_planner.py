"""The planner: pure, so its keys and due times are checked without a database."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from escalation.planner import TicketState, is_moot, plan

BERLIN = ZoneInfo("Europe/Berlin")
POLICY = {
    "id": 7,
    "repeat": 2,
    "repeat_interval_seconds": 600,
    "levels": [
        {"order": 1, "anchor": "created", "offset_seconds": 600},
        {"order": 2, "anchor": "response_due", "offset_seconds": -900},
        {"order": 3, "anchor": "resolution_due", "offset_seconds": 0},
    ],
}


def state(created, **extra):
    fields = {
        "response_due": created + timedelta(hours=1),
        "resolution_due": created + timedelta(hours=4),
    }
    fields.update(extra)
    return TicketState(ticket_id=1, created_at=created, **fields)


def test_the_same_instant_in_any_zone_gives_the_same_keys():
    in_berlin = datetime(2025, 6, 2, 12, 30, tzinfo=BERLIN)
    in_utc = in_berlin.astimezone(UTC)
    assert [p.key for p in plan(state(in_berlin), POLICY, None)] == [
        p.key for p in plan(state(in_utc), POLICY, None)
    ]


def test_levels_repeats_and_breaches_in_due_order():
    created = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    planned = plan(state(created), POLICY, None)
    assert [(p.kind, p.level, p.repeat, p.due_at - created) for p in planned] == [
        ("level", 1, 0, timedelta(minutes=10)),
        ("level", 2, 0, timedelta(minutes=45)),
        ("response_breach", 0, 0, timedelta(hours=1)),
        ("level", 3, 0, timedelta(hours=4)),
        ("resolution_breach", 0, 0, timedelta(hours=4)),
        ("level", 3, 1, timedelta(hours=4, minutes=10)),
        ("level", 3, 2, timedelta(hours=4, minutes=20)),
    ]


def test_acknowledgement_leaves_only_resolution_levels_and_a_late_ack_keeps_the_breach():
    created = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    on_time = plan(state(created, acknowledged_at=created + timedelta(minutes=5)), POLICY, None)
    assert {p.anchor for p in on_time} == {"resolution_due"}
    late = plan(state(created, acknowledged_at=created + timedelta(hours=2)), POLICY, None)
    assert "response_breach" in {p.kind for p in late}


def test_a_paused_clock_has_no_resolution_levels_and_a_resolved_ticket_no_levels():
    created = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    paused = plan(state(created, paused_since=created + timedelta(hours=1)), POLICY, None)
    assert "resolution_due" not in {p.anchor for p in paused if p.kind == "level"}
    done = plan(
        state(
            created,
            paused_since=created + timedelta(minutes=30),
            active=False,
            acknowledged_at=created,
        ),
        POLICY,
        None,
    )
    assert done == []


def test_moving_a_deadline_moves_the_due_times_of_its_levels_not_their_keys():
    created = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    before = {p.key: p.due_at for p in plan(state(created), POLICY, None)}
    later = state(created, resolution_due=created + timedelta(hours=6))
    after = {p.key: p.due_at for p in plan(later, POLICY, None)}
    assert set(before) == set(after)
    moved = {key for key in before if before[key] != after[key]}
    assert moved and all(":l3:" in key or "resolution_breach" in key for key in moved)


def test_a_level_is_named_by_ticket_policy_level_and_repeat_alone():
    created = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    keys = {p.key for p in plan(state(created), POLICY, None) if p.kind == "level"}
    assert keys and all(key.count(":") == 3 and key.startswith("t1:p") for key in keys)


def test_a_warning_first_planned_after_its_deadline_is_moot():
    created = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    warning = next(p for p in plan(state(created), POLICY, None) if p.level == 2)
    assert not is_moot(warning, created + timedelta(minutes=50))
    assert is_moot(warning, created + timedelta(hours=1, seconds=1))


def test_only_a_levels_first_firing_changes_the_ticket_never_a_warning_or_repeat():
    created = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    policy = {
        **POLICY,
        "levels": [
            {"order": 1, "anchor": "response_due", "offset_seconds": -600, "reassign_to": 3},
            {"order": 2, "anchor": "response_due", "offset_seconds": 0, "set_priority": "P1"},
        ],
    }
    changing = [(p.level, p.repeat) for p in plan(state(created), policy, None) if p.changes_ticket]
    assert changing == [(2, 0)]
