"""`manage.py seed_demo`: a believable helpdesk to try, loaded any number of times."""

import io
import time
from datetime import timedelta
from typing import NamedTuple

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Min
from django.http import HttpRequest
from django.utils import timezone

from escalation.models import BusinessCalendar, EscalationPolicy, Firing, SLAPolicy
from helpdesk.demo import seed_teams
from incidents import roles
from incidents.models import SavedReply, Team, Ticket, TicketEvent
from notifications.models import Notification
from tests.conftest import rows_for_several_tests


def seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def ticket_set():
    return set(
        Ticket.objects.values_list(
            "reference",
            "subject",
            "status",
            "priority",
            "team__slug",
            "requester__username",
            "assignee_id",
        )
    )


class Seeded(NamedTuple):
    output: str
    started: object  # the time before the seed began: what was due by then is its past


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """The demo seeded once into an empty database, for the tests of a class that only read it."""
    with rows_for_several_tests(django_db_blocker):
        started = timezone.now()
        yield Seeded(seed(), started)


@pytest.mark.django_db
def test_second_run_changes_nothing():
    started = time.process_time()  # CPU time: a loaded machine does not make it fail
    first_output = seed()
    seconds = time.process_time() - started
    counts, tickets = row_counts(), ticket_set()

    second_output = seed()

    assert row_counts() == counts
    assert ticket_set() == tickets
    assert "50 new ticket(s)" in first_output and "0 new ticket(s)" in second_output
    assert seconds < 30


@pytest.mark.django_db
def test_the_demo_service_desk_is_the_intake_team_the_install_made():
    installed = Team.objects.get(is_intake=True)

    teams = seed_teams()

    assert list(Team.objects.filter(is_intake=True)) == [teams["service-desk"]]
    assert teams["service-desk"].pk == installed.pk
    assert teams["service-desk"].escalates_to == teams["application-support"]


@pytest.mark.django_db
def test_the_demo_takes_the_intake_flag_from_another_team():
    Team(name="Front Line", slug="front-line", tier=1, is_intake=True).save_moving_intake()

    teams = seed_teams()

    assert list(Team.objects.filter(is_intake=True)) == [teams["service-desk"]]


class TestTheDemoSeededOnce:
    """What one run of seed_demo on an empty database makes."""

    @pytest.mark.django_db
    def test_demo_has_every_status_priority_and_tier_with_real_timelines(self, seeded):
        tickets = list(Ticket.objects.select_related("team"))
        now = timezone.now()

        assert len(tickets) == 50
        assert {t.status for t in tickets} == {
            "new",
            "open",
            "pending",
            "on_hold",
            "resolved",
            "closed",
        }
        assert {t.priority for t in tickets} == {"P1", "P2", "P3", "P4"}
        assert {t.team.tier for t in tickets} == {1, 2, 3}
        assert all(now - timedelta(days=10, minutes=1) <= t.created_at < now for t in tickets)
        first_events = Ticket.objects.annotate(first=Min("events__at")).values_list(
            "first", "created_at"
        )
        assert all(first == created for first, created in first_events)
        for ticket in tickets:
            kinds = set(ticket.events.values_list("kind", flat=True))
            assert ("acknowledged" in kinds) == (ticket.acknowledged_at is not None)
            assert (ticket.status == "new") == (ticket.acknowledged_at is None)
        assert any(t.escalation_level == 2 for t in tickets)

    @pytest.mark.django_db
    def test_demo_people_and_configuration(self, client, seeded):
        output = seeded.output
        User = get_user_model()

        calendar = BusinessCalendar.objects.get(name="Berlin office hours")
        snapshot = calendar.snapshot()
        assert snapshot["timezone"] == "Europe/Berlin"
        assert snapshot["intervals"] == [[day, 9 * 3600, 17 * 3600] for day in range(5)]
        assert {"2026-12-25", "2027-03-26", "2027-10-03"} <= set(snapshot["holidays"])
        sla = SLAPolicy.objects.get(is_default=True)
        assert sla.calendar == calendar
        assert {
            t.priority: (t.first_response_seconds, t.resolution_seconds) for t in sla.targets.all()
        } == {"P1": (900, 14400), "P2": (3600, 28800), "P3": (14400, 86400), "P4": (28800, 144000)}
        standard = EscalationPolicy.objects.get(name="Standard escalation")
        assert (standard.repeat, standard.repeat_interval_seconds, standard.priorities) == (
            2,
            1800,
            [],
        )
        assert [
            (lv["anchor"], lv["offset_seconds"], lv["notify"])
            for lv in standard.snapshot()["levels"]
        ] == [
            ("response_due", -900, ["assignee", "team_leads"]),
            ("response_due", 0, ["team_leads", "supervisors"]),
            ("resolution_due", -3600, ["assignee", "team_leads"]),
            ("resolution_due", 0, ["team_leads", "supervisors"]),
        ]
        assert standard.levels.get(order=4).reassign_to.slug == "application-support"

        for username in ("alice", "dana", "lena", "priya", "erik", "sam"):
            assert username in output
            # The lockout backend (django-axes) needs the request the test client leaves out.
            assert client.login(request=HttpRequest(), username=username, password="tierdesk-demo")
        sam = User.objects.get(username="sam")
        assert sam.is_staff and not sam.is_superuser and roles.is_supervisor(sam)
        assert roles.is_customer(User.objects.get(username="alice"))
        dana = User.objects.get(username="dana")
        assert roles.is_agent(dana) and not dana.is_staff
        assert User.objects.get(username="lena").memberships.get().role == "lead"

    @pytest.mark.django_db
    def test_the_demo_past_is_history_so_a_first_run_starts_quiet(self, seeded):
        """Nothing of the seeded past waits for the workers: no due firing, no queued mail.

        A level the demo planned for after the seed may fall due while the tests run (seeded at
        08:58 UTC on 2026-12-07, a level falls due at 09:00:00): that is its future, so only
        what was due before the seed began must have fired.
        """
        now = timezone.now()

        assert not Firing.objects.due(seeded.started).exists()
        assert not Notification.objects.filter(status=Notification.Status.QUEUED).exists()
        fired = Firing.objects.filter(state=Firing.State.FIRED)
        assert fired.exists() and not fired.filter(late=True).exists()
        assert all(f.fired_at == f.due_at for f in fired)  # each fired at its own due time
        sent = Notification.objects.filter(status=Notification.Status.SENT)
        assert sent.exists() and not sent.filter(sent_at__gt=now).exists()

    @pytest.mark.django_db
    def test_a_demo_escalation_is_recorded_before_the_action_that_followed_it(self, seeded):
        escalated = TicketEvent.objects.filter(kind="escalated", data__manual__isnull=True).first()
        assert escalated is not None
        later = TicketEvent.objects.filter(ticket=escalated.ticket, at__gt=escalated.at)
        assert later.exists()  # people acted after it: the level fired in its place in the story

    @pytest.mark.django_db
    def test_demo_tells_a_story_over_the_past_days_with_saved_replies(self, seeded):
        updates = list(Ticket.objects.values_list("updated_at", "created_at"))
        days = {updated.date() for updated, _ in updates}
        assert len(days) >= 5, days  # not the seeding minute for every ticket
        assert all(updated >= created for updated, created in updates)
        assert all(updated <= timezone.now() for updated, _ in updates)
        for team in Team.objects.all():
            offered = SavedReply.objects.for_team(team.pk)
            assert offered.filter(team=team).exists(), team.slug
            assert offered.filter(team__isnull=True).exists()
        statuses = set(Ticket.objects.values_list("status", flat=True))
        assert statuses == {"new", "open", "pending", "on_hold", "resolved", "closed"}
