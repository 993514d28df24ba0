"""A SEV1 through a real qcluster, a real SMTP server and a webhook receiver: two teams'
on-call people and a vendor are each paged once within 2 s of declaring, and re-paging stops
per party as each acknowledges (the re-paging rounds on an injected clock; delivery real)."""

import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from escalation import oncall
from escalation.majors.models import MajorIncident
from escalation.majors.repaging import repage_due
from notifications.models import Contact, Notification

from ...processes import output, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
MIN = timedelta(minutes=1)


def addressees(smtp):
    return sorted(to for tos, _ in smtp.messages for to in tos)


def test_a_sev1_pages_every_party_once_within_two_seconds(
    cast,
    teams,
    smtp_server,
    webhook_receiver,
    cluster,
):
    vendor = cast["vendor"]
    Contact.objects.filter(pk=vendor.pk).update(
        webhook_url=webhook_receiver.url, webhook_secret=webhook_receiver.secret
    )
    on_call = oncall.on_call_now(teams["desk"].pk, timezone.now()).primary
    holder = next(p for p in (cast["ana"], cast["ben"]) if p.pk == on_call)

    start = time.monotonic()
    incident = MajorIncident.declare(
        cast["commander"],
        "Checkout is down",
        "SEV1",
        teams=[teams["desk"], teams["apps"]],
        contacts=[vendor],
    )
    everyone = sorted([holder.email, "lee@example.com", "noc@acme.example"])
    arrived = wait_until(
        lambda: len(smtp_server.messages) >= 3 and len(webhook_receiver.requests) >= 1,
        timeout=10,
        every=0.02,
    )
    took = time.monotonic() - start
    assert arrived, output(cluster)
    assert took < 2, f"pages took {took:.2f}s"
    time.sleep(1)  # nothing more arrives: each page once
    assert addressees(smtp_server) == everyone
    assert len(webhook_receiver.requests) == 1 and webhook_receiver.requests[0].signature_ok

    # The on-call person acknowledges on the desk's API: their party stops, the others go on.
    declared = incident.declared_at
    incident.acknowledge(holder, at=declared + MIN)
    assert repage_due(declared + 5 * MIN) == 2
    assert wait_until(lambda: len(smtp_server.messages) >= 5, timeout=10, every=0.05), (
        list(Notification.objects.values_list("address", "status", "cause", "last_error")),
        output(cluster),
    )
    time.sleep(0.5)
    assert addressees(smtp_server) == sorted([*everyone, "lee@example.com", "noc@acme.example"])

    # The vendor acknowledges through the link in its mail.
    vendor_mail = next(m for tos, m in smtp_server.messages if tos == ["noc@acme.example"])
    link = re.search(
        r"https?://\S+/portal/major/ack/\S+/", vendor_mail.get_body(["plain"]).get_content()
    )
    assert Client().post(link.group(0).split("127.0.0.1:8000", 1)[-1]).status_code == 200
    repage_due(declared + 10 * MIN)
    assert wait_until(lambda: len(smtp_server.messages) >= 6, timeout=10, every=0.05)
    time.sleep(0.5)
    assert addressees(smtp_server).count("lee@example.com") == 3
    assert addressees(smtp_server).count("noc@acme.example") == 2

    incident.acknowledge(cast["lee"], at=declared + 11 * MIN)
    assert repage_due(declared + 15 * MIN) == 0
    board = {p.name: p.state for p in incident.parties.all()}
    assert set(board.values()) == {"acknowledged"}
