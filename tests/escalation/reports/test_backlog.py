"""The backlog report: active tickets now, by age band and status, per team."""

import pytest

from escalation.reports.backlog import backlog_report

from .conftest import period
from .dataset import NOW

pytestmark = pytest.mark.django_db


def test_open_tickets_by_age_and_status(dataset):
    rows = backlog_report(period("2026-04-01", "2026-04-21"), NOW)
    # B4 and E10 never answered (new, 35 and 32 days old); F2 and F3 acknowledged (open, 70 and
    # 19 days); the drill C4 (open) left out; everything else resolved.
    assert [
        (r["team_name"], r["status"], r["from_7d_to_30d"], r["over_30d"], r["total"]) for r in rows
    ] == [
        ("Service Desk", "new", 0, 1, 1),
        ("Application Support", "new", 0, 1, 1),
        ("Engineering", "open", 1, 1, 2),
    ]


def test_the_team_filter_applies(dataset, teams):
    rows = backlog_report(period("2026-04-01", "2026-04-21", team=teams["eng"]), NOW)
    assert [(r["team_name"], r["total"]) for r in rows] == [("Engineering", 2)]
