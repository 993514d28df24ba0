"""SLA and escalation admin, as a supervisor (staff, non-superuser) configures it."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from escalation.models import BusinessCalendar, EscalationPolicy, Firing, SLAPolicy
from incidents.models import PriorityMatrixEntry
from tests.admin_pages import assert_agent_sent_to_login, url
from tests.conftest import utc

# Every model the admin registers for the configuring apps, with what a supervisor may do on
# its add page: configure (200) or only look (403). A model registered without an entry here
# fails the first test, so nothing reaches the admin unchecked.
ADD_PAGE = {
    "escalation.businesscalendar": 200,
    "escalation.slapolicy": 200,
    "escalation.escalationpolicy": 200,
    "escalation.firing": 403,
    "escalation.ticketclock": 403,
    "escalation.rotation": 200,
    "escalation.oncalloverride": 200,
    "escalation.replay": 403,
    "incidents.prioritymatrixentry": 200,
    "notifications.notification": 403,
    "notifications.webhook": 200,
    "notifications.contact": 200,
    "notifications.notificationpreference": 200,
    "notifications.inboundmail": 403,  # mail comes in by ingest_email and the poller only
    "notifications.rejectedmail": 403,
    "notifications.mailaddress": 200,
}
MODELS = [
    m
    for m in admin.site._registry
    if m._meta.app_label in ("escalation", "notifications") or m._meta.label_lower in ADD_PAGE
]


@pytest.fixture
def as_supervisor(client, supervisor):
    client.force_login(supervisor)
    return client


def inline(prefix, *rows):
    """Management form plus rows for an inline formset named `prefix`."""
    data = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def test_every_registered_model_has_an_expected_add_page():
    assert {m._meta.label_lower for m in MODELS} == set(ADD_PAGE)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_supervisor_opens_every_list_and_add_page(as_supervisor, model):
    assert as_supervisor.get(url(model, "changelist")).status_code == 200
    assert as_supervisor.get(url(model, "add")).status_code == ADD_PAGE[model._meta.label_lower]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_agent_is_sent_to_the_admin_login(client, agent, model):
    assert_agent_sent_to_login(client, agent, model)


def policy_form(teams, tier2_agent, **overrides):
    data = {
        "name": "Major incidents",
        "is_active": "on",
        "teams": [teams["desk"].pk],
        "priorities": ["P2", "P1"],
        "repeat": 2,
        "repeat_interval_seconds": 1800,
        **inline(
            "levels",
            {
                "order": 1,
                "anchor": "response_due",
                "offset_seconds": -900,
                "notify": ["team_leads", "assignee"],
                "notify_users": [tier2_agent.pk],
            },
            {
                "order": 2,
                "anchor": "resolution_due",
                "offset_seconds": 0,
                "notify": ["supervisors"],
                "reassign_to": teams["apps"].pk,
                "set_priority": "P1",
            },
        ),
    }
    data.update(overrides)
    return data


def test_supervisor_adds_an_escalation_policy_with_levels(as_supervisor, teams, tier2_agent):
    response = as_supervisor.post(url(EscalationPolicy, "add"), policy_form(teams, tier2_agent))

    assert response.status_code == 302
    policy = EscalationPolicy.objects.get(name="Major incidents")
    assert policy.priorities == ["P1", "P2"]
    assert [t.slug for t in policy.teams.all()] == ["service-desk"]
    first, second = policy.levels.order_by("order")
    assert first.notify == ["assignee", "team_leads"]
    assert list(first.notify_users.all()) == [tier2_agent]
    assert (second.notify, second.reassign_to, second.set_priority) == (
        ["supervisors"],
        teams["apps"],
        "P1",
    )
    assert policy.snapshot()["levels"][0]["offset_seconds"] == -900


def test_change_form_ticks_the_saved_choices(as_supervisor, teams, tier2_agent):
    as_supervisor.post(url(EscalationPolicy, "add"), policy_form(teams, tier2_agent))
    policy = EscalationPolicy.objects.get()

    page = as_supervisor.get(url(EscalationPolicy, "change", policy.pk)).content.decode()

    ticked = set(
        re.findall(r'<input type="checkbox" name="priorities" value="(P\d)"[^>]*checked', page)
    )
    assert ticked == {"P1", "P2"}
    assert re.search(r'name="levels-0-notify" value="team_leads"[^>]*checked', page)
    assert not re.search(r'name="levels-0-notify" value="supervisors"[^>]*checked', page)


def test_unknown_choices_are_refused_with_a_message(as_supervisor, teams, tier2_agent):
    data = policy_form(teams, tier2_agent, priorities=["P9"])
    data["levels-0-notify"] = ["everyone"]

    response = as_supervisor.post(url(EscalationPolicy, "add"), data)

    assert response.status_code == 200
    assert "P9 is not one of the available choices" in response.content.decode()
    assert "everyone is not one of the available choices" in response.content.decode()
    assert not EscalationPolicy.objects.exists()


def test_a_level_cannot_fire_before_the_ticket_exists(as_supervisor, teams, tier2_agent):
    data = policy_form(teams, tier2_agent)
    data["levels-0-anchor"] = "created"

    response = as_supervisor.post(url(EscalationPolicy, "add"), data)

    assert response.status_code == 200
    assert "cannot fire before the ticket exists" in response.content.decode()
    assert not EscalationPolicy.objects.exists()


def test_level_autocomplete_finds_teams_and_people(as_supervisor, teams, tier2_agent):
    def search(field, term):
        response = as_supervisor.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "escalation",
                "model_name": "escalationlevel",
                "field_name": field,
                "term": term,
            },
        )
        assert response.status_code == 200
        return [r["id"] for r in response.json()["results"]]

    assert search("reassign_to", "engin") == [str(teams["eng"].pk)]
    assert search("notify_users", "tier2") == [str(tier2_agent.pk)]


def test_supervisor_adds_a_calendar_with_hours_and_holidays(as_supervisor):
    response = as_supervisor.post(
        url(BusinessCalendar, "add"),
        {
            "name": "Berlin",
            "timezone": "Europe/Berlin",
            **inline(
                "hours",
                {"weekday": 0, "start": "09:00", "end": "17:00"},
                {"weekday": 5, "start": "20:00", "end": "00:00"},
            ),
            **inline("holidays", {"date": "2026-12-25", "name": "1. Weihnachtstag"}),
        },
    )

    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get()
    assert calendar.snapshot()["intervals"] == [[0, 9 * 3600, 17 * 3600], [5, 72000, 86400]]
    assert calendar.snapshot()["holidays"] == ["2026-12-25"]


def test_calendar_refuses_a_bad_zone_and_a_backwards_interval(as_supervisor):
    response = as_supervisor.post(
        url(BusinessCalendar, "add"),
        {
            "name": "Mars",
            "timezone": "Mars/Olympus_Mons",
            **inline("hours", {"weekday": 0, "start": "17:00", "end": "09:00"}),
            **inline("holidays"),
        },
    )

    assert response.status_code == 200
    assert "The interval must end after it starts." in response.content.decode()
    assert not BusinessCalendar.objects.exists()


def sla_form(name, **extra):
    return {
        "name": name,
        **extra,
        **inline(
            "targets",
            {"priority": "P1", "first_response_seconds": 900, "resolution_seconds": 14400},
            {"priority": "P2", "first_response_seconds": 3600, "resolution_seconds": 28800},
        ),
    }


def test_supervisor_adds_an_sla_policy_and_only_one_default(as_supervisor, teams):
    first = as_supervisor.post(url(SLAPolicy, "add"), sla_form("Standard", is_default="on"))
    second = as_supervisor.post(url(SLAPolicy, "add"), sla_form("Other", is_default="on"))

    assert first.status_code == 302
    assert second.status_code == 200  # a form error, not a database error page
    policy = SLAPolicy.objects.get()
    assert (policy.name, policy.is_default) == ("Standard", True)
    assert {t.priority: t.resolution_seconds for t in policy.targets.all()} == {
        "P1": 14400,
        "P2": 28800,
    }
    listing = as_supervisor.get(url(SLAPolicy, "change", policy.pk)).content.decode()
    # The targets read back in the words a supervisor types, not as seconds.
    assert 'value="15m"' in listing and 'value="4h"' in listing
    assert 'value="900"' not in listing


def test_a_resolution_shorter_than_the_first_response_is_refused_on_its_field(as_supervisor):
    data = {
        "name": "Backwards",
        **inline(
            "targets",
            {"priority": "P1", "first_response_seconds": "2h", "resolution_seconds": "1h"},
        ),
    }
    page = as_supervisor.post(url(SLAPolicy, "add"), data)
    assert page.status_code == 200  # the form again, with the message beside the field
    assert "The resolution target (1h) is shorter than the first-response target (2h)" in (
        page.content.decode()
    )
    assert not SLAPolicy.objects.exists()
    equal = {**data, "targets-0-resolution_seconds": "2h"}
    assert as_supervisor.post(url(SLAPolicy, "add"), equal).status_code == 302


def matrix_post(**cells):
    """The grid's nine cells as ITIL has them, with `cells` ("low_low": "P3") changed."""
    from incidents.models.priority import DEFAULT_PRIORITY_MATRIX

    data = {f"{i}-{u}": p for (i, u), p in DEFAULT_PRIORITY_MATRIX.items()}
    data.update({key.replace("_", "-"): value for key, value in cells.items()})
    return data


def test_the_priority_matrix_is_a_grid_impact_down_urgency_across(as_supervisor):
    PriorityMatrixEntry.objects.create(impact="low", urgency="low", priority="P3")
    page = as_supervisor.get(url(PriorityMatrixEntry, "changelist")).content.decode()

    names = re.findall(r'<select name="([a-z]+-[a-z]+)"', page)
    assert names == [
        f"{i}-{u}" for i in ("high", "medium", "low") for u in ("high", "medium", "low")
    ]
    assert 'aria-label="Impact low, urgency low"' in page
    cells = re.findall(r'<td class="cell-(p\d)"', page)
    assert cells == ["p1", "p2", "p3", "p2", "p3", "p4", "p3", "p4", "p3"]
    assert page.count('class="cell-default"') == 8  # every cell but the edited one


def test_supervisor_edits_the_priority_matrix_in_the_grid(as_supervisor):
    cell = PriorityMatrixEntry.objects.create(impact="low", urgency="low", priority="P4")
    assert PriorityMatrixEntry.priority_for("low", "low") == "P4"  # and now kept per process

    response = as_supervisor.post(
        url(PriorityMatrixEntry, "changelist"), matrix_post(low_low="P3", high_low="P2")
    )

    assert response.status_code == 302
    cell.refresh_from_db()
    assert cell.priority == "P3"
    assert PriorityMatrixEntry.priority_for("low", "low") == "P3"
    assert PriorityMatrixEntry.priority_for("high", "low") == "P2"
    assert PriorityMatrixEntry.objects.count() == 2  # cells left as ITIL has them add no row


def test_a_wrong_priority_in_the_grid_is_a_field_error_and_nothing_changes(as_supervisor):
    response = as_supervisor.post(
        url(PriorityMatrixEntry, "changelist"), matrix_post(low_low="P9", high_low="P2")
    )

    assert response.status_code == 200
    assert "Select a valid choice. P9 is not one of the available choices." in (
        response.content.decode()
    )
    assert not PriorityMatrixEntry.objects.exists()


def test_firings_are_read_only(as_supervisor, admin_client, make_ticket, customer):
    ticket = make_ticket(customer)
    firing = Firing.objects.create(
        ticket=ticket,
        key=f"test:{ticket.pk}:1:0",
        level=1,
        anchor="response_due",
        anchor_at=utc(2026, 3, 2, 10),
        due_at=utc(2026, 3, 2, 9, 45),
    )

    for client in (as_supervisor, admin_client):
        assert client.get(url(Firing, "change", firing.pk)).status_code == 200
        assert client.post(url(Firing, "change", firing.pk), {"state": "fired"}).status_code == 403
        assert client.post(url(Firing, "delete", firing.pk), {"post": "yes"}).status_code == 403
    firing.refresh_from_db()
    assert firing.state == "pending"


def test_durations_are_typed_and_shown_in_words(as_supervisor, teams, tier2_agent):
    """A supervisor types "1h 30m" and "-15m"; seconds are stored, words are shown back."""
    data = policy_form(teams, tier2_agent, repeat_interval_seconds="1h 30m")
    data["levels-0-offset_seconds"] = "-15m"
    data["levels-1-offset_seconds"] = "2d"
    assert as_supervisor.post(url(EscalationPolicy, "add"), data).status_code == 302

    policy = EscalationPolicy.objects.get()
    assert policy.repeat_interval_seconds == 5400
    assert [level.offset_seconds for level in policy.levels.order_by("order")] == [-900, 172800]
    page = as_supervisor.get(url(EscalationPolicy, "change", policy.pk)).content.decode()
    assert 'value="1h 30m"' in page and 'value="-15m"' in page and 'value="2d"' in page


def test_a_duration_that_is_not_one_is_a_field_error(as_supervisor, teams, tier2_agent):
    data = policy_form(teams, tier2_agent)
    data["levels-0-offset_seconds"] = "ninety minutes"
    page = as_supervisor.post(url(EscalationPolicy, "add"), data).content.decode()

    assert "“ninety minutes” is not a duration." in page
    assert 'value="ninety minutes"' in page  # what was typed is kept to correct
    assert not EscalationPolicy.objects.exists()
