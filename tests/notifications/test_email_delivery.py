"""Email delivery against a real SMTP server on 127.0.0.1: arrival, retries, failures, outages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications import email
from notifications.delivery import CLAIM_DURATION, sweep
from notifications.models import Notification
from notifications.outbox import notify_users
from tests.mails import deliver


@pytest.fixture(autouse=True)
def sender(settings):
    settings.DEFAULT_FROM_EMAIL = "Tierdesk <help@desk.example>"
    settings.MAIL_INBOUND = True


@pytest.fixture
def ticket(make_ticket, agent, teams):
    # Requested by an agent, so no customer mail of the ticket's own joins the server's inbox.
    return make_ticket(agent, team=teams["desk"], subject="Payroll export fails")


def recipients_of(server):
    return sorted(address for rcpts, _ in server.messages for address in rcpts)


def test_messages_arrive_with_recipients_subject_message_id_and_both_parts(
    smtp_server, ticket, agent, lead
):
    rows = notify_users(
        "escalated",
        ticket,
        [agent, lead],
        key="firing:arrive",
        context={"level": 2, "repeat": 0, "reason": "No first response yet"},
    )

    assert [deliver(n.pk) for n in rows] == [True, True]
    assert recipients_of(smtp_server) == sorted([agent.email, lead.email])
    message = next(m for rcpts, m in smtp_server.messages if rcpts == [agent.email])
    row = next(n for n in rows if n.recipient == agent)
    assert message["To"] == agent.email
    assert message["Subject"] == f"[{ticket.reference}] Escalated to Service Desk (level 2)"
    assert message["Message-ID"] == f"<tierdesk.notification.{row.pk}@desk.example>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["References"] == f"<tierdesk.ticket.{ticket.pk}@desk.example>"
    assert message["In-Reply-To"] == f"<tierdesk.ticket.{ticket.pk}@desk.example>"
    # An agents' mail: an answer to it becomes an internal note.
    assert message["Reply-To"] == f"help+{ticket.reference}.note@desk.example"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "No first response yet" in text and "Payroll export fails" in text
    assert "No first response yet" in html and "<html" in html
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
    assert row.sent_at is not None
    assert list(row.delivery_attempts.values_list("ok", flat=True)) == [True]


def test_451_twice_then_250_delivers_exactly_once_after_three_attempts(smtp_server, ticket, agent):
    smtp_server.handler.data_replies = ["451 4.3.0 Try again later"] * 2
    [row] = notify_users("breach", ticket, [agent], key="firing:greylisted")

    assert deliver(row.pk) is False
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("queued", 1)
    assert "451" in row.last_error
    first_retry = row.next_attempt_at
    assert deliver(row.pk, now=first_retry - timedelta(seconds=1)) is False  # not due yet
    assert row.delivery_attempts.count() == 1

    assert deliver(row.pk, now=first_retry) is False
    row.refresh_from_db()
    assert row.next_attempt_at - first_retry > first_retry - row.created_at  # backing off
    assert deliver(row.pk, now=row.next_attempt_at) is True

    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 3)
    assert list(row.delivery_attempts.values_list("ok", "temporary")) == [
        (False, True),
        (False, True),
        (True, False),
    ]
    later = row.next_attempt_at + timedelta(days=1)
    assert deliver(row.pk, now=later) is False
    sweep(now=later)
    assert recipients_of(smtp_server) == [agent.email]


def test_550_fails_at_once_while_the_same_causes_other_mails_go_out(
    smtp_server, ticket, agent, lead, tier2_agent
):
    smtp_server.handler.refused = {lead.email: "550 5.1.1 Mailbox unavailable"}
    rows = notify_users(
        "escalated",
        ticket,
        [agent, lead, tier2_agent],
        key="firing:bounce",
        context={"level": 1},
        force=True,
    )

    assert {n.recipient: deliver(n.pk) for n in rows} == {
        agent: True,
        lead: False,
        tier2_agent: True,
    }
    bounced = Notification.objects.get(recipient=lead, idempotency_key__startswith="firing:bounce")
    assert (bounced.status, bounced.attempts) == ("failed", 1)
    assert "550" in bounced.last_error
    later = timezone.now() + timedelta(days=1)
    assert deliver(bounced.pk, now=later) is False
    sweep(now=later)
    assert bounced.delivery_attempts.count() == 1
    assert recipients_of(smtp_server) == sorted([agent.email, tier2_agent.email])


def test_mail_server_down_for_an_hour_and_a_half_then_up_delivers_each_message_once(
    smtp_server, ticket, agent, lead, tier2_agent
):
    smtp_server.stop()
    rows = notify_users(
        "sla_warning",
        ticket,
        [agent, lead, tier2_agent],
        key="firing:outage",
        context={"level": 1, "anchor": "response_due"},
        force=True,
    )
    start = timezone.now()
    for minute in range(91):  # the periodic sweep, once a minute
        sweep(now=start + timedelta(minutes=minute))

    for row in Notification.objects.filter(pk__in=[n.pk for n in rows]):
        assert (row.status, row.attempts >= 5) == ("queued", True)
        assert not row.delivery_attempts.filter(temporary=False).exists()
    assert smtp_server.messages == []

    smtp_server.start()
    sweep(now=start + timedelta(hours=6))
    sweep(now=start + timedelta(hours=12))
    assert recipients_of(smtp_server) == sorted([agent.email, lead.email, tier2_agent.email])
    assert set(
        Notification.objects.filter(pk__in=[n.pk for n in rows]).values_list("status", flat=True)
    ) == {"sent"}


def test_a_worker_dying_between_send_and_mark_causes_one_duplicate_with_the_same_message_id(
    smtp_server, ticket, agent
):
    [row] = notify_users("assigned", ticket, [agent], key="event:crash")
    now = timezone.now()
    # A worker claimed it, sent it, and died before recording it.
    claimed = Notification.objects.filter(pk=row.pk, claimed_until__isnull=True).update(
        claimed_until=now + CLAIM_DURATION, claimed_by="the-worker-that-died"
    )
    assert claimed == 1
    email.send(row)

    assert deliver(row.pk, now=now + timedelta(minutes=1)) is False  # still held by the claim
    assert deliver(row.pk, now=now + timedelta(minutes=6)) is True
    assert deliver(row.pk, now=now + timedelta(minutes=20)) is False
    ids = [message["Message-ID"] for _, message in smtp_server.messages]
    assert ids == [email.message_id(row.pk)] * 2


def test_an_invalid_address_fails_at_once_without_contacting_the_server(smtp_server, ticket, agent):
    agent.email = "tier1 agent@@example.com"
    agent.save(update_fields=["email"])
    [row] = notify_users("assigned", ticket, [agent], key="event:bad-address")

    assert deliver(row.pk) is False
    row.refresh_from_db()
    assert row.status == "failed"
    assert "Invalid address" in row.last_error
    assert smtp_server.messages == []


def test_the_mail_says_what_was_true_when_it_was_written_and_the_row_keeps_what_was_sent(
    smtp_server, ticket, agent, lead
):
    rows = notify_users("escalated", ticket, [agent, lead], key="firing:frozen")
    assert {row.body for row in rows} == {""}  # rendered by the worker, not by the engine
    ticket.subject = "Renamed afterwards"
    ticket.save(update_fields=["subject"])

    assert [deliver(n.pk) for n in rows] == [True, True]
    for row in rows:
        row.refresh_from_db()
        message = next(m for rcpts, m in smtp_server.messages if rcpts == [row.address])
        text = message.get_body(("plain",)).get_content()
        assert "Payroll export fails" in text and "Renamed afterwards" not in text
        assert f"Hello {row.recipient.get_full_name() or row.recipient.username}" in text
        assert row.body.strip() == text.replace("\r\n", "\n").strip()
        assert "<html" in row.html_body
