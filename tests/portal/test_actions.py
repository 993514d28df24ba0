"""POST reply, solved and reopen on /portal/tickets/<id>/…: the customer's own actions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Attachment


def post(client, ticket, action, data=None):
    return client.post(reverse(f"portal:{action}", args=[ticket.pk]), data or {})


@pytest.mark.parametrize("action", ["reply", "solved", "reopen"])
def test_anonymous_is_sent_to_sign_in(client, desk_ticket, action):
    response = post(client, desk_ticket, action, {"body": "hi"})
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("action", ["reply", "solved", "reopen"])
def test_another_customer_gets_a_404_and_changes_nothing(
    signed_in, other_customer, agent, desk_ticket, action
):
    desk_ticket.resolve(agent)
    response = post(signed_in(other_customer), desk_ticket, action, {"body": "hi"})
    assert response.status_code == 404
    desk_ticket.refresh_from_db()
    assert desk_ticket.status == "resolved" and not desk_ticket.replies.exists()


def test_get_is_not_allowed(signed_in, customer, desk_ticket):
    assert (
        signed_in(customer).get(reverse("portal:solved", args=[desk_ticket.pk])).status_code == 405
    )


def test_reply_is_added_to_the_thread_with_a_file(signed_in, customer, desk_ticket, upload):
    client = signed_in(customer)
    response = post(
        client, desk_ticket, "reply", {"body": "More detail", "attachments": [upload()]}
    )

    assert response.status_code == 302
    reply = desk_ticket.replies.get()
    assert (reply.body, reply.author, reply.internal) == ("More detail", customer, False)
    assert reply.attachments.get().filename == "log.txt"


@pytest.mark.parametrize("status", ["pending", "resolved"])
def test_a_reply_reopens_a_pending_or_resolved_ticket(
    signed_in, customer, agent, desk_ticket, status
):
    desk_ticket.change_status(agent, status)
    post(signed_in(customer), desk_ticket, "reply", {"body": "Still broken"})
    desk_ticket.refresh_from_db()
    assert desk_ticket.status == "open"


def test_a_rejected_file_keeps_the_reply_text(signed_in, customer, desk_ticket, upload):
    bad = upload("virus.exe", b"MZ", "application/octet-stream")
    response = post(
        signed_in(customer), desk_ticket, "reply", {"body": "See file", "attachments": [bad]}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "virus.exe is a kind of file we can" in page and "See file</textarea>" in page
    assert not desk_ticket.replies.exists() and not Attachment.objects.exists()


def test_a_closed_ticket_takes_no_reply(signed_in, customer, agent, desk_ticket):
    desk_ticket.resolve(agent)
    desk_ticket.close(agent)
    client = signed_in(customer)

    assert (
        "Send reply"
        not in client.get(reverse("portal:ticket", args=[desk_ticket.pk])).content.decode()
    )
    post(client, desk_ticket, "reply", {"body": "Hello?"})
    assert not desk_ticket.replies.exists()


def test_this_is_solved_resolves_by_the_requester(signed_in, customer, desk_ticket):
    client = signed_in(customer)
    assert (
        "This is solved"
        in client.get(reverse("portal:ticket", args=[desk_ticket.pk])).content.decode()
    )

    post(client, desk_ticket, "solved")

    desk_ticket.refresh_from_db()
    assert desk_ticket.status == "resolved"
    event = desk_ticket.events.get(kind="status_changed")
    assert event.actor == customer and event.after == {"status": "resolved"}


def test_reopen_within_the_window(signed_in, customer, agent, desk_ticket):
    desk_ticket.resolve(agent)
    client = signed_in(customer)
    page = client.get(reverse("portal:ticket", args=[desk_ticket.pk])).content.decode()
    assert "It isn't solved: reopen" in page and "This is solved" not in page

    post(client, desk_ticket, "reopen")

    desk_ticket.refresh_from_db()
    assert desk_ticket.status == "open"


def test_no_reopen_or_reply_after_the_window(signed_in, customer, agent, desk_ticket, settings):
    settings.REOPEN_WINDOW_DAYS = 14
    desk_ticket.resolve(agent, at=timezone.now() - timedelta(days=14, minutes=1))
    client = signed_in(customer)

    page = client.get(reverse("portal:ticket", args=[desk_ticket.pk])).content.decode()
    assert "open a new ticket" in page and "Send reply" not in page

    post(client, desk_ticket, "reopen")
    post(client, desk_ticket, "reply", {"body": "reopen please"})

    desk_ticket.refresh_from_db()
    assert desk_ticket.status == "resolved" and not desk_ticket.replies.exists()
