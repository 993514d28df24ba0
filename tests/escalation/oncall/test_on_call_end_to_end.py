"""End to end through a real qcluster and a real SMTP server (aiosmtpd): a level with `on_call`
reaches the person on call within 1 s of its due time; with them away, it reaches their deputy."""

import signal
import time
from datetime import date, timedelta

import pytest
from django.utils import timezone

from escalation.models import Firing
from incidents.models import Absence, Membership, Ticket
from tests.notifications.conftest import SMTPServer

from ...processes import kill_group, output, spawn, wait_until
from ..sla_setup import HOUR, escalation_policy, sla_policy
from . import builders

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
LEAD_TIME = timedelta(seconds=12)  # the cluster starts meanwhile


class TimedSMTP(SMTPServer):
    """Notes when each message arrived."""

    def __init__(self):
        super().__init__()
        self.arrived = []
        handler, keep = self.handler, self.handler.handle_DATA

        async def handle_DATA(server, session, envelope):
            answer = await keep(server, session, envelope)
            self.arrived.append((time.time(), list(envelope.rcpt_tos)))
            return answer

        handler.handle_DATA = handle_DATA


@pytest.fixture
def smtp():
    server = TimedSMTP()
    server.start()
    yield server
    server.stop()


def open_due_soon(customer, team):
    ticket = Ticket.open_ticket(
        requester=customer, subject="Pager test", description="x", team=team
    )
    return ticket, Firing.objects.get(ticket=ticket, kind="level")


def arrival_for(smtp, address):
    return next((at for at, to in smtp.arrived if address in to), None)


def test_on_call_is_paged_within_a_second_and_their_deputy_when_away(
    smtp, make_user, customer, teams
):
    """Both at once on one cluster: the Service Desk's ana is on call and in; Application
    Support's cy is on call and away, with ben as her deputy."""
    desk, apps = teams["desk"], teams["apps"]
    ana, ben, cy = (make_user(name, role="agent") for name in ("ana", "ben", "cy"))
    for person, team in ((ana, desk), (ben, apps), (cy, apps)):
        Membership.objects.create(user=person, team=team, role="agent")
    builders.rotation(desk, [ana], date.today() - timedelta(days=1))
    builders.rotation(apps, [cy], date.today() - timedelta(days=1))
    Absence.objects.create(
        user=cy, start=timezone.now(), end=timezone.now() + timedelta(days=1), deputy=ben
    )
    sla_policy(None, response=HOUR, resolution=4 * HOUR)
    seconds = int(LEAD_TIME.total_seconds())
    escalation_policy([{"anchor": "created", "offset_seconds": seconds, "notify": ["on_call"]}])
    cluster = spawn(
        ["manage.py", "qcluster"], EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}", Q_WORKERS=2
    )
    try:
        _, in_firing = open_due_soon(customer, desk)
        away_ticket, away_firing = open_due_soon(customer, apps)
        for person, firing in ((ana, in_firing), (ben, away_firing)):
            assert wait_until(lambda person=person: arrival_for(smtp, person.email), timeout=60), (
                output(cluster)
            )
            late = arrival_for(smtp, person.email) - firing.due_at.timestamp()
            firing.refresh_from_db()
            fired = (firing.fired_at - firing.due_at).total_seconds() if firing.fired_at else None
            assert -0.05 < late <= 1.0, (
                f"mail to {person} arrived {late:.3f} s after it was due (the level fired "
                f"{fired} s after it)"
            )
            assert firing.state == Firing.State.FIRED and not firing.late
        time.sleep(0.5)  # nothing more arrives
        mailed = [to for _, to in smtp.arrived]
        assert mailed.count([ana.email]) == 1 and mailed.count([ben.email]) == 1
        assert not [to for to in mailed if cy.email in to]  # away: not paged
        skipped = away_ticket.events.get(kind="escalated").data["skipped"]
        assert skipped[0]["name"] == "cy" and skipped[0]["told_instead_name"] == "ben"
    finally:
        kill_group(cluster, signal.SIGKILL)
        cluster.wait(timeout=10)
