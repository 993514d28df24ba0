"""templates/403.html, 404.html and 500.html: plain customer words, no technical detail."""

from django.template.loader import render_to_string
from django.urls import reverse


def test_unknown_ticket_is_a_friendly_404(signed_in, customer):
    response = signed_in(customer).get(reverse("portal:ticket", args=[999]))
    assert response.status_code == 404
    assert "We can't find that page" in response.content.decode()


def test_403_and_500_pages_render_in_plain_words(rf):
    assert "You can't do that here" in render_to_string("403.html", request=rf.get("/"))
    # The 500 page is rendered without a request context, as Django's handler does.
    assert "Something went wrong on our side" in render_to_string("500.html")
