"""Dropping the foreign keys' own indexes (incidents 0013, escalation 0007) keeps every row and
the configuration triggers, leaves the covering indexes, and is undone by migrating back."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from dbtools import configuration

from .states import apps_at

BEFORE = [("incidents", "0012_configuration_stamp"), ("escalation", "0006_bounds")]
AFTER = [
    ("incidents", "0013_composite_indexes_cover_foreign_keys"),
    ("escalation", "0007_composite_index_covers_ticket"),
]
# (table, column) whose own index goes, and an index that starts with the column and stays.
COVERED = [
    ("incidents_ticket", "team_id", "ticket_team_created_idx"),
    ("incidents_ticket", "assignee_id", "ticket_assignee_status_idx"),
    ("incidents_ticketevent", "ticket_id", "ticket_event_timeline_idx"),
    ("escalation_firing", "ticket_id", "firing_ticket_state_idx"),
]


def indexes(table):
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {name: about["columns"] for name, about in found.items() if about["index"]}


def identity(table):
    """What changes when a table is made anew: its first page (SQLite), its oid (PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT rootpage FROM sqlite_master WHERE name = %s", [table])
        else:
            cursor.execute("SELECT %s::regclass::oid", [table])
        return cursor.fetchone()[0]


def own_index(table, column):
    return [
        name
        for name, columns in indexes(table).items()
        if columns == [column] and "breached" not in name
    ]


@pytest.mark.django_db(transaction=True)
def test_the_own_indexes_go_and_come_back_and_nothing_else_moves(migrator):
    migrator.apply_initial_migration(BEFORE)
    # A clean start runs incidents 0013 too (it comes before escalation 0006 in the plan):
    # migrating to BEFORE again undoes it, the way an operator rolls back.
    migrator.apply_tested_migration(BEFORE)
    old = SimpleNamespace(apps=apps_at(BEFORE))
    for table, column, _covering in COVERED:
        assert len(own_index(table, column)) == 1, (table, column)
    User, Team = old.apps.get_model("auth", "User"), old.apps.get_model("incidents", "Team")
    Ticket = old.apps.get_model("incidents", "Ticket")
    user = User.objects.create(username="lena", email="lena@example.com")
    # incidents 0015 made the intake team on the way, and undoing it keeps the row.
    team, _ = Team.objects.get_or_create(slug="service-desk", defaults={"name": "Desk", "tier": 1})
    ticket = Ticket.objects.create(
        subject="VPN", description="down", requester=user, team=team, assignee=user
    )
    old.apps.get_model("incidents", "TicketEvent").objects.create(ticket=ticket, kind="created")
    now = timezone.now()
    old.apps.get_model("escalation", "Firing").objects.create(
        ticket=ticket, key="t1:p1:l1:r0", anchor="created", anchor_at=now, due_at=now
    )
    configuration.install_triggers()  # the migrator mutes post_migrate, which installs them
    triggers_before = configuration.triggered_tables()
    tables_before = {table: identity(table) for table, _column, _covering in COVERED}

    new = migrator.apply_tested_migration(AFTER)

    for table, column, covering in COVERED:
        assert own_index(table, column) == [], (table, column)
        assert indexes(table)[covering][0] == column
    # No table was rebuilt (Django's AlterField would on SQLite, dropping the triggers).
    assert {table: identity(table) for table, _column, _covering in COVERED} == tables_before
    assert configuration.triggered_tables() == triggers_before
    get = new.apps.get_model
    assert get("incidents", "Ticket").objects.filter(team=team.pk, assignee=user.pk).count() == 1
    assert get("incidents", "TicketEvent").objects.filter(ticket=ticket.pk).count() == 1
    assert get("escalation", "Firing").objects.filter(ticket=ticket.pk).count() == 1

    migrator.apply_tested_migration(BEFORE)
    for table, column, _covering in COVERED:
        assert len(own_index(table, column)) == 1, (table, column)
    assert configuration.triggered_tables() == triggers_before
