"""The upgrade path: a database built by the migrations of main before issues 20–22 (incidents
0014, escalation 0007, notifications 0002), with a row in every table of ours, migrates to
today's models and every row is still there, on SQLite and PostgreSQL alike."""

from datetime import time, timedelta

import pytest
from django.apps import apps as current_apps
from django.utils import timezone

from .states import apps_at

BEFORE = [
    ("incidents", "0014_team_unassigned_index"),
    ("escalation", "0007_composite_index_covers_ticket"),
    ("notifications", "0002_cause_and_tables"),
]
OURS = ("incidents", "escalation", "notifications")
# Tables made after BEFORE, which the old database cannot have had rows in.
NEW_TABLES = {
    # issue 23: on-call, out of office, outside contacts
    "escalation_coverrequest",
    "escalation_escalationlevel_notify_contacts",
    "escalation_oncallfeed",
    "escalation_oncalloverride",
    "escalation_rotation",
    "escalation_rotationmember",
    "incidents_absence",
    "notifications_contact",
    # issue 28: a person's zone and language, followers
    "incidents_follower",
    "incidents_profile",
    # issue 25: email in
    "notifications_inboundmail",
    "notifications_mailaddress",
    # issue 27: configuration history, replays
    "incidents_historicalteam",
    "incidents_historicalprioritymatrixentry",
    "escalation_historicalbusinesscalendar",
    "escalation_historicalopeninghours",
    "escalation_historicalholiday",
    "escalation_historicalslapolicy",
    "escalation_historicalslapolicy_teams",
    "escalation_historicalslatarget",
    "escalation_historicalescalationpolicy",
    "escalation_historicalescalationpolicy_teams",
    "escalation_historicalescalationlevel",
    "escalation_replay",
    # issue 26: the people's slots of work, filled from the events by escalation 0028
    "escalation_workslot",
    # issue 26: the days of sorted figures, filled from the clocks by escalation 0030
    "escalation_dayfigures",
}


def latest():
    """Every app of ours at its newest migration."""
    from django.db.migrations.loader import MigrationLoader

    leaves = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()
    return [node for node in leaves if node[0] in OURS]


def fill(apps):
    """A row in every table of ours (through tables included); returns {table: {pk, …}}."""
    get = apps.get_model
    now = timezone.now()
    get("incidents", "ConfigurationStamp").objects.get_or_create(id=1, defaults={"stamp": "up"})
    user = get("auth", "User").objects.create(username="lena", email="lena@example.com")
    desk = get("incidents", "Team").objects.filter(is_intake=True).first()
    desk = desk or get("incidents", "Team").objects.create(
        name="Upgrade desk", slug="upgrade-desk", tier=1, is_intake=True
    )
    apps_team = get("incidents", "Team").objects.create(
        name="Upgrade apps", slug="upgrade-apps", tier=2
    )
    get("incidents", "Membership").objects.create(user=user, team=desk, role="lead")
    get("incidents", "PriorityMatrixEntry").objects.get_or_create(
        impact="high", urgency="high", defaults={"priority": "P1"}
    )
    get("incidents", "SavedReply").objects.create(title="Thanks", body="Thank you.", team=desk)
    ticket = get("incidents", "Ticket").objects.create(
        subject="VPN", description="down", requester=user, team=desk, reference="HD-9001"
    )
    reply = get("incidents", "Reply").objects.create(ticket=ticket, author=user, body="On it")
    get("incidents", "Attachment").objects.create(
        ticket=ticket,
        reply=reply,
        file="attachments/1/log.txt",
        filename="log.txt",
        content_type="text/plain",
        size=3,
        uploaded_by=user,
    )
    get("incidents", "TicketEvent").objects.create(ticket=ticket, kind="created", at=now)

    calendar = get("escalation", "BusinessCalendar").objects.create(
        name="Upgrade office", timezone="Europe/Berlin"
    )
    get("escalation", "OpeningHours").objects.create(
        calendar=calendar, weekday=0, start=time(9), end=time(17)
    )
    get("escalation", "Holiday").objects.create(calendar=calendar, date=now.date())
    sla = get("escalation", "SLAPolicy").objects.create(name="Upgrade SLA", calendar=calendar)
    sla.teams.add(desk)
    get("escalation", "SLATarget").objects.create(
        policy=sla, priority="P1", first_response_seconds=60, resolution_seconds=600
    )
    policy = get("escalation", "EscalationPolicy").objects.create(name="Upgrade ladder")
    policy.teams.add(desk)
    level = get("escalation", "EscalationLevel").objects.create(
        policy=policy, order=1, anchor="created", offset_seconds=60, reassign_to=apps_team
    )
    level.notify_users.add(user)
    get("escalation", "TicketClock").objects.create(ticket=ticket, policy={"id": policy.pk})
    get("escalation", "Firing").objects.create(
        ticket=ticket,
        key=f"t{ticket.pk}:p{policy.pk}:l1:r0:created@20251201T090000Z.000000",
        anchor="created",
        anchor_at=now,
        due_at=now + timedelta(minutes=1),
    )

    row = get("notifications", "Notification").objects.create(
        idempotency_key="upgrade:1", kind="received", address="lena@example.com", ticket=ticket
    )
    get("notifications", "DeliveryAttempt").objects.create(notification=row, at=now, ok=True)
    get("notifications", "NotificationPreference").objects.create(user=user)
    get("notifications", "Webhook").objects.create(
        name="Upgrade hook", url="https://hooks.example.com/x"
    )
    return rows_of(apps)


def rows_of(apps):
    found = {}
    for label in OURS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            found[model._meta.db_table] = set(model.objects.values_list("pk", flat=True))
    return found


@pytest.mark.django_db(transaction=True)
def test_every_row_of_every_table_survives_the_upgrade(migrator):
    migrator.apply_initial_migration(BEFORE)
    # A clean start applies every migration the plan orders before the last target (escalation
    # 0008 and incidents 0015 among them): migrating to BEFORE again undoes them, as an
    # operator on main's code would have them.
    migrator.apply_tested_migration(BEFORE)
    before = fill(apps_at(BEFORE))
    empty = [table for table, pks in before.items() if not pks]
    assert empty == [], "fill() must put a row in every table"
    # Every table of today's models is one the old database had (or it is new and listed here).
    tables_now = {
        model._meta.db_table
        for label in OURS
        for model in current_apps.get_app_config(label).get_models(include_auto_created=True)
    }
    assert tables_now - NEW_TABLES <= set(before)

    new = migrator.apply_tested_migration(latest())

    after = rows_of(new.apps)
    lost = {table: pks - after.get(table, set()) for table, pks in before.items()}
    assert {table: pks for table, pks in lost.items() if pks} == {}
    firing = new.apps.get_model("escalation", "Firing").objects.get()
    assert firing.key.count(":") == 3  # renamed to (ticket, policy, level, repeat)
    assert new.apps.get_model("incidents", "Team").objects.filter(is_intake=True).count() == 1
