"""The days of sorted figures (escalation/ranks.py, models.DayFigures) and the percentiles
ranked from them (reports/ranks.py): which changes rebuild a day and which read none, a deleted
ticket, the pieces of days a reader's time zone or a bucket cuts, and writers of one day at
once. The random sequences are tests/escalation/test_work.py's property test."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from escalation import ranks
from escalation.models import DayFigures
from escalation.reports import ranks as ranks_read
from escalation.reports.trends import trends
from incidents.models import Ticket

from .reports.conftest import period
from .sla_setup import HOUR, sla_policy
from .test_work import kept_days, recomputed_days

pytestmark = pytest.mark.django_db

JAN_10 = datetime(2026, 1, 10, tzinfo=UTC)  # Berlin is UTC+1 in January


@pytest.fixture
def around_the_clock(db):
    """A 24×7 policy: a ticket's deadline is its creation and 16 hours."""
    return sla_policy(None, response=4 * HOUR, resolution=16 * HOUR, priorities=("P3", "P2"))


def opened(make_ticket, customer, teams, deadline, **fields):
    """A P3 ticket of the Service Desk whose resolution falls due at `deadline`."""
    return make_ticket(customer, team=teams["desk"], at=deadline - timedelta(hours=16), **fields)


def test_a_new_ticket_and_its_escalation_read_no_day_an_acknowledgement_one(
    around_the_clock, make_ticket, customer, agent, teams, django_assert_num_queries
):
    ticket = opened(make_ticket, customer, teams, JAN_10 + timedelta(hours=12))
    assert not DayFigures.objects.exists()
    ticket.set_priority(agent, "P2", reason="Worse", at=JAN_10 - timedelta(hours=3))
    assert not DayFigures.objects.exists()  # the deadline moved, but no time to move with it
    ticket.acknowledge(agent, at=JAN_10 - timedelta(hours=2))
    (day,) = DayFigures.objects.all()
    assert (day.day, day.team, day.priority) == (date(2026, 1, 10), teams["desk"].pk, "P2")
    assert kept_days() == recomputed_days()


def test_a_deleted_ticket_leaves_its_day(around_the_clock, make_ticket, customer, agent, teams):
    first, second = (
        opened(make_ticket, customer, teams, JAN_10 + timedelta(hours=h)) for h in (2, 3)
    )
    for ticket in (first, second):
        ticket.acknowledge(agent, at=ticket.created_at + timedelta(hours=1))
    assert [len(v) for v in kept_days()[date(2026, 1, 10), teams["desk"].pk, "P3"]] == [2, 2, 0, 0]
    Ticket.objects.filter(pk=first.pk).delete()
    assert kept_days() == recomputed_days()
    assert [len(v) for v in kept_days()[date(2026, 1, 10), teams["desk"].pk, "P3"]] == [1, 1, 0, 0]


def test_a_utc_day_a_readers_midnight_cuts_is_read_from_the_clocks(
    around_the_clock, make_ticket, customer, agent, teams
):
    """Both deadlines fall on 10 January in UTC, on the 10th and the 11th in Berlin: the day
    is two pieces for a Berlin reader's days, whole for a UTC reader's."""
    before = opened(make_ticket, customer, teams, JAN_10 + timedelta(hours=22, minutes=30))
    after = opened(make_ticket, customer, teams, JAN_10 + timedelta(hours=23, minutes=30))
    before.acknowledge(agent, at=before.created_at + timedelta(hours=1))
    after.acknowledge(agent, at=after.created_at + timedelta(hours=2))
    for by_days in (True, False):
        with timezone.override("Europe/Berlin"):
            berlin = medians(period("2026-01-10", "2026-01-11"), by_days)
        with timezone.override("UTC"):
            utc = medians(period("2026-01-10", "2026-01-11"), by_days)
        assert berlin == [(date(2026, 1, 10), 1, 3600), (date(2026, 1, 11), 1, 7200)], by_days
        assert utc == [(date(2026, 1, 10), 2, 3600), (date(2026, 1, 11), 0, None)], by_days


def medians(chosen, by_days):
    """(day, tickets, median time to acknowledge) of each day of the trends."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ranks_read, "grouped", _forced(ranks_read.grouped, by_days))
        rows = trends(chosen, JAN_10 + timedelta(days=3))
    return [(r["starts"], r["tickets"], r["mtta_median_seconds"]) for r in rows]


def _forced(grouped, by_days):
    def forced(*args, **kwargs):
        return grouped(*args, **kwargs, by_days=by_days)

    return forced


def test_the_pieces_and_whole_days_of_a_period():
    with timezone.override("Europe/Berlin"):
        chosen = period("2026-01-10", "2026-01-12")
        days = [date(2026, 1, 10) + timedelta(days=n) for n in range(4)]
        ends = [datetime(2026, 1, d, 23, tzinfo=UTC) for d in (10, 11, 12)]
    start, end = datetime(2026, 1, 9, 23, tzinfo=UTC), datetime(2026, 1, 12, 23, tzinfo=UTC)
    # One bucket (the SLA report): the two edges; days (the trends): every day is cut.
    assert ranks_read.split(chosen) == (days[:2], [(start, JAN_10), (days_at(12), end)])
    assert ranks_read.split(chosen, ends) == ([], [(start, end)])
    with timezone.override("UTC"):
        midnights = [days_at(d) for d in (11, 12, 13)]
        assert ranks_read.split(period("2026-01-10", "2026-01-12"), midnights) == (days[:3], [])


def days_at(day):
    return datetime(2026, 1, day, tzinfo=UTC)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has one writer at a time: two transactions writing a day never overlap",
)
@pytest.mark.django_db(transaction=True)
def test_writers_of_one_day_at_once_leave_it_whole(
    around_the_clock, make_ticket, customer, agent, teams, monkeypatch
):
    """Eight processes acknowledge tickets due the same day at once, each having written its
    clock and none committed when they all come to rebuild the day: each rebuilds it from the
    clocks under the day's row lock, so each reads those committed before it took the lock,
    and the day ends whole (without the lock, each writes the day with its own ticket alone)."""
    tickets = [
        opened(make_ticket, customer, teams, JAN_10 + timedelta(hours=12, minutes=n))
        for n in range(8)
    ]
    together = threading.Barrier(8, timeout=30)
    keep = ranks.keep

    def keep_together(days, using=None):
        together.wait()
        keep(days, using)

    monkeypatch.setattr(ranks, "keep", keep_together)

    def acknowledge(n):
        try:
            with transaction.atomic():
                ticket = tickets[n]
                ticket.acknowledge(agent, at=ticket.created_at + timedelta(minutes=5 + n))
        finally:
            connection.close()

    workers = [threading.Thread(target=acknowledge, args=(n,)) for n in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    day = kept_days()[date(2026, 1, 10), teams["desk"].pk, "P3"]
    assert [len(values) for values in day] == [8, 8, 0, 0]
    assert kept_days() == recomputed_days()


def test_packing_keeps_the_values_in_order():
    values = [7, 0, 2**31 - 1, 3600, 7]
    assert list(ranks.unpack(ranks.pack(values))) == sorted(values)
    assert list(ranks.unpack(b"")) == []


def test_ranks_of_packed_runs_less_the_values_left_out():
    runs = [ranks.pack([5, 1, 9]), ranks.pack([1, 7]), b""]
    assert ranks_read.at_ranks(runs, [], (0.5, 0.9)) == [5, 9]  # of 1 1 5 7 9
    assert ranks_read.at_ranks(runs, [1, 1], (0.5, 0.9)) == [7, 9]  # of 5 7 9
    assert ranks_read.at_ranks(runs, [1, 4], (0.5,)) == [5]  # of 1 5 7 9; no 4 to leave out
    assert ranks_read.at_ranks(runs, [9, 7, 5, 1, 1], (0.5, 0.9)) == [None, None]
    assert ranks_read.at_ranks([], [], (0.5,)) == [None]


def test_rebuilt_from_every_clock_as_the_migration_fills_them(
    around_the_clock, make_ticket, customer, agent, teams
):
    """rebuild_all (migration escalation 0030, seed_bench) makes the days the changes kept."""
    for hours in (2, 26, 50):
        ticket = opened(make_ticket, customer, teams, JAN_10 + timedelta(hours=hours))
        ticket.acknowledge(agent, at=ticket.created_at + timedelta(minutes=hours))
    ticket.resolve(agent, at=ticket.created_at + timedelta(hours=3))
    kept = kept_days()
    assert len(kept) == 3
    DayFigures.objects.all().delete()
    assert ranks.rebuild_all() == 3
    assert kept_days() == kept == recomputed_days()
