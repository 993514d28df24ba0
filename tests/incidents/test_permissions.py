"""incidents.permissions: the rules the portal adds (mark solved, files of internal notes)."""

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
