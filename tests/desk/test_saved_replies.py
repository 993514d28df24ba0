"""Saved replies in the composer: offered per team, inserted by JS or by ?saved=<id>."""

import pytest
from django.urls import reverse

from incidents.models import SavedReply

pytestmark = pytest.mark.django_db


@pytest.fixture
def replies(teams):
    return {
        "shared": SavedReply.objects.create(title="Thanks", body="Thank you for waiting."),
        "desk": SavedReply.objects.create(team=teams["desk"], title="Reset", body="Try a reset."),
        "apps": SavedReply.objects.create(team=teams["apps"], title="Logs", body="Send logs."),
    }


def test_the_composer_offers_the_teams_and_shared_replies(client_for, agent, desk_ticket, replies):
    response = client_for(agent).get(reverse("desk:ticket", args=[desk_ticket.pk]))
    assert response.context["saved_replies"] == [replies["desk"], replies["shared"]]
    html = response.content.decode()
    assert 'data-body="Try a reset."' in html and "Send logs." not in html
    assert 'name="saved"' in html and 'id="saved-reply-form"' in html


def test_saved_prefills_the_composer_without_javascript(client_for, agent, desk_ticket, replies):
    url = reverse("desk:ticket", args=[desk_ticket.pk]) + f"?saved={replies['desk'].pk}"
    html = client_for(agent).get(url).content.decode()
    assert 'name="body" rows="6" required>Try a reset.</textarea>' in html


def test_another_teams_saved_reply_is_not_prefilled(client_for, agent, desk_ticket, replies):
    url = reverse("desk:ticket", args=[desk_ticket.pk]) + f"?saved={replies['apps'].pk}"
    html = client_for(agent).get(url).content.decode()
    assert "Send logs." not in html
