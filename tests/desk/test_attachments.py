"""Files in the desk: every link goes through an access-checked download, never into MEDIA_ROOT,
and a stored file's name cannot be guessed from its ticket and original name."""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from incidents.models import Attachment, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def links(html):
    return re.findall(r'<ul class="desk-attachments"><li><a href="([^"]+)"', html)


def customer_files_a_ticket(customer):
    """Through the portal, as a customer does: a ticket with one file."""
    client = Client()
    client.force_login(customer)
    response = client.post(
        reverse("portal:new"),
        {
            "subject": "Payroll export fails",
            "description": "See the attached log.",
            "impact": "low",
            "urgency": "medium",
            "attachments": [SimpleUploadedFile("salaries.csv", b"alice,100\n")],
        },
    )
    assert response.status_code == 302
    return Ticket.objects.get(requester=customer)


def test_desk_links_download_the_file_the_agent_may_see(client_for, customer, agent, teams):
    ticket = customer_files_a_ticket(customer)
    assert ticket.team_id == teams["desk"].pk  # the agent's queue
    note = ticket.add_reply(agent, "Their server log", internal=True)
    ticket.attach(agent, SimpleUploadedFile("server.log.txt", b"oom"), "text/plain", reply=note)

    html = client_for(agent).get(reverse("desk:ticket", args=[ticket.pk])).content.decode()
    found = links(html)
    assert len(found) == 2 and not any("/media/" in link for link in found)
    bodies = []
    for link in found:
        response = client_for(agent).get(link)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        bodies.append(b"".join(response.streaming_content))
    assert bodies == [b"alice,100\n", b"oom"]


def test_who_may_not_see_the_ticket_gets_nothing(client_for, customer, tier2_agent, make_user):
    ticket = customer_files_a_ticket(customer)
    url = reverse("desk:attachment", args=[ticket.pk, ticket.attachments.get().pk])
    assert client_for(tier2_agent).get(url).status_code == 404  # another team's ticket
    assert client_for(make_user("mallory")).get(url).status_code == 403  # customers: no desk
    assert Client().get(url).status_code == 302  # sign in first


def test_a_file_of_another_ticket_is_404_under_a_ticket_the_agent_sees(
    client_for, customer, agent, other_customer, teams, make_ticket
):
    customer_files_a_ticket(customer)
    mine = make_ticket(other_customer, team=teams["desk"])
    other = make_ticket(other_customer, team=teams["apps"])
    hidden = other.attach(other_customer, SimpleUploadedFile("x.txt", b"x"), "text/plain")
    url = reverse("desk:attachment", args=[mine.pk, hidden.pk])
    assert client_for(agent).get(url).status_code == 404


def test_stored_names_are_random_not_the_uploaded_name(customer, media):
    ticket = customer_files_a_ticket(customer)
    stored = ticket.attachments.get()
    assert stored.filename == "salaries.csv"
    assert re.fullmatch(rf"attachments/{ticket.pk}/[0-9a-f]{{32}}", stored.file.name)
    assert not (media / "attachments" / str(ticket.pk) / "salaries.csv").exists()
    assert not any("salaries" in p.name for p in media.rglob("*"))


def test_files_stored_under_their_old_names_still_download(client_for, agent, desk_ticket):
    old = Attachment(
        ticket=desk_ticket,
        filename="report.txt",
        content_type="text/plain",
        size=3,
        uploaded_by=desk_ticket.requester,
    )
    # As every file was stored before the names became random.
    old.file.name = old.file.storage.save(
        f"attachments/{desk_ticket.pk}/report.txt", ContentFile(b"old")
    )
    old.save()
    response = client_for(agent).get(reverse("desk:attachment", args=[desk_ticket.pk, old.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"old"
