"""Guard rails at save (issue 27): each fault refused on the admin and the API with a message
naming it, from the one function escalation.guards.check_policy (teams: Team.validate_escalation).
The import path (`import_policies`) calls the same functions."""

import pytest

from escalation.models import EscalationPolicy, SLAPolicy, SLATarget
from incidents.models import Team
from tests.admin_pages import url

from .test_admin import inline

pytestmark = pytest.mark.django_db
H = 3600


@pytest.fixture
def sla(teams):
    """Every team: P1 first response in 1h, resolution in 4h."""
    policy = SLAPolicy.objects.create(name="Standard", is_default=True)
    SLATarget.objects.create(
        policy=policy, priority="P1", first_response_seconds=H, resolution_seconds=4 * H
    )
    return policy


def level(order, anchor="response_due", offset=0, reassign_to=None):
    return {"order": order, "anchor": anchor, "offset_seconds": offset, "reassign_to": reassign_to}


# (name, levels builder from teams, the field at fault, words the message must hold)
FAULTS = {
    "reassigns_to_holder": (
        lambda t: [level(1, reassign_to=t["desk"].pk)],
        (0, "reassign_to"),
        "Level 1 reassigns to Service Desk, which already holds the ticket",
    ),
    "reassigns_twice": (
        lambda t: [
            level(1, reassign_to=t["apps"].pk),
            level(2, offset=H, reassign_to=t["apps"].pk),
        ],
        (1, "reassign_to"),
        "Level 2 reassigns to Application Support, which already holds the ticket (level 1",
    ),
    "out_of_order": (
        lambda t: [level(1, "resolution_due", -H), level(2, "response_due", 0)],
        (1, "offset_seconds"),
        "Level 2 would fire at 1h after creation, before level 1 at 3h",
    ),
    "before_creation": (
        lambda t: [level(1, "response_due", -2 * H)],
        (0, "offset_seconds"),
        "Level 1 would fire 1h before the ticket is created, for P1 tickets of Service Desk",
    ),
}


def admin_body(teams, levels):
    rows = [{k: ("" if v is None else v) for k, v in row.items()} for row in levels]
    return {
        "name": "Guarded",
        "is_active": "on",
        "teams": [teams["desk"].pk],
        "priorities": ["P1"],
        "repeat": 0,
        "repeat_interval_seconds": "10m",
        **inline("levels", *rows),
    }


def api_body(teams, levels):
    return {"name": "Guarded", "teams": [teams["desk"].pk], "priorities": ["P1"], "levels": levels}


@pytest.mark.parametrize("fault", FAULTS)
def test_guard_rails_refuse_in_the_admin(client, supervisor, teams, sla, fault):
    build, (index, field), words = FAULTS[fault]
    client.force_login(supervisor)
    response = client.post(url(EscalationPolicy, "add"), admin_body(teams, build(teams)))

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert words in " ".join(formset.forms[index].errors[field])
    assert not EscalationPolicy.objects.exists()


@pytest.mark.parametrize("fault", FAULTS)
def test_guard_rails_refuse_in_the_api(api, supervisor, teams, sla, fault):
    build, (index, field), words = FAULTS[fault]
    response = api(supervisor).post(
        "/api/escalation-policies/", api_body(teams, build(teams)), format="json"
    )

    assert response.status_code == 400
    assert words in response.json()[f"levels[{index}].{field}"][0]
    assert not EscalationPolicy.objects.exists()


def test_guard_rails_let_a_sound_policy_through(api, supervisor, teams, sla):
    levels = [
        level(1, "response_due", -15 * 60),
        level(2, "response_due", 0, reassign_to=teams["apps"].pk),
        level(3, "resolution_due", 0, reassign_to=teams["eng"].pk),
    ]
    response = api(supervisor).post(
        "/api/escalation-policies/", api_body(teams, levels), format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["warnings"] == []


@pytest.fixture
def specific(teams):
    """A P1 policy for the Service Desk: it takes the desk's P1 tickets from any broader one."""
    policy = EscalationPolicy.objects.create(name="Desk P1", priorities=["P1"])
    policy.teams.set([teams["desk"]])
    return policy


def test_a_policy_no_team_uses_is_saved_with_a_warning_in_the_api(
    api, supervisor, teams, sla, specific
):
    response = api(supervisor).post(
        "/api/escalation-policies/", api_body(teams, [level(1)]), format="json"
    )

    assert response.status_code == 201
    assert response.json()["warnings"] == [
        "No team uses “Guarded”: a more specific policy applies to every ticket it names."
    ]


def test_a_policy_no_team_uses_is_saved_with_a_warning_in_the_admin(
    client, supervisor, teams, sla, specific
):
    client.force_login(supervisor)
    response = client.post(url(EscalationPolicy, "add"), admin_body(teams, [level(1)]), follow=True)

    assert EscalationPolicy.objects.filter(name="Guarded").exists()
    assert "No team uses “Guarded”" in response.content.decode()


def team_form(team, escalates_to):
    return {
        "name": team.name,
        "slug": team.slug,
        "tier": team.tier,
        "escalates_to": escalates_to.pk,
        "email": team.email,
        "is_intake": "on" if team.is_intake else "",
        **inline("memberships"),
    }


def test_an_escalation_loop_is_refused_in_the_admin(client, supervisor, teams):
    client.force_login(supervisor)
    eng = teams["eng"]
    response = client.post(url(Team, "change", eng.pk), team_form(eng, teams["desk"]))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["escalates_to"]
    assert errors == [
        "Engineering → Service Desk → Application Support → Engineering is a loop: "
        "escalation must end at some team."
    ]
    eng.refresh_from_db()
    assert eng.escalates_to is None


def test_an_escalation_loop_is_refused_in_the_api(api, supervisor, teams):
    eng = teams["eng"]
    response = api(supervisor).patch(
        f"/api/teams/{eng.pk}/", {"escalates_to": teams["apps"].pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["escalates_to"] == [
        "Engineering → Application Support → Engineering is a loop: "
        "escalation must end at some team."
    ]


@pytest.mark.parametrize("fault", FAULTS)
def test_guard_rails_refuse_on_import(teams, sla, fault):
    from escalation.policy_code import apply_document

    build, (index, field), words = FAULTS[fault]
    slugs = {team.pk: team.slug for team in teams.values()}
    levels = [{**row, "reassign_to": slugs.get(row["reassign_to"])} for row in build(teams)]
    policy = {"name": "Guarded", "teams": ["service-desk"], "priorities": ["P1"], "levels": levels}

    outcome = apply_document({"escalation_policies": [policy]})

    path = f"escalation_policies[0].levels[{index}].{field}"
    assert words in " ".join(outcome.errors[path])
    assert not outcome.applied and not EscalationPolicy.objects.exists()
