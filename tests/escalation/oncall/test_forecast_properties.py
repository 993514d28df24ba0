"""Property: for random rotations, overrides and absences (across DST changes), the forecast and
the engine agree on who is reached at each instant, and both match a plain oracle."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from escalation import forecast
from escalation.models import EscalationPolicy, Firing, OnCallOverride
from escalation.rotations import Cycle
from incidents.models import Absence, Membership
from notifications.models import Notification

from ..sla_setup import escalation_policy, run_engine, sla_policy
from . import builders

pytestmark = pytest.mark.django_db
NAMES = ("ana", "ben", "cem", "dee")
# Windows around the 2026 changes: New York 8 Mar and 1 Nov, Berlin 29 Mar and 25 Oct.
WINDOWS = [
    datetime(2026, 3, 7, tzinfo=UTC),
    datetime(2026, 3, 28, tzinfo=UTC),
    datetime(2026, 10, 24, tzinfo=UTC),
    datetime(2026, 10, 31, tzinfo=UTC),
]
DAYS = 2


@pytest.fixture
def world(make_user, teams, lead, supervisor):
    sla_policy(None)
    people = {name: make_user(name, role="agent") for name in NAMES}
    for person in people.values():
        Membership.objects.create(user=person, team=teams["desk"], role="agent")
    return {"teams": teams, "people": people}


def ranges(window):
    offsets = st.integers(0, DAYS * 24 * 60 - 1)
    lengths = st.integers(30, 20 * 60)
    return st.tuples(offsets, lengths).map(
        lambda p: (window + timedelta(minutes=p[0]), window + timedelta(minutes=p[0] + p[1]))
    )


@st.composite
def scenarios(draw):
    window = draw(st.sampled_from(WINDOWS))
    rotations = {}
    for layer in draw(st.sets(st.sampled_from([1, 2]), min_size=1)):
        rotations[layer] = {
            "zone": draw(st.sampled_from(["UTC", "Europe/Berlin", "America/New_York"])),
            "cadence": draw(st.sampled_from(["daily", "weekly"])),
            "handoff": time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 30]))),
            "weekday": draw(st.integers(0, 6)),
            "start": window.date() - timedelta(days=draw(st.integers(0, 9))),
            "members": draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=3)),
        }
    overrides = draw(
        st.lists(
            st.tuples(st.sampled_from([1, 2]), st.sampled_from(NAMES), ranges(window)), max_size=3
        )
    )
    absences = draw(
        st.lists(
            st.tuples(st.sampled_from(NAMES), st.sampled_from((None, *NAMES)), ranges(window)),
            max_size=3,
        )
    )
    targets = draw(st.sets(st.sampled_from(["on_call", "on_call_secondary"]), min_size=1))
    probes = draw(st.lists(st.integers(1, DAYS * 24 - 1), min_size=1, max_size=2, unique=True))
    return window, rotations, overrides, absences, sorted(targets), probes


def oracle(at, layer, rotations, overrides, absences):
    """Who a layer's target reaches at `at`, worked out plainly from the drawn data."""
    covering = [
        (i, who) for i, (lay, who, (s, e)) in enumerate(overrides) if lay == layer and s <= at < e
    ]
    if covering:
        holder = max(covering)[1]
    elif layer in rotations:
        r = rotations[layer]
        cycle = Cycle(
            r["zone"], r["cadence"], r["handoff"], r["weekday"], r["start"], tuple(r["members"])
        )
        shift = cycle.shift_at(at)
        holder = shift.user if shift else None
    else:
        holder = None
    away = {}
    for who, deputy, (s, e) in absences:  # the latest made wins
        if s <= at < e and deputy != who:
            away[who] = deputy
    seen = set()
    while holder in away and holder not in seen:
        seen.add(holder)
        holder = away[holder]
    return None if holder in away else holder


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
def test_the_forecast_and_the_engine_agree_on_who_is_reached(
    world, make_ticket, customer, scenario
):
    window, rotations, overrides, absences, targets, probes = scenario
    note(repr(scenario))
    people, desk = world["people"], world["teams"]["desk"]
    with transaction.atomic():
        for layer, r in rotations.items():
            builders.rotation(
                desk,
                [people[n] for n in r["members"]],
                r["start"],
                layer=layer,
                zone=r["zone"],
                cadence=r["cadence"],
                handoff=r["handoff"],
            )
            desk.rotations.filter(layer=layer).update(handoff_weekday=r["weekday"])
        for layer, who, (s, e) in overrides:
            OnCallOverride.objects.create(team=desk, layer=layer, user=people[who], start=s, end=e)
        for who, deputy, (s, e) in absences:
            if deputy != who:
                Absence.objects.create(user=people[who], deputy=people.get(deputy), start=s, end=e)
        EscalationPolicy.objects.all().delete()
        escalation_policy([{"anchor": "created", "offset_seconds": 60, "notify": targets}])

        (row,) = forecast.forecast(desk, window, days=DAYS)
        by_hour = {}
        for span in row.spans:
            at = span.start
            while at < span.end:
                by_hour[at] = set(span.people)
                at += timedelta(hours=1)
        assert len(by_hour) == DAYS * 24
        for at, names in by_hour.items():
            expected = {
                oracle(
                    at, {"on_call": 1, "on_call_secondary": 2}[t], rotations, overrides, absences
                )
                for t in targets
            } - {None}
            assert names == expected, (at, names, expected)

        for hour in probes:
            at = window + timedelta(hours=hour)
            ticket = make_ticket(customer, team=desk, at=at - timedelta(seconds=60))
            run_engine(at)
            firing = Firing.objects.get(ticket=ticket, kind="level")
            assert firing.state == Firing.State.FIRED
            event = ticket.events.get(kind="escalated")
            told = set(
                Notification.objects.filter(cause=f"firing:{firing.pk}").values_list(
                    "recipient__username", flat=True
                )
            )
            if by_hour[at]:
                assert told == by_hour[at], (at, told, by_hour[at])
                assert "nobody" not in event.data
            else:
                assert event.data.get("nobody") is True
        transaction.set_rollback(True)
