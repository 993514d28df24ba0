"""A send is stopped when the ticket changed since the form was shown, with the text kept."""

import pytest
from django.urls import reverse

from desk.timeline import version

pytestmark = pytest.mark.django_db


def test_reply_refused_after_someone_else_replied(client_for, agent, lead, desk_ticket):
    seen = version(desk_ticket).isoformat()
    desk_ticket.add_reply(lead, "I already answered this one.")
    response = client_for(agent).post(
        reverse("desk:reply", args=[desk_ticket.pk]),
        {"body": "My carefully typed answer", "visibility": "internal", "updated_at": seen},
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "changed since you opened it" in html
    assert "tier1-lead: replied" in html
    assert ">My carefully typed answer</textarea>" in html
    assert 'value="internal" checked' in html
    assert desk_ticket.replies.count() == 1


def test_action_refused_after_a_change_keeps_the_reason(
    client_for, agent, lead, teams, desk_ticket
):
    seen = version(desk_ticket).isoformat()
    desk_ticket.assign(lead, lead)
    response = client_for(agent).post(
        reverse("desk:act", args=[desk_ticket.pk, "escalate"]),
        {"reason": "Needs tier 2", "updated_at": seen},
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "tier1-lead: assigned" in html and 'value="Needs tier 2"' in html
    desk_ticket.refresh_from_db()
    assert desk_ticket.team == teams["desk"]


def test_refused_page_carries_the_new_version_so_a_resend_works(
    client_for, agent, lead, desk_ticket
):
    client = client_for(agent)
    seen = version(desk_ticket).isoformat()
    desk_ticket.add_reply(lead, "Meanwhile")
    client.post(reverse("desk:reply", args=[desk_ticket.pk]), {"body": "x", "updated_at": seen})
    fresh = version(desk_ticket).isoformat()
    response = client.post(
        reverse("desk:reply", args=[desk_ticket.pk]),
        {"body": "Now with context", "updated_at": fresh},
    )
    assert response.status_code == 302
    assert desk_ticket.replies.count() == 2


def test_missing_version_is_refused(client_for, agent, desk_ticket):
    response = client_for(agent).post(reverse("desk:reply", args=[desk_ticket.pk]), {"body": "hi"})
    assert response.status_code == 400 and desk_ticket.replies.count() == 0
    assert (
        "out of date" in response.content.decode() and ">hi</textarea>" in response.content.decode()
    )


def test_own_earlier_action_does_not_block_the_next(client_for, agent, desk_ticket):
    client = client_for(agent)
    page = client.get(reverse("desk:ticket", args=[desk_ticket.pk]))
    client.post(
        reverse("desk:act", args=[desk_ticket.pk, "take"]),
        {"updated_at": page.context["version"]},
    )
    page = client.get(reverse("desk:ticket", args=[desk_ticket.pk]))
    response = client.post(
        reverse("desk:act", args=[desk_ticket.pk, "acknowledge"]),
        {"updated_at": page.context["version"]},
    )
    assert response.status_code == 302
    desk_ticket.refresh_from_db()
    assert desk_ticket.assignee == agent and desk_ticket.acknowledged_at is not None


def test_a_german_agent_reads_what_changed_in_german(client_for, agent, lead, desk_ticket):
    """The "changed since you opened it" lines are the story's own words, in the reader's
    language (issue 28), not English built from the raw event."""
    from incidents.models import Profile

    Profile.objects.update_or_create(user=agent, defaults={"language": "de"})
    seen = version(desk_ticket).isoformat()
    desk_ticket.assign(lead, lead)
    client = client_for(agent)
    client.cookies["django_language"] = "de"
    response = client.post(
        reverse("desk:act", args=[desk_ticket.pk, "escalate"]),
        {"reason": "Braucht Stufe 2", "updated_at": seen},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "tier1-lead: assigned" not in html
    assert "tier1-lead: " in html and "zugewiesen" in html
