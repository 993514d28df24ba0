"""Guest tickets: submit without an account, follow by a signed link, turn into an account."""

import re
import time
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core import signing
from django.test import Client
from django.urls import reverse

from incidents import guest_access
from incidents.models import Ticket
from notifications.models import Notification
from tests.mails import rendered

URL = reverse("portal:guest")
FORM = {
    "email": "Gus@Example.com",
    "name": "Gus Guest",
    "subject": "VPN drops every hour",
    "description": "It disconnects on the hour.",
    "impact": "low",
    "urgency": "high",
}


def submit(client=None, **changes):
    return (client or Client()).post(URL, {**FORM, **changes})


@pytest.mark.django_db
def test_guest_submission_creates_a_ticket_for_a_passwordless_customer():
    response = submit()
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.reference in response.content.decode()
    guest = ticket.requester
    assert guest.email == "gus@example.com" and guest.first_name == "Gus Guest"
    assert not guest.has_usable_password() and not guest.groups.exists()
    assert ticket.impact == "low" and ticket.urgency == "high"


@pytest.mark.django_db
def test_a_second_submission_reuses_the_guest_and_an_account_keeps_its_owner(make_user):
    submit()
    submit(subject="Again")
    assert User.objects.filter(email="gus@example.com").count() == 1
    alice = make_user("alice")
    submit(email="alice@example.com")
    assert Ticket.objects.filter(requester=alice).count() == 1


@pytest.mark.django_db
def test_the_received_mail_carries_a_signed_link_and_a_set_password_link():
    submit()
    ticket = Ticket.objects.get()
    note = rendered(Notification.objects.get(ticket=ticket, kind="received"))
    assert note.address == "gus@example.com"
    # The mail's own tokens, read back: a token made here again could be signed a second
    # later than the mail's (the signature carries its second), and differ.
    opens = r"/portal/guest/([^/\s]+)/"
    for body, pattern in (
        (note.body, opens + r"\s"),
        (note.body, opens + r"password/"),
        (note.html_body, opens + r'"'),
    ):
        tokens = re.findall(pattern, body)
        assert tokens, pattern
        for token in tokens:
            assert guest_access.read(token) == (ticket.pk, ticket.requester_id)
            assert reverse("portal:guest-ticket", args=[token]) in body


@pytest.mark.django_db
def test_the_link_opens_that_ticket_to_view_reply_and_reopen(make_ticket, agent):
    submit()
    ticket = Ticket.objects.get()
    token = guest_access.token_for(ticket)
    client = Client()
    page = client.get(reverse("portal:guest-ticket", args=[token]))
    assert page.status_code == 200 and FORM["subject"] in page.content.decode()

    response = client.post(reverse("portal:guest-reply", args=[token]), {"body": "Still broken"})
    assert response.status_code == 302
    assert ticket.replies.get().author == ticket.requester

    ticket.resolve(agent)
    response = client.post(reverse("portal:guest-reopen", args=[token]))
    ticket.refresh_from_db()
    assert ticket.status == "open"


@pytest.mark.django_db
def test_the_link_opens_no_other_ticket(make_ticket, customer):
    submit()
    guest_ticket = Ticket.objects.get()
    other = make_ticket(customer, subject="Alice's secret")
    token = guest_access.token_for(guest_ticket)
    client = Client()
    assert "Alice" not in client.get(reverse("portal:guest-ticket", args=[token])).content.decode()
    # Even a token for someone else's ticket: an account holder's ticket needs a sign-in.
    assert client.get(reverse("portal:ticket", args=[other.pk])).status_code == 302
    forged = signing.TimestampSigner(salt="other").sign_object({"t": other.pk, "u": customer.pk})
    assert client.get(reverse("portal:guest-ticket", args=[forged])).status_code == 404


@pytest.mark.django_db
def test_a_tampered_or_expired_link_says_so_with_a_404(settings):
    submit()
    token = guest_access.token_for(Ticket.objects.get())
    client = Client()
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.get(reverse("portal:guest-ticket", args=[tampered]))
    assert response.status_code == 404
    assert b"expired or is not valid" in response.content
    response = client.post(reverse("portal:guest-reply", args=[tampered]), {"body": "x"})
    assert response.status_code == 404

    settings.GUEST_LINK_MAX_AGE_DAYS = 30
    ticket = Ticket.objects.get()
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 31 * 86400):
        old = guest_access.token_for(ticket)
    response = client.get(reverse("portal:guest-ticket", args=[old]))
    assert response.status_code == 404
    assert b"expired or is not valid" in response.content
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 29 * 86400):
        recent = guest_access.token_for(ticket)
    assert client.get(reverse("portal:guest-ticket", args=[recent])).status_code == 200


@pytest.mark.django_db
def test_choosing_a_password_turns_the_guest_into_an_account_holding_their_tickets():
    submit()
    ticket = Ticket.objects.get()
    token = guest_access.token_for(ticket)
    client = Client()
    url = reverse("portal:guest-password", args=[token])
    assert client.get(url).status_code == 200
    password = "Quiet-Harbour-42"
    response = client.post(url, {"new_password1": password, "new_password2": password})
    assert response["Location"] == reverse("portal:home")
    assert ticket.reference in client.get(reverse("portal:home")).content.decode()

    # From now on: sign in by email; the old link leads to the signed-in page.
    fresh = Client()
    fresh.post(reverse("account_login"), {"login": "gus@example.com", "password": password})
    assert fresh.get(reverse("portal:ticket", args=[ticket.pk])).status_code == 200
    assert Client().get(url).status_code == 404
    assert Client().get(reverse("portal:guest-ticket", args=[token]))["Location"] == reverse(
        "portal:ticket", args=[ticket.pk]
    )


@pytest.mark.django_db
def test_guest_submissions_are_throttled_per_email_and_per_ip(settings):
    settings.GUEST_SUBMISSIONS_PER_EMAIL_HOUR = 2
    settings.GUEST_SUBMISSIONS_PER_IP_HOUR = 3
    client = Client()
    submit(client)
    submit(client)
    response = submit(client)
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert Ticket.objects.count() == 2

    assert submit(client, email="other@example.com").status_code == 429  # 4th from this IP
    assert submit(Client(REMOTE_ADDR="10.0.0.9"), email="new@example.com").status_code == 200
