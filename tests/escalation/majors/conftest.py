"""A SEV1's cast: Service Desk keeps a rotation (ben on 1 June, ana on 2 June), Application Support
keeps none (its lead lee is paged), and a vendor contact with an email and a webhook."""

import signal
from datetime import date

import pytest
from django_q.models import Task
from django_q.tasks import async_task

from escalation.models import EscalationLevel, EscalationPolicy
from incidents.models import Membership
from notifications.models import Contact

from ...conftest import utc

# The real SMTP server and webhook receiver of the notification tests (test_end_to_end).
from ...notifications.conftest import smtp_server, webhook_receiver  # noqa: F401
from ...processes import kill_group, output, spawn, wait_until
from ..oncall import builders

DECLARED = utc(2026, 6, 2, 12, 0)  # ana's shift: the rotation starts 1 Jun at 09:00 UTC


@pytest.fixture
def cast(make_user, teams):
    ana, ben = make_user("ana", role="agent"), make_user("ben", role="agent")
    lee = make_user("lee", role="agent")
    for person in (ana, ben):
        Membership.objects.create(user=person, team=teams["desk"], role="agent")
    Membership.objects.create(user=lee, team=teams["apps"], role="lead")
    builders.rotation(teams["desk"], [ben, ana], date(2026, 6, 1))
    vendor = Contact.objects.create(
        name="Vendor on call",
        organisation="Acme Hosting",
        email="noc@acme.example",
        webhook_url="https://hooks.acme.example/page",
        webhook_secret="s3cret",
    )
    commander = make_user("cmd", role="agent")
    Membership.objects.create(user=commander, team=teams["desk"], role="lead")
    return {"ana": ana, "ben": ben, "lee": lee, "vendor": vendor, "commander": commander}


@pytest.fixture
def policy(cast, teams):
    """A 3-level policy for the desk: its on-call person, its leads, then lee by name."""
    made = EscalationPolicy.objects.create(name="Checkout ladder")
    made.teams.set([teams["desk"]])
    EscalationLevel.objects.create(
        policy=made, order=1, anchor="response_due", offset_seconds=-900, notify=["on_call"]
    )
    EscalationLevel.objects.create(
        policy=made, order=2, anchor="response_due", offset_seconds=0, notify=["team_leads"]
    )
    third = EscalationLevel.objects.create(
        policy=made, order=3, anchor="resolution_due", offset_seconds=3600, notify=[]
    )
    third.notify_users.set([cast["lee"]])
    return made


@pytest.fixture
def cluster(smtp_server, webhook_receiver):  # noqa: F811
    """A real qcluster on the test database, mailing the SMTP server (test_end_to_end)."""
    process = spawn(
        ["manage.py", "qcluster"],
        Q_WORKERS=2,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_server.port}",
        WEBHOOK_ALLOW_PRIVATE="true",
    )
    async_task("notifications.tasks.sweep_outbox", task_name="warm-up")
    up = wait_until(lambda: Task.objects.filter(name="warm-up").exists(), timeout=60)
    assert up, output(process)
    yield process
    kill_group(process, signal.SIGKILL)
    process.wait(timeout=10)


def declare_sev1(cast, teams, at=DECLARED):
    """The SEV1 of the re-paging tests: both teams and the vendor called at `at`."""
    from escalation.majors.models import MajorIncident

    return MajorIncident.declare(
        cast["commander"],
        "Checkout is down",
        "SEV1",
        teams=[teams["desk"], teams["apps"]],
        contacts=[cast["vendor"]],
        at=at,
    )
