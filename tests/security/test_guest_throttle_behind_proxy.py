"""Behind a proxy, one guest using up their allowance leaves every other guest theirs."""

import pytest
from django.test import Client
from django.urls import reverse

from incidents.models import Ticket

FORM = {
    "name": "Gus",
    "subject": "VPN drops every hour",
    "description": "It disconnects on the hour.",
    "impact": "low",
    "urgency": "high",
}


def submit(forwarded_for, n):
    # Every request reaches gunicorn from the proxy's address; the proxy appends the client's.
    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)
    return client.post(reverse("portal:guest"), {**FORM, "email": f"guest{n}@example.com"})


@pytest.mark.django_db
def test_one_client_behind_the_proxy_cannot_close_guest_submissions_for_another(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.GUEST_SUBMISSIONS_PER_IP_HOUR = 3

    attacker = [submit("198.51.100.66", n).status_code for n in range(5)]
    assert attacker == [200, 200, 200, 429, 429]

    assert submit("203.0.113.7", 99).status_code == 200
    assert Ticket.objects.filter(requester__email="guest99@example.com").exists()


@pytest.mark.django_db
def test_a_forged_forwarded_for_entry_does_not_buy_more_submissions(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.GUEST_SUBMISSIONS_PER_IP_HOUR = 2

    # The client writes its own header; the proxy appends the address it really saw.
    codes = [submit(f"192.0.2.{n}, 198.51.100.66", n).status_code for n in range(3)]
    assert codes == [200, 200, 429]
