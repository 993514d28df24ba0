"""The escalations report on the fixed dataset: levels per team, hand-offs, manual reasons."""

import pytest

from escalation.reports.escalations import escalations_report

from .conftest import period

pytestmark = pytest.mark.django_db
MARCH = ("2026-03-01", "2026-03-31")


def test_levels_per_team(dataset):
    rows = escalations_report(period(*MARCH))["rows"]
    # P2 only, level 1 at the first-response deadline: cancelled by every acknowledgement (the
    # engine ran only in April), fired late for B4 and E10, whose teams have no lead to tell.
    assert [
        (r["team_name"], r["level"], r["fired"], r["late"], r["reached_nobody"], r["cancelled"])
        for r in rows
    ] == [("Service Desk", 1, 1, 1, 1, 7), ("Application Support", 1, 1, 1, 1, 10)]


def test_hand_offs_and_manual_reasons(dataset):
    found = escalations_report(period(*MARCH))
    assert [
        (h["from_team_name"], h["from_tier"], h["to_team_name"], h["to_tier"], h["manual"])
        for h in found["handoffs"]
    ] == [("Service Desk", 1, "Application Support", 2, 1)]
    assert [(m["reference"], m["reason"], m["actor"]) for m in found["manual"]] == [
        (dataset["D1"].reference, "Needs the application team", "tier1-agent")
    ]


def test_a_leads_scope_keeps_hand_offs_touching_their_teams(dataset, teams):
    found = escalations_report(period(*MARCH, readable={teams["apps"].pk}))
    assert [r["team_name"] for r in found["rows"]] == ["Application Support"]
    assert len(found["handoffs"]) == len(found["manual"]) == 1
    found = escalations_report(period(*MARCH, readable={teams["eng"].pk}))
    assert found == {"rows": [], "handoffs": [], "manual": []}
