"""Saved replies: per team or for all teams, kept by supervisors in the admin."""

import pytest
from django.urls import reverse

from incidents.models import SavedReply

pytestmark = pytest.mark.django_db


def test_a_team_gets_its_own_and_the_shared_replies(teams):
    shared = SavedReply.objects.create(title="Thanks", body="Thank you!")
    desk = SavedReply.objects.create(team=teams["desk"], title="Reset", body="Try a reset.")
    SavedReply.objects.create(team=teams["apps"], title="Logs", body="Send logs.")
    assert list(SavedReply.objects.for_team(teams["desk"].pk)) == [desk, shared]


def test_supervisors_may_edit_saved_replies_in_the_admin(client, supervisor, teams):
    assert supervisor.has_perm("incidents.add_savedreply")
    assert supervisor.has_perm("incidents.change_savedreply")
    client.force_login(supervisor)
    response = client.post(
        reverse("admin:incidents_savedreply_add"),
        {"team": teams["desk"].pk, "title": "Reset", "body": "Try a reset."},
    )
    assert response.status_code == 302
    assert SavedReply.objects.get().team == teams["desk"]


def test_agents_cannot_edit_saved_replies(agent):
    assert not agent.has_perm("incidents.change_savedreply")
