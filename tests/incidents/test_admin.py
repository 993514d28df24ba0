"""Admin for teams, users and tickets, as supervisors (staff, non-superuser) and agents use it."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from incidents.models import Team, Ticket
from tests.admin_pages import assert_agent_sent_to_login, url

INCIDENT_MODELS = [
    model for model in admin.site._registry if model._meta.app_label in ("incidents", "auth")
]


@pytest.mark.parametrize("model", INCIDENT_MODELS, ids=lambda m: m._meta.label)
def test_agent_is_sent_to_the_admin_login(client, agent, model):
    assert_agent_sent_to_login(client, agent, model)


def test_supervisor_configures_a_team_with_members(client, supervisor, teams, agent):
    client.force_login(supervisor)
    assert client.get(url(Team, "changelist")).status_code == 200
    assert client.get(url(Team, "add")).status_code == 200

    response = client.post(
        url(Team, "add"),
        {
            "name": "Network Operations",
            "slug": "netops",
            "tier": 2,
            "escalates_to": teams["eng"].pk,
            "email": "noc@example.com",
            "memberships-TOTAL_FORMS": 1,
            "memberships-INITIAL_FORMS": 0,
            "memberships-MIN_NUM_FORMS": 0,
            "memberships-MAX_NUM_FORMS": 1000,
            "memberships-0-user": agent.pk,
            "memberships-0-role": "lead",
        },
    )

    assert response.status_code == 302, response.context["adminform"].errors
    team = Team.objects.get(slug="netops")
    assert team.escalates_to == teams["eng"]
    assert team.leads() == [agent]


def test_team_list_is_filtered_by_tier_and_searchable(client, supervisor, teams):
    client.force_login(supervisor)

    by_tier = client.get(url(Team, "changelist"), {"tier": 2})
    searched = client.get(url(Team, "changelist"), {"q": "engineering"})

    assert [t.slug for t in by_tier.context["cl"].result_list] == ["app-support"]
    assert [t.slug for t in searched.context["cl"].result_list] == ["engineering"]


def test_supervisor_finds_people_by_autocomplete(client, supervisor, customer, agent):
    client.force_login(supervisor)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "incidents",
            "model_name": "membership",
            "field_name": "user",
            "term": "tier1",
        },
    )

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [agent.username]


def test_supervisor_may_look_at_users_but_not_edit_them(client, supervisor, customer):
    client.force_login(supervisor)
    User = get_user_model()

    assert client.get(url(User, "changelist")).status_code == 200
    assert client.get(url(User, "add")).status_code == 403
    response = client.post(url(User, "change", customer.pk), {"username": "mallory"})
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.username == "alice"


def test_supervisor_reads_a_ticket_with_its_timeline(
    client, supervisor, make_ticket, customer, agent, teams
):
    ticket = make_ticket(customer, team=teams["desk"], subject="VPN keeps dropping")
    ticket.add_reply(agent, "Checking the VPN gateway logs.", internal=True)
    ticket.add_reply(agent, "We are on it.")
    client.force_login(supervisor)

    listing = client.get(url(Ticket, "changelist"), {"q": "VPN"})
    page = client.get(url(Ticket, "change", ticket.pk))

    assert listing.status_code == 200
    assert [t.pk for t in listing.context["cl"].result_list] == [ticket.pk]
    assert page.status_code == 200
    assert b"Checking the VPN gateway logs." in page.content
    assert b"acknowledged" in page.content
    assert client.get(url(Ticket, "add")).status_code == 403


def test_ticket_list_query_count_does_not_grow_with_tickets(
    client, supervisor, make_ticket, customer, teams, agent, django_assert_max_num_queries
):
    for i in range(20):
        ticket = make_ticket(customer, team=teams["desk"], subject=f"Ticket {i}")
        ticket.assign(agent, agent)
    client.force_login(supervisor)

    with django_assert_max_num_queries(12):
        response = client.get(url(Ticket, "changelist"))
    assert len(response.context["cl"].result_list) == 20


def test_ticket_admin_action_goes_through_the_lifecycle(
    admin_client, admin_user, make_ticket, customer, teams
):
    open_one = make_ticket(customer, team=teams["desk"])
    open_one.acknowledge(admin_user)
    fresh = make_ticket(customer, team=teams["desk"])

    response = admin_client.post(
        url(Ticket, "changelist"),
        {
            "action": "close",
            "_selected_action": [open_one.pk, fresh.pk],
        },
        follow=True,
    )
    assert response.status_code == 200
    admin_client.post(
        url(Ticket, "changelist"),
        {
            "action": "resolve",
            "_selected_action": [open_one.pk],
        },
    )

    open_one.refresh_from_db()
    fresh.refresh_from_db()
    assert (open_one.status, fresh.status) == ("resolved", "new")
    event = open_one.events.filter(kind="status_changed").last()
    assert (event.actor, event.after) == (admin_user, {"status": "resolved"})
    messages = [str(m) for m in response.context["messages"]]
    assert any("Only a resolved ticket can be closed" in m for m in messages)


def test_supervisor_cannot_change_ticket_fields_in_the_admin(
    client, supervisor, make_ticket, customer, teams
):
    ticket = make_ticket(customer, team=teams["desk"])
    client.force_login(supervisor)

    response = client.post(url(Ticket, "change", ticket.pk), {"status": "closed"})

    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == "new"


def team_form(team, **changes):
    """The team's change form as the admin posts it, with `changes` (False unticks a box)."""
    data = {
        "name": team.name,
        "slug": team.slug,
        "tier": team.tier,
        "escalates_to": team.escalates_to_id or "",
        "email": team.email,
        "is_intake": "on" if team.is_intake else "",
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
        "memberships-MIN_NUM_FORMS": 0,
        "memberships-MAX_NUM_FORMS": 1000,
    }
    data.update({k: ("on" if v is True else "" if v is False else v) for k, v in changes.items()})
    return {k: v for k, v in data.items() if v != ""}


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_unticking_the_intake_team_is_refused_with_a_message(client, supervisor, teams):
    client.force_login(supervisor)
    desk = teams["desk"]

    response = client.post(url(Team, "change", desk.pk), team_form(desk, is_intake=False))

    assert response.status_code == 200
    assert response.context["adminform"].errors == {
        "is_intake": ["There is always an intake team: make another team the intake team instead."]
    }
    assert Team.objects.get(is_intake=True) == desk


def test_ticking_another_team_moves_the_intake_flag(client, supervisor, teams):
    client.force_login(supervisor)
    apps = teams["apps"]

    response = client.post(url(Team, "change", apps.pk), team_form(apps, is_intake=True))

    assert response.status_code == 302, response.context["adminform"].errors
    assert list(Team.objects.filter(is_intake=True)) == [apps]


def test_deleting_the_intake_team_is_refused_with_a_message(client, supervisor, teams):
    client.force_login(supervisor)
    desk = teams["desk"]

    for send in (client.get, client.post):
        response = send(url(Team, "delete", desk.pk), {"post": "yes"}, follow=True)
        assert response.redirect_chain == [(url(Team, "change", desk.pk), 302)]
        assert messages_of(response) == [
            "Service Desk is the intake team and cannot be deleted. "
            "Make another team the intake team first."
        ]
    assert Team.objects.filter(pk=desk.pk).exists()
    response = client.post(url(Team, "delete", teams["eng"].pk), {"post": "yes"})
    assert response.status_code == 302 and not Team.objects.filter(slug="engineering").exists()


def test_delete_action_refuses_a_selection_holding_the_intake_team(client, supervisor, teams):
    client.force_login(supervisor)
    everyone = [team.pk for team in teams.values()]

    for confirmed in ({}, {"post": "yes"}):
        response = client.post(
            url(Team, "changelist"),
            {"action": "delete_selected", "_selected_action": everyone, **confirmed},
            follow=True,
        )
        assert messages_of(response) == [
            "Service Desk is the intake team and cannot be deleted. "
            "Make another team the intake team first."
        ]
    assert Team.objects.count() == 3

    others = [teams["apps"].pk, teams["eng"].pk]
    client.post(
        url(Team, "changelist"),
        {"action": "delete_selected", "_selected_action": others, "post": "yes"},
    )
    assert list(Team.objects.all()) == [teams["desk"]]


def test_admin_actions_follow_the_ticket_rules(client, agent, make_ticket, customer, teams):
    """A staff agent of the team a ticket was escalated away from may not resolve it there
    either: the action says so, it is no server error, and the ticket stays as it was."""
    agent.is_staff = True
    agent.save()
    agent.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_ticket", "change_ticket"])
    )
    moved = make_ticket(customer, team=teams["desk"])
    moved.escalate(agent, "Needs tier 2")
    mine = make_ticket(customer, team=teams["desk"])
    client.force_login(agent)

    response = client.post(
        url(Ticket, "changelist"),
        {"action": "resolve", "_selected_action": [moved.pk, mine.pk]},
        follow=True,
    )

    assert response.status_code == 200
    moved.refresh_from_db()
    mine.refresh_from_db()
    assert (moved.status, mine.status) == ("new", "resolved")
    messages = [str(m) for m in response.context["messages"]]
    assert any(
        m.startswith(f"{moved.reference}: ") and "Application Support" in m for m in messages
    )
