"""The ingest pipeline: a mail becomes a reply, a note or a ticket through the lifecycle."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import Ticket
from notifications.inbound.ingest import ingest
from notifications.models import InboundMail, Notification

from ...escalation.sla_setup import HOUR, sla_policy
from .corpus import corpus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "gmail_reply.eml",
        "outlook_reply.eml",
        "apple_mail_reply.eml",
        "outlook_reply_no_threading.eml",
    ],
)
def test_a_customers_reply_lands_on_their_ticket_trimmed(name, customer_ticket, receipt, customer):
    outcome = ingest(corpus(name, customer_ticket, receipt))

    assert (outcome.status, outcome.ticket) == ("taken", customer_ticket)
    reply = customer_ticket.replies.get()
    assert (reply.author, reply.internal) == (customer, False)
    assert "wrote:" not in reply.body and "Original Message" not in reply.body
    assert "We received your request" not in reply.body
    assert Ticket.objects.count() == 1
    assert customer_ticket.events.filter(kind="replied", actor=customer).exists()


def test_the_reply_keeps_its_words_and_the_original_as_an_eml(customer_ticket, receipt):
    ingest(corpus("outlook_reply.eml", customer_ticket, receipt))

    reply = customer_ticket.replies.get()
    assert reply.body.startswith("Hi,\n\nThe paper tray is jammed as well.")
    original = reply.attachments.get()
    assert (original.content_type, original.filename[-4:]) == ("message/rfc822", ".eml")
    assert b"Thread-Index: AQHZabcdEFGH" in original.file.read()


def test_threading_by_subject_alone(customer_ticket):
    raw = corpus("outlook_reply_no_threading.eml", customer_ticket)
    assert b"In-Reply-To" not in raw and b"help+" not in raw

    assert ingest(raw).ticket == customer_ticket


def test_a_reply_on_a_pending_ticket_reopens_it(customer_ticket, receipt, agent):
    customer_ticket.change_status(agent, "pending")

    ingest(corpus("gmail_reply.eml", customer_ticket, receipt))

    customer_ticket.refresh_from_db()
    assert customer_ticket.status == "open"


def test_a_reply_on_a_resolved_ticket_reopens_it(customer_ticket, receipt, agent):
    customer_ticket.resolve(agent)

    ingest(corpus("gmail_reply.eml", customer_ticket, receipt))

    customer_ticket.refresh_from_db()
    assert customer_ticket.status == "open"
    assert customer_ticket.events.filter(kind="status_changed", data__reopened=True).exists()


def test_a_reply_long_after_resolution_opens_a_follow_up(customer_ticket, receipt, agent):
    customer_ticket.resolve(agent, at=timezone.now() - timedelta(days=30))

    outcome = ingest(corpus("gmail_reply.eml", customer_ticket, receipt))

    customer_ticket.refresh_from_db()
    assert customer_ticket.status == "resolved"
    assert outcome.ticket != customer_ticket
    assert outcome.ticket.description.startswith(f"(Follow-up to {customer_ticket.reference}.)")
    assert outcome.ticket.subject == (
        f"[{customer_ticket.reference}] We received your request: Printer on fire"
    )


def test_someone_who_may_not_see_the_ticket_gets_a_new_one(
    customer_ticket, receipt, other_customer
):
    outcome = ingest(corpus("gmail_reply.eml", customer_ticket, receipt, other_customer.email))

    assert outcome.ticket != customer_ticket
    assert outcome.ticket.requester == other_customer
    assert not customer_ticket.replies.exists()


def test_a_stranger_becomes_a_customer_with_an_email_ticket_in_intake(teams):
    outcome = ingest(corpus("new_multipart_alternative.eml"))

    ticket = outcome.ticket
    assert (ticket.channel, ticket.team, ticket.held) == ("email", teams["desk"], False)
    assert ticket.subject == "VPN drops every hour"
    assert ticket.description == "The VPN drops every hour.\nSince Monday & only on Wi-Fi."
    requester = ticket.requester
    assert (requester.email, requester.first_name) == ("carol@newcomer.example", "Carol Stranger")
    assert not requester.has_usable_password()
    receipt = Notification.objects.get(ticket=ticket, kind="received")
    assert receipt.address == "carol@newcomer.example"
    assert InboundMail.objects.get().opened_ticket


def test_a_known_but_unconfirmed_address_is_held_like_a_guest_form(make_user, teams):
    from allauth.account.models import EmailAddress

    user = make_user("carol")
    user.email = "carol@newcomer.example"
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)

    ticket = ingest(corpus("new_multipart_alternative.eml")).ticket

    assert (ticket.requester, ticket.held) == (user, True)
    assert not Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists()


def test_an_agent_answering_an_agents_mail_writes_an_internal_note(customer_ticket, agent):
    customer_ticket.assign(agent, agent)
    assigned = Notification.objects.filter(kind="assigned").first()
    raw = corpus("gmail_reply.eml", customer_ticket, assigned, agent.email)
    raw = raw.replace(f"help+{customer_ticket.reference}@".encode(), b"help@")

    outcome = ingest(raw)

    assert outcome.reason.startswith("internal note")
    note = customer_ticket.replies.get()
    assert (note.author, note.internal) == (agent, True)
    assert note.attachments.get().content_type == "message/rfc822"


def test_an_agent_answering_a_customer_mail_replies_publicly(customer_ticket, receipt, agent):
    outcome = ingest(corpus("outlook_reply.eml", customer_ticket, receipt, agent.email))

    public, original = customer_ticket.replies.order_by("id")
    assert (public.author, public.internal, original.internal) == (agent, False, True)
    assert not public.attachments.exists()  # the agent's own mail stays internal
    assert original.attachments.get().content_type == "message/rfc822"
    customer_ticket.refresh_from_db()
    assert customer_ticket.acknowledged_at is not None
    assert outcome.reason.startswith("reply")


def test_an_agent_replying_by_subject_only_stays_internal(customer_ticket, agent):
    ingest(corpus("outlook_reply_no_threading.eml", customer_ticket, sender=agent.email))

    assert customer_ticket.replies.get().internal


def test_attachments_and_inline_images_are_stored_and_refused_ones_noted(teams):
    ticket = ingest(corpus("attachments_inline_image.eml")).ticket

    names = sorted(ticket.attachments.values_list("filename", flat=True))
    assert "error.log" in names and any(name.endswith(".eml") for name in names)
    assert any(a.content_type == "image/png" for a in ticket.attachments.all()), "the inline image"
    assert "fix.exe" not in names
    assert "Not attached" in ticket.description and "fix.exe" in ticket.description


def test_the_same_message_twice_is_taken_once(customer_ticket, receipt):
    raw = corpus("gmail_reply.eml", customer_ticket, receipt)

    first, second = ingest(raw), ingest(raw)

    assert (first.status, second.status, second.reason) == ("taken", "ignored", "already taken")
    assert customer_ticket.replies.count() == 1


def test_past_twenty_new_tickets_an_hour_a_sender_is_held_for_review(teams, settings):
    settings.INBOUND_TICKETS_PER_SENDER_HOUR = 3
    raw = corpus("new_multipart_alternative.eml")
    outcomes = [ingest(raw.replace(b"<new-1@", f"<new-{n}@".encode())) for n in range(5)]

    assert [o.status for o in outcomes] == ["taken"] * 3 + ["held"] * 2
    held = InboundMail.objects.kept_aside()
    assert held.count() == 2 and all(row.raw for row in held)
    assert Ticket.objects.count() == 3


def test_a_closed_ticket_answered_by_its_customer_opens_a_new_one(customer_ticket, receipt, agent):
    customer_ticket.resolve(agent)
    customer_ticket.close(agent)

    outcome = ingest(corpus("gmail_reply.eml", customer_ticket, receipt))

    assert outcome.status == "taken" and outcome.ticket != customer_ticket


def test_a_mailed_ticket_gets_its_clocks_and_its_receipt_as_on_the_portal(teams):
    sla_policy(None, response=HOUR, resolution=8 * HOUR)

    ticket = ingest(corpus("new_multipart_alternative.eml")).ticket

    ticket.refresh_from_db()
    assert ticket.response_due_at == ticket.created_at + timedelta(hours=1)
    assert ticket.resolution_due_at == ticket.created_at + timedelta(hours=8)
    assert Notification.objects.filter(ticket=ticket, kind="received").count() == 1


def test_a_reply_that_reopens_a_pending_ticket_restarts_its_clock(customer_ticket, receipt, agent):
    sla_policy(None, response=HOUR, resolution=8 * HOUR)
    ticket = ingest(corpus("new_multipart_alternative.eml")).ticket
    ticket.change_status(agent, "pending")
    ticket.refresh_from_db()
    assert ticket.sla_paused_at is not None

    raw = corpus("outlook_reply_no_threading.eml", ticket, sender="carol@newcomer.example")
    ingest(raw)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.sla_paused_at) == ("open", None)
