"""Issue 21, findings 1 and 11: an address nobody confirmed opens nothing.

An attacker signs up with someone else's address and never confirms it; the site login sends
them to confirm, and so does the API. Tickets filed without signing in for an address that
already has a user are held until the link mailed to that address confirms them."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from incidents import guest_access
from incidents.models import Ticket
from notifications.models import Notification
from tests.mails import rendered

PASSWORD = "Quiet-Harbour-42"
GUEST_FORM = {
    "name": "Victor",
    "subject": "Payroll export fails",
    "description": "My salary slip shows the wrong IBAN.",
    "impact": "high",
    "urgency": "high",
}


def sign_up(email):
    Client().post(
        reverse("account_signup"),
        {"name": "Carol New", "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def token_for(login, password=PASSWORD):
    return APIClient().post(
        "/api/auth/token/", {"username": login, "password": password}, format="json"
    )


def file_as_guest(email):
    return Client().post(reverse("portal:guest"), {**GUEST_FORM, "email": email})


@pytest.mark.django_db
def test_an_unconfirmed_sign_up_gets_no_api_token():
    sign_up("victim@corp.example")
    response = token_for("victim@corp.example")
    assert response.status_code == 400
    assert "Confirm your email address" in response.json()["non_field_errors"][0]


@pytest.mark.django_db
def test_a_token_stops_working_while_the_address_is_unconfirmed(api, customer, desk_ticket):
    """A token issued before (or an address made unconfirmed later) opens no endpoint."""
    client = api(customer)
    assert client.get("/api/tickets/").status_code == 200
    customer.emailaddress_set.create(email=customer.email, primary=True, verified=False)
    response = client.get("/api/tickets/")
    assert response.status_code == 401
    assert "Confirm your email address" in response.json()["detail"]


@pytest.mark.django_db
def test_once_confirmed_the_api_answers(api):
    sign_up("carol@example.com")
    confirm = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    Client().post(confirm.replace("http://testserver", ""))
    token = token_for("carol@example.com").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/tickets/").status_code == 200


@pytest.mark.django_db
def test_the_owners_guest_ticket_never_reaches_the_attackers_account():
    """Sign up as victim@, never confirm; the real owner files a guest ticket; the attacker
    sees nothing, by the API (no token) nor by the portal (no session)."""
    sign_up("victim@corp.example")
    file_as_guest("victim@corp.example")
    ticket = Ticket.objects.get()
    assert ticket.held

    assert token_for("victim@corp.example").status_code == 400
    attacker = Client()
    attacker.post(reverse("login"), {"login": "victim@corp.example", "password": PASSWORD})
    assert attacker.get(reverse("portal:ticket", args=[ticket.pk])).status_code == 302


@pytest.mark.django_db
def test_a_guest_ticket_in_a_customers_name_is_held_until_the_mailed_link(make_user, api):
    """Finding 11: anyone filed a ticket as `SAM@example.com`; it showed in sam's portal. Now it
    waits, out of his portal and API, until he follows the link mailed to him."""
    sam = make_user("sam", password=PASSWORD)
    file_as_guest("SAM@example.com")
    ticket = Ticket.objects.get()
    assert ticket.requester == sam and ticket.held

    portal = Client()
    portal.force_login(sam)
    assert ticket.reference not in portal.get(reverse("portal:home")).content.decode()
    assert portal.get(reverse("portal:ticket", args=[ticket.pk])).status_code == 404
    assert api(sam).get("/api/tickets/").json()["count"] == 0
    assert api(sam).get(f"/api/tickets/{ticket.pk}/").status_code == 404

    note = rendered(Notification.objects.get(ticket=ticket, kind="received"))
    assert note.address == "sam@example.com" and "confirm that you sent it" in note.body
    # The link as mailed (a link made now could carry another second's timestamp).
    link = re.search(r"https?://\S+(/portal/guest/\S+)", note.body).group(1)
    assert guest_access.read(link.rstrip("/").rsplit("/", 1)[-1])[0] == ticket.pk
    page = Client().get(link)
    assert page.status_code == 200 and b"Is this your request?" in page.content
    assert GUEST_FORM["description"].encode() not in page.content
    ticket.refresh_from_db()
    assert ticket.held  # a look (or a mail scanner) confirms nothing

    Client().post(link)
    assert portal.get(reverse("portal:ticket", args=[ticket.pk])).status_code == 200
    assert api(sam).get("/api/tickets/").json()["count"] == 1


@pytest.mark.django_db
def test_the_desk_says_the_requester_has_not_confirmed_it(make_user, agent):
    make_user("sam")
    file_as_guest("Sam@Example.com")
    ticket = Ticket.objects.get()
    desk = Client()
    desk.force_login(agent)
    page = desk.get(reverse("desk:ticket", args=[ticket.pk])).content.decode()
    assert "has not confirmed it yet" in page


@pytest.mark.django_db
def test_a_first_guest_ticket_is_not_held():
    file_as_guest("new@example.com")
    assert not Ticket.objects.get().held
