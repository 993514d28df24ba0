"""Moves keep the ladder honest (issue 20): a firing is named by (ticket, policy, level, repeat)
alone, and a level due before a move is passed over, a state of its own.

Level keys lose their anchor suffix (`t1:p2:l3:r0:response_due@…` → `t1:p2:l3:r0`). Where a
ticket has several rows of one (policy, level, repeat) — re-planted under a new anchor by the
moves this fixes — the one that fired first keeps the name; rows that never fired and are not
the named one are deleted (nothing points at a firing that never fired); the rest keep their
old keys as history. A ticket resolved or closed keeps on its `sla_paused_at` when its
resolution clock stopped, as the clock now writes it for every standing status."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

WAITING = ("pending", "claimed", "held")


def stable_key(key):
    return ":".join(key.split(":")[:4])


def rename_firings(apps, schema_editor):
    Firing = apps.get_model("escalation", "Firing")
    groups = {}
    rows = Firing.objects.filter(kind="level").order_by("pk")
    for pk, key, state, fired_at in rows.values_list("pk", "key", "state", "fired_at").iterator(
        chunk_size=2000
    ):
        groups.setdefault(stable_key(key), []).append((pk, key, state, fired_at))
    renamed, stale = {}, []
    for base, members in groups.items():
        if len(members) == 1 and members[0][1] == base:
            continue
        named = _named(members, base)
        if named[1] != base:
            renamed[named[0]] = base
        stale += [pk for pk, _, state, _ in members if pk != named[0] and state != "fired"]
    for start in range(0, len(stale), 500):
        Firing.objects.filter(pk__in=stale[start : start + 500]).delete()
    for pk, key in renamed.items():
        Firing.objects.filter(pk=pk).update(key=key)


def _named(members, base):
    """The row that keeps the stable name: one already named so, else the first that fired,
    else the newest one still waiting, else the newest."""
    for member in members:
        if member[1] == base:
            return member
    fired = [m for m in members if m[2] == "fired"]
    if fired:
        return min(fired, key=lambda m: (m[3] is None, m[3], m[0]))
    waiting = [m for m in members if m[2] in WAITING]
    return (waiting or members)[-1]


def keep_stop_instants(apps, schema_editor):
    Ticket = apps.get_model("incidents", "Ticket")
    TicketClock = apps.get_model("escalation", "TicketClock")
    paused = TicketClock.objects.filter(ticket=OuterRef("pk")).values("paused_since")[:1]
    Ticket.objects.filter(status__in=["resolved", "closed"], sla_paused_at__isnull=True).update(
        sla_paused_at=Subquery(paused)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0007_composite_index_covers_ticket"),
        ("incidents", "0014_team_unassigned_index"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="firing", name="firing_state_valid"),
        migrations.AlterField(
            model_name="firing",
            name="state",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("held", "Held (ticket paused)"),
                    ("claimed", "Claimed by a worker"),
                    ("fired", "Fired"),
                    ("cancelled", "Cancelled"),
                    ("skipped", "Skipped (superseded)"),
                    ("passed", "Passed over (due before a move)"),
                ],
                default="pending",
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="firing",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "state__in",
                        ["pending", "held", "claimed", "fired", "cancelled", "skipped", "passed"],
                    )
                ),
                name="firing_state_valid",
            ),
        ),
        migrations.RunPython(rename_firings, migrations.RunPython.noop),
        migrations.RunPython(keep_stop_instants, migrations.RunPython.noop),
    ]
