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


def open_due_soon(customer, desk):
    ticket = Ticket.open_ticket(
        requester=customer, subject="Pager test", description="x", team=desk
    )
    return ticket, Firing.objects.get(ticket=ticket, kind="level")


def arrival_for(smtp, address):
    return next((at for at, to in smtp.arrived if address in to), None)


def test_on_call_is_paged_within_a_second_and_their_deputy_when_away(
    smtp, make_user, customer, teams
):
    desk = teams["desk"]
    ana, ben = (make_user(name, role="agent") for name in ("ana", "ben"))
    for person in (ana, ben):
        Membership.objects.create(user=person, team=desk, role="agent")
    builders.rotation(desk, [ana], date.today() - timedelta(days=1))
    sla_policy(None, response=HOUR, resolution=4 * HOUR)
    seconds = int(LEAD_TIME.total_seconds())
    escalation_policy([{"anchor": "created", "offset_seconds": seconds, "notify": ["on_call"]}])
    cluster = spawn(
        ["manage.py", "qcluster"], EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}", Q_WORKERS=2
    )
    try:
        ticket, firing = open_due_soon(customer, desk)
        assert wait_until(lambda: arrival_for(smtp, ana.email), timeout=60), output(cluster)
        late = arrival_for(smtp, ana.email) - firing.due_at.timestamp()
        assert -0.05 < late <= 1.0, f"mail arrived {late:.3f} s after the level was due"
        firing.refresh_from_db()
        assert firing.state == Firing.State.FIRED and not firing.late

        Absence.objects.create(
            user=ana, start=timezone.now(), end=timezone.now() + timedelta(days=1), deputy=ben
        )
        ticket, firing = open_due_soon(customer, desk)
        assert wait_until(lambda: arrival_for(smtp, ben.email), timeout=60), output(cluster)
        late = arrival_for(smtp, ben.email) - firing.due_at.timestamp()
        assert -0.05 < late <= 1.0, f"mail arrived {late:.3f} s after the level was due"
        assert [to for _, to in smtp.arrived].count([ana.email]) == 1  # not paged again
        skipped = ticket.events.get(kind="escalated").data["skipped"]
        assert skipped[0]["name"] == "ana" and skipped[0]["told_instead_name"] == "ben"
    finally:
        kill_group(cluster, signal.SIGKILL)
        cluster.wait(timeout=10)
