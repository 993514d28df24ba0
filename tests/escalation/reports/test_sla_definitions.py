"""The SLA report on the fixed dataset, one test per definition of docs/reports.md; every
expected figure is worked out by hand in dataset.py beside the ticket it comes from."""

import pytest

from escalation.reports.sla import sla_report

from .conftest import period
from .dataset import NOW

pytestmark = pytest.mark.django_db

MARCH = ("2026-03-01", "2026-03-31")


def rows_by(rows):
    return {(row["team_name"], row["priority"]): row for row in rows}


def march(**filters):
    return rows_by(sla_report(period(*MARCH, **filters), NOW))


def test_mtta_runs_from_creation_to_acknowledgement(dataset):
    row = march()["Service Desk", "P3"]  # A0-A9: acknowledged 10..100 minutes after creation
    assert (row["mtta_median_seconds"], row["mtta_p90_seconds"]) == (3000, 5400)
    assert (row["response_met"], row["response_missed"]) == (10, 0)


def test_mttr_runs_from_creation_to_resolution_less_paused_time(dataset):
    row = march()["Service Desk", "P2"]
    # B1, B5: pending and on hold left out; B7: a pause after the deadline too; B8: resolved
    # while pending, stopped when it became pending.
    assert (row["mttr_median_seconds"], row["mttr_p90_seconds"]) == (10800, 21600)
    assert (row["mttr_median_wall_seconds"], row["mttr_p90_wall_seconds"]) == (10800, 21600)
    assert (row["resolution_met"], row["resolution_missed"]) == (4, 4)


def test_times_in_business_seconds_of_the_tickets_calendar_and_in_wall_seconds(dataset):
    row = march()["Application Support", "P3"]
    assert (row["mtta_median_seconds"], row["mtta_p90_seconds"]) == (10800, 25200)
    assert (row["mtta_median_wall_seconds"], row["mtta_p90_wall_seconds"]) == (64800, 241200)
    assert (row["mttr_median_seconds"], row["mttr_p90_seconds"]) == (39600, 72000)
    assert (row["mttr_median_wall_seconds"], row["mttr_p90_wall_seconds"]) == (154800, 345600)


def test_a_dst_night_counts_the_real_hours(dataset, teams):
    (row,) = sla_report(period("2026-03-29", "2026-03-31", team=teams["apps"]), NOW)
    # C3 alone: Sunday 01:00 CET to 05:00 CEST, 3 real hours of the night watch.
    assert row["tickets"] == 1
    assert row["mtta_median_seconds"] == row["mtta_median_wall_seconds"] == 10800
    assert (row["mttr_median_seconds"], row["mttr_median_wall_seconds"]) == (28800, 129600)


def test_median_and_p90_are_nearest_rank(dataset):
    row = march()["Application Support", "P2"]  # E0-E9: 900..9000, E10 unanswered
    assert (row["mtta_median_seconds"], row["mtta_p90_seconds"]) == (4500, 8100)
    assert row["mttr_median_seconds"] == row["mttr_p90_seconds"] == 21600


def test_a_ticket_counts_in_the_period_its_deadline_falls_in(dataset, teams):
    march_rows = march()
    # C6 (created in February, due in March) counts in March; C5 (created in March, due in
    # April) in April; F1-F3 have no target and count by their creation.
    assert march_rows["Application Support", "P3"]["tickets"] == 5
    assert march_rows["Engineering", "P4"]["tickets"] == 1
    april = rows_by(sla_report(period("2026-04-01", "2026-04-30"), NOW))
    assert april["Application Support", "P3"]["tickets"] == 1
    assert april["Application Support", "P3"]["mtta_median_seconds"] == 1800
    assert april["Engineering", "P4"]["tickets"] == 1


def test_a_reopened_ticket_counts_once_with_its_final_resolution(dataset, teams):
    (row,) = sla_report(period("2026-03-16", "2026-03-16", team=teams["desk"]), NOW)
    # B1 (7200) and B2: resolved at 12:00, reopened at 14:00, resolved at 15:00: one ticket,
    # 5h less the 2h it stood resolved.
    assert row["tickets"] == 2
    assert (row["mttr_median_seconds"], row["mttr_p90_seconds"]) == (7200, 10800)
    assert (row["resolution_met"], row["resolution_missed"]) == (2, 0)


def test_drills_never_count(dataset):
    assert march()["Application Support", "P3"]["tickets"] == 5
    dataset["C4"].__class__.objects.filter(pk=dataset["C4"].pk).update(drill=False)
    assert march()["Application Support", "P3"]["tickets"] == 6


def test_the_whole_month_by_hand(dataset):
    found = [
        (
            r["team_name"],
            r["priority"],
            r["tickets"],
            r["response_met"],
            r["response_missed"],
            r["resolution_met"],
            r["resolution_missed"],
            r["escalations"],
        )
        for r in sla_report(period(*MARCH), NOW)
    ]
    assert found == [
        ("Service Desk", "P2", 8, 6, 2, 4, 4, 1),
        ("Service Desk", "P3", 10, 10, 0, 8, 2, 0),
        ("Application Support", "P2", 11, 8, 3, 10, 1, 1),
        ("Application Support", "P3", 5, 3, 2, 4, 1, 1),
        ("Engineering", "P4", 1, 0, 0, 0, 0, 0),
    ]


def test_filters_narrow_to_one_team_and_priority(dataset, teams):
    rows = sla_report(period(*MARCH, team=teams["apps"], priority="P2"), NOW)
    assert [(r["team_name"], r["priority"], r["tickets"]) for r in rows] == [
        ("Application Support", "P2", 11)
    ]
