"""incidents 0015 leaves every database with exactly one intake team (issue 20): the team tickets
already went to where teams exist, a new Service Desk where none does, and the configuration's
stamp replaced so no process keeps the old answer."""

import pytest

from dbtools import configuration

BEFORE = [("incidents", "0014_team_unassigned_index")]
AFTER = [("incidents", "0015_always_an_intake_team")]


def intake_teams(state):
    Team = state.apps.get_model("incidents", "Team")
    return list(Team.objects.filter(is_intake=True).values_list("slug", "name", "tier"))


@pytest.mark.django_db(transaction=True)
def test_teams_without_a_flag_get_it_on_the_team_tickets_went_to(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    Team = old.apps.get_model("incidents", "Team")
    for slug, tier in [("apps", 2), ("zeta-desk", 1), ("beta-desk", 1)]:
        Team.objects.create(name=slug.title(), slug=slug, tier=tier)
    configuration.install_triggers()  # the migrator mutes post_migrate, which installs them
    stamp, triggered = configuration.current_stamp(), configuration.triggered_tables()

    new = migrator.apply_tested_migration(AFTER)

    assert intake_teams(new) == [("beta-desk", "Beta-Desk", 1)]  # lowest tier, then name
    assert new.apps.get_model("incidents", "Team").objects.count() == 3
    assert configuration.current_stamp() not in (None, stamp)
    assert configuration.triggered_tables() == triggered  # the team table was not rebuilt

    back = migrator.apply_tested_migration(BEFORE)
    assert intake_teams(back) == [("beta-desk", "Beta-Desk", 1)]  # migrating back keeps it


@pytest.mark.django_db(transaction=True)
def test_a_database_without_teams_gets_the_service_desk(migrator):
    migrator.apply_initial_migration(BEFORE)

    new = migrator.apply_tested_migration(AFTER)

    assert intake_teams(new) == [("service-desk", "Service Desk", 1)]


@pytest.mark.django_db(transaction=True)
def test_a_flagged_intake_team_is_left_as_it_is(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    Team = old.apps.get_model("incidents", "Team")
    Team.objects.create(name="Desk", slug="desk", tier=1)
    Team.objects.create(name="Front", slug="front", tier=2, is_intake=True)

    new = migrator.apply_tested_migration(AFTER)

    assert intake_teams(new) == [("front", "Front", 2)]
    assert new.apps.get_model("incidents", "Team").objects.count() == 2
