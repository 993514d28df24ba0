"""escalation 0008 names each level firing by (ticket, policy, level, repeat) alone: the row that
fired first keeps the name, duplicates that never fired go (they would fire it again), fired
ones stay as history; resolved tickets keep when their resolution clock stopped."""

from datetime import timedelta

import pytest
from django.utils import timezone

BEFORE = [("escalation", "0007_composite_index_covers_ticket")]
AFTER = [("escalation", "0008_passed_over_and_stable_keys")]


@pytest.mark.django_db(transaction=True)
def test_level_keys_lose_their_anchor_and_duplicates_never_fire_again(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    User, Team = old.apps.get_model("auth", "User"), old.apps.get_model("incidents", "Team")
    Ticket = old.apps.get_model("incidents", "Ticket")
    Firing = old.apps.get_model("escalation", "Firing")
    Clock = old.apps.get_model("escalation", "TicketClock")
    user = User.objects.create(username="lena", email="lena@example.com")
    team = Team.objects.get_or_create(slug="service-desk", defaults={"name": "Service Desk"})[0]
    ticket = Ticket.objects.create(subject="VPN", description="down", requester=user, team=team)
    done = Ticket.objects.create(
        subject="Mail", description="slow", requester=user, team=team, status="resolved"
    )
    now = timezone.now()
    Clock.objects.create(ticket=done, paused_since=now - timedelta(hours=2))
    Clock.objects.create(ticket=ticket)

    def firing(key, state, hours_ago, kind="level", level=2):
        at = now - timedelta(hours=hours_ago)
        return Firing.objects.create(
            ticket=ticket,
            key=key,
            kind=kind,
            level=level,
            anchor="response_due",
            anchor_at=at,
            due_at=at,
            state=state,
            fired_at=at if state == "fired" else None,
        )

    # HD-5 in the demo: level 2 fired three times, under three anchors, and waits a fourth.
    first = firing("t1:p1:l2:r0:response_due@20251204T083000Z.000000", "fired", 50)
    again = firing("t1:p1:l2:r0:response_due@20251206T044900Z.000000", "fired", 3)
    waiting = firing("t1:p1:l2:r0:response_due@20251207T090000Z.000000", "pending", -20)
    # A level that never fired, once cancelled and once waiting: the waiting one is kept.
    gone = firing("t1:p1:l3:r0:response_due@20251204T083000Z.000000", "cancelled", 40, level=3)
    kept = firing("t1:p1:l3:r0:response_due@20251207T083000Z.000000", "pending", -10, level=3)
    breach = firing("t1:response_breach", "pending", -20, kind="response_breach", level=0)

    new = migrator.apply_tested_migration(AFTER)

    Firing = new.apps.get_model("escalation", "Firing")
    keys = dict(Firing.objects.values_list("pk", "key"))
    assert keys == {
        first.pk: "t1:p1:l2:r0",
        again.pk: "t1:p1:l2:r0:response_due@20251206T044900Z.000000",
        kept.pk: "t1:p1:l3:r0",
        breach.pk: "t1:response_breach",
    }
    assert waiting.pk not in keys and gone.pk not in keys
    Ticket = new.apps.get_model("incidents", "Ticket")
    assert Ticket.objects.get(pk=done.pk).sla_paused_at == now - timedelta(hours=2)
    assert Ticket.objects.get(pk=ticket.pk).sla_paused_at is None
