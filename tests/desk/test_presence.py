"""Presence: who else is viewing a ticket or typing a reply, through the shared cache."""

import pytest
from django.urls import reverse

from desk import presence

pytestmark = pytest.mark.django_db
T0 = 1_800_000_000.0


@pytest.fixture
def dana(make_user, teams):
    from incidents.models import Membership

    user = make_user("dana", role="agent", first_name="Dana", last_name="Scully")
    Membership.objects.create(user=user, team=teams["desk"], role="agent")
    return user


def test_others_see_a_beat_until_it_is_stale(agent, dana, desk_ticket):
    presence.beat(desk_ticket.pk, dana, presence.VIEWING, now=T0)
    assert presence.others(desk_ticket.pk, agent, now=T0 + 1) == [("Dana Scully", "viewing")]
    assert presence.others(desk_ticket.pk, dana, now=T0 + 1) == []
    assert presence.others(desk_ticket.pk, agent, now=T0 + presence.TTL + 1) == []


def test_typing_is_listed_first_and_a_stale_beat_is_dropped(agent, dana, lead, desk_ticket):
    presence.beat(desk_ticket.pk, lead, presence.VIEWING, now=T0)
    presence.beat(desk_ticket.pk, dana, presence.TYPING, now=T0 + 2)
    assert presence.others(desk_ticket.pk, agent, now=T0 + 3) == [
        ("Dana Scully", "typing"),
        ("tier1-lead", "viewing"),
    ]
    presence.beat(desk_ticket.pk, dana, "dancing", now=T0 + presence.TTL + 1)
    assert presence.others(desk_ticket.pk, agent, now=T0 + presence.TTL + 2) == [
        ("Dana Scully", "viewing")
    ]


def test_leaving_clears_the_beat(agent, dana, desk_ticket):
    presence.beat(desk_ticket.pk, dana, presence.TYPING, now=T0)
    presence.leave(desk_ticket.pk, dana, now=T0 + 1)
    assert presence.others(desk_ticket.pk, agent, now=T0 + 2) == []


def test_the_workspace_beat_answers_who_else_is_there(client_for, agent, dana, desk_ticket):
    url = reverse("desk:presence", args=[desk_ticket.pk])
    client_for(dana).post(url, {"state": "typing"})
    response = client_for(agent).post(url, {"state": "viewing"})
    assert response.status_code == 200
    assert "Dana Scully is typing a reply" in response.content.decode()
    back = client_for(dana).post(url, {"state": "viewing"}).content.decode()
    assert "tier1-agent is viewing" in back and "Dana" not in back


def test_the_workspace_and_the_queue_show_others(client_for, agent, dana, desk_ticket):
    presence.beat(desk_ticket.pk, dana, presence.VIEWING)
    client = client_for(agent)
    html = client.get(reverse("desk:ticket", args=[desk_ticket.pk])).content.decode()
    assert "Dana Scully is viewing" in html
    queue = client.get(reverse("desk:home")).content.decode()
    assert '<span class="desk-presence-tag">Dana Scully viewing</span>' in queue


def test_only_agents_who_can_see_the_ticket_beat(client_for, customer, tier2_agent, desk_ticket):
    url = reverse("desk:presence", args=[desk_ticket.pk])
    assert client_for(customer).post(url).status_code == 403
    assert client_for(tier2_agent).post(url).status_code == 404
    assert presence.others(desk_ticket.pk, customer) == []


def test_the_queue_still_refreshes_from_its_own_address(client_for, agent, desk_ticket):
    html = client_for(agent).get(reverse("desk:home"), {"view": "mine"}).content.decode()
    assert 'hx-get="/desk/?view=mine"' in html


def test_closing_the_page_leaves_at_once(client_for, agent, dana, desk_ticket):
    url = reverse("desk:presence", args=[desk_ticket.pk])
    client_for(dana).post(url, {"state": "viewing"})
    assert presence.others(desk_ticket.pk, agent) == [("Dana Scully", "viewing")]
    client_for(dana).post(url, {"state": "left"})
    assert presence.others(desk_ticket.pk, agent) == []


def test_the_queue_marker_is_in_the_agents_language(client_for, agent, dana, desk_ticket):
    from incidents.models import Profile

    presence.beat(desk_ticket.pk, dana, presence.TYPING)
    Profile.objects.update_or_create(user=agent, defaults={"language": "de"})
    html = client_for(agent).get(reverse("desk:home")).content.decode()
    assert "Dana Scully schreibt" in html and "Dana Scully typing" not in html
