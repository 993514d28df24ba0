"""Nobody fills the disk: a message, a ticket and a person each have a limit, and whatever is
refused leaves nothing stored (issue 21, finding 4)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from incidents import guest_access
from incidents.models import Attachment, Reply, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_MAX_BYTES = 100
    settings.ATTACHMENT_MAX_REQUEST_BYTES = 250
    settings.ATTACHMENT_MAX_TICKET_BYTES = 500
    settings.ATTACHMENT_MAX_TICKET_FILES = 8
    return settings


def files(count, size=100):
    return [SimpleUploadedFile(f"log{n}.txt", b"x" * size) for n in range(count)]


def stored(media):
    return [p for p in media.rglob("*") if p.is_file()]


def portal_reply(client, ticket, count, body="More logs"):
    url = reverse("portal:reply", args=[ticket.pk])
    return client.post(url, {"body": body, "attachments": files(count)})


def test_one_message_cannot_carry_more_than_the_request_limit(
    customer, desk_ticket, tmp_path, client
):
    client.force_login(customer)
    response = portal_reply(client, desk_ticket, 3)  # 300 bytes, each file within its limit
    assert response.status_code == 400
    assert "One message can carry up to 250" in response.content.decode()
    assert not Reply.objects.exists() and stored(tmp_path) == []


def test_a_ticket_stops_taking_files_at_its_quota_and_keeps_nothing_of_the_refused_one(
    customer, desk_ticket, tmp_path, client
):
    client.force_login(customer)
    codes = [portal_reply(client, desk_ticket, 2, body=f"logs {n}").status_code for n in range(3)]
    assert codes == [302, 302, 400]  # 400 bytes held; 200 more would pass 500
    page = portal_reply(client, desk_ticket, 2, body="logs 4")
    assert "already holds 400" in page.content.decode()
    assert desk_ticket.replies.count() == 2 and Attachment.objects.count() == 4
    assert len(stored(tmp_path)) == 4
    assert portal_reply(client, desk_ticket, 1).status_code == 302  # 500: exactly the quota


def test_a_ticket_holds_a_limited_number_of_files_over_the_api(
    api, customer, desk_ticket, tmp_path, limits
):
    limits.ATTACHMENT_MAX_TICKET_FILES = 3
    client = api(customer)
    url = f"/api/tickets/{desk_ticket.pk}/attachments/"
    codes = [
        client.post(url, {"file": f}, format="multipart").status_code for f in files(5, size=1)
    ]
    assert codes == [201, 201, 201, 400, 400]
    refused = client.post(url, {"file": files(1, size=1)[0]}, format="multipart").json()
    assert "can hold up to 3" in refused["file"][0]
    assert len(stored(tmp_path)) == 3


def test_guest_replies_with_files_are_throttled(limits, tmp_path):
    limits.REPLY_THROTTLE = "5/hour"
    limits.ATTACHMENT_MAX_TICKET_BYTES = 10_000
    limits.ATTACHMENT_MAX_TICKET_FILES = 100
    Client().post(
        reverse("portal:guest"),
        {
            "email": "gus@example.com",
            "subject": "VPN",
            "description": "Drops",
            "impact": "low",
            "urgency": "low",
        },
    )
    token = guest_access.token_for(Ticket.objects.get())
    url = reverse("portal:guest-reply", args=[token])
    # The same link from ever new addresses: the link's allowance holds.
    codes = [
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(url, {"body": "hi", "attachments": files(2)})
        for n in range(12)
    ]
    assert [c.status_code for c in codes] == [302] * 5 + [429] * 7
    assert Reply.objects.count() == 5 and len(stored(tmp_path)) == 10


def test_signed_in_portal_replies_are_throttled(customer, desk_ticket, limits, client):
    limits.REPLY_THROTTLE = "3/hour"
    client.force_login(customer)
    codes = [portal_reply(client, desk_ticket, 0).status_code for _ in range(5)]
    assert codes == [302, 302, 302, 429, 429]


def test_api_replies_and_uploads_are_throttled_per_person(
    api, customer, agent, desk_ticket, limits
):
    limits.REPLY_THROTTLE = "2/hour"
    limits.UPLOAD_THROTTLE = "2/hour"
    limits.ATTACHMENT_MAX_TICKET_FILES = 100
    client = api(customer)
    replies = f"/api/tickets/{desk_ticket.pk}/replies/"
    codes = [client.post(replies, {"body": "hi"}, format="json").status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    assert client.get(replies).status_code == 200  # reading is not throttled

    uploads = f"/api/tickets/{desk_ticket.pk}/attachments/"
    codes = [client.post(uploads, {"file": f}, format="multipart").status_code for f in files(3, 1)]
    assert codes == [201, 201, 429]
    # Another person has their own allowance.
    assert api(agent).post(replies, {"body": "on it"}, format="json").status_code == 201
