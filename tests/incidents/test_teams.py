"""There is always exactly one intake team: the flag moves from team to team, never goes."""

import pytest
from django.core.exceptions import ValidationError

from incidents.models import Team, Ticket


def intake_slugs():
    return list(Team.objects.filter(is_intake=True).values_list("slug", flat=True))


def test_a_migrated_database_has_one_intake_team_that_takes_tickets_naming_none(customer):
    intake = Team.objects.get(is_intake=True)
    assert (intake.name, intake.slug, intake.tier) == ("Service Desk", "service-desk", 1)

    ticket = Ticket.open_ticket(requester=customer, subject="VPN", description="Down.")

    assert ticket.team == intake


def test_flagging_another_team_moves_the_flag_there(teams, customer):
    apps = teams["apps"]
    apps.is_intake = True
    apps.full_clean()  # no clash with the Service Desk's flag: it is moved on save
    apps.save_moving_intake()

    assert intake_slugs() == ["app-support"]
    ticket = Ticket.open_ticket(requester=customer, subject="VPN", description="Down.")
    assert ticket.team == apps


def test_a_new_team_flagged_intake_takes_the_flag(teams):
    Team(name="Front Line", slug="front-line", tier=1, is_intake=True).save_moving_intake()

    assert intake_slugs() == ["front-line"]


def test_the_flag_cannot_be_taken_off_the_intake_team(teams):
    desk = teams["desk"]
    desk.is_intake = False

    with pytest.raises(ValidationError) as refused:
        desk.full_clean()

    assert refused.value.message_dict == {
        "is_intake": ["There is always an intake team: make another team the intake team instead."]
    }
    teams["apps"].full_clean()  # other teams stay unflagged as they are


def test_the_intake_team_cannot_be_deleted(teams):
    with pytest.raises(ValidationError, match="Service Desk is the intake team"):
        teams["desk"].validate_delete()
    with pytest.raises(ValidationError):
        Team.objects.all().validate_delete()

    teams["eng"].validate_delete()
    Team.objects.exclude(pk=teams["desk"].pk).validate_delete()
