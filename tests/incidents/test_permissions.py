"""incidents.permissions: who may change a ticket, and the rules the portal adds (mark solved,
files of internal notes)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from incidents import permissions
from incidents.models import Attachment


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_only_the_requester_marks_an_active_ticket_solved(desk_ticket, customer, agent):
    assert permissions.can_mark_solved(customer, desk_ticket)
    assert not permissions.can_mark_solved(agent, desk_ticket)
    desk_ticket.resolve(agent)
    assert not permissions.can_mark_solved(customer, desk_ticket)


def test_files_of_internal_notes_are_for_agents_only(desk_ticket, customer, agent):
    note = desk_ticket.add_reply(agent, "note", internal=True)
    public = desk_ticket.attach(customer, SimpleUploadedFile("a.txt", b"a"), "text/plain")
    hidden = desk_ticket.attach(agent, SimpleUploadedFile("b.txt", b"b"), "text/plain", reply=note)

    assert list(permissions.visible_attachments(customer, Attachment.objects.all())) == [public]
    assert set(permissions.visible_attachments(agent, Attachment.objects.all())) == {public, hidden}


CHANGES = ("can_change_ticket", "can_acknowledge", "can_escalate", "can_resolve", "can_reply")


def test_the_team_a_ticket_left_reads_it_and_adds_notes_only(
    desk_ticket, agent, tier2_agent, supervisor, teams
):
    desk_ticket.escalate(agent, "Needs tier 2")
    for name in CHANGES:
        rule = getattr(permissions, name)
        assert not rule(agent, desk_ticket), name
        assert rule(tier2_agent, desk_ticket), name
        assert rule(supervisor, desk_ticket), name
    assert permissions.can_write_internal(agent, desk_ticket)
    assert "Application Support" in permissions.refusal(agent, desk_ticket)


def test_the_assignee_changes_a_ticket_of_another_team(desk_ticket, agent, lead, tier2_agent):
    assert not permissions.can_resolve(tier2_agent, desk_ticket)
    desk_ticket.assign(agent, lead)
    lead.memberships.all().delete()  # left the team, still holds the ticket
    assert permissions.can_resolve(lead, desk_ticket)


def test_the_requester_reopens_and_replies_but_does_not_change(desk_ticket, customer, agent):
    desk_ticket.resolve(agent)
    assert permissions.can_reopen(customer, desk_ticket)
    assert permissions.can_reply(customer, desk_ticket)
    assert not permissions.can_change_ticket(customer, desk_ticket)
    assert not permissions.can_write_internal(customer, desk_ticket)
