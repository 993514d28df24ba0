"""A guest rates the outcome through their link, as the resolved mail promises: once per
resolution."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from incidents import guest_access
from incidents.models import Ticket
from notifications.models import Notification
from tests.mails import rendered
from tests.portal.test_guest import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(agent):
    submit()
    ticket = Ticket.objects.get()
    ticket.add_reply(agent, "Fixed: the VPN concentrator was restarted.")
    ticket.resolve(agent)
    return ticket


def rate_url(ticket):
    return reverse("portal:guest-rate", args=[guest_access.token_for(ticket)])


def test_the_resolved_mail_links_the_guests_rating_page(resolved):
    mail = rendered(Notification.objects.get(ticket=resolved, kind="resolved"))
    link = re.search(r"http://\S+(/portal/guest/[^/\s]+/rate/)", mail.body)
    assert link and 'name="rating"' in Client().get(link[1]).content.decode()


def test_a_guest_rates_once_per_resolution(resolved, agent):
    client = Client()
    page = client.get(rate_url(resolved)).content.decode()
    assert "How did we do?" in page and 'name="rating"' in page
    response = client.post(rate_url(resolved), {"rating": "4", "comment": "Quick, thanks"})
    assert response.status_code == 302
    resolved.refresh_from_db()
    assert (resolved.rating, resolved.rating_comment) == (4, "Quick, thanks")
    assert resolved.events.filter(kind="rated", actor=resolved.requester).count() == 1
    again = client.post(rate_url(resolved), {"rating": "1"}).content.decode()
    assert "already rated" in again
    resolved.refresh_from_db()
    assert resolved.rating == 4
    resolved.reopen(agent)
    resolved.resolve(agent)
    assert client.post(rate_url(resolved), {"rating": "2"}).status_code == 302
    resolved.refresh_from_db()
    assert resolved.rating == 2


def test_the_guests_ticket_page_offers_the_rating(resolved):
    token = guest_access.token_for(resolved)
    html = Client().get(reverse("portal:guest-ticket", args=[token])).content.decode()
    # The link's token is signed anew each second: match its shape, then follow it.
    link = re.search(r'href="(/portal/guest/[^"/]+/rate/)"', html)
    assert link and "How did we do?" in Client().get(link[1]).content.decode()


def test_no_rating_before_the_ticket_is_solved(resolved, agent):
    resolved.reopen(agent)
    html = Client().get(rate_url(resolved)).content.decode()
    assert 'name="rating"' not in html and "once it" in html


def test_a_choice_is_needed_and_the_comment_is_kept(resolved):
    response = Client().post(rate_url(resolved), {"comment": "Kept text"})
    assert response.status_code == 400
    assert "Kept text" in response.content.decode()


def test_a_bad_link_rates_nothing(resolved):
    response = Client().post("/portal/guest/not-a-token/rate/", {"rating": "5"})
    assert response.status_code == 404
    resolved.refresh_from_db()
    assert resolved.rating is None
