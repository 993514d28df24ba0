"""Files over the API: upload on a ticket or your reply, list and download with the pages' rules."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError

from incidents.models import Attachment


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def url(ticket, rest=""):
    return f"/api/tickets/{ticket.pk}/attachments/{rest}"


def upload(client, ticket, name="log.txt", content=b"disk full", **extra):
    body = {"file": SimpleUploadedFile(name, content), **extra}
    return client.post(url(ticket), body, format="multipart")


def test_upload_list_and_download(api, customer, desk_ticket):
    client = api(customer)
    response = upload(client, desk_ticket)
    assert response.status_code == 201
    created = response.json()
    assert created["filename"] == "log.txt" and created["content_type"] == "text/plain"
    assert created["size"] == 9 and created["reply"] is None

    assert [a["id"] for a in client.get(url(desk_ticket)).json()] == [created["id"]]
    download = client.get(created["download"], HTTP_ACCEPT="text/plain")
    assert download.status_code == 200
    assert download["Content-Type"] == "text/plain"
    assert b"".join(download.streaming_content) == b"disk full"


def test_a_file_on_your_own_reply(api, customer, agent, desk_ticket):
    mine = desk_ticket.add_reply(customer, "Here is the log")
    theirs = desk_ticket.add_reply(agent, "Thanks")
    client = api(customer)
    assert upload(client, desk_ticket, reply=mine.pk).json()["reply"] == mine.pk
    refused = upload(client, desk_ticket, reply=theirs.pk)
    assert refused.status_code == 400 and "reply" in refused.json()


def test_customers_never_get_files_of_internal_notes(api, customer, agent, desk_ticket):
    note = desk_ticket.add_reply(agent, "their logs", internal=True)
    hidden = upload(api(agent), desk_ticket, reply=note.pk).json()
    assert api(agent).get(url(desk_ticket)).json()[0]["id"] == hidden["id"]
    client = api(customer)
    assert client.get(url(desk_ticket)).json() == []
    missing = client.get(url(desk_ticket, f"{hidden['id']}/download/"))
    assert missing.status_code == 404 and missing.json()["detail"]


def test_another_customers_ticket_is_404(api, other_customer, desk_ticket):
    assert api(other_customer).get(url(desk_ticket)).status_code == 404
    assert upload(api(other_customer), desk_ticket).status_code == 404
    assert not Attachment.objects.exists()


def test_too_large_is_a_413_and_nothing_is_stored(api, customer, desk_ticket, settings, media):
    settings.ATTACHMENT_MAX_BYTES = 10
    response = upload(api(customer), desk_ticket, content=b"x" * 11)
    assert response.status_code == 413
    assert "too large" in response.json()["file"][0]
    assert not Attachment.objects.exists() and not any(media.rglob("*.txt"))


def test_a_type_not_allowed_is_a_400_field_error(api, customer, desk_ticket, media):
    response = upload(api(customer), desk_ticket, name="run.exe", content=b"MZ")
    assert response.status_code == 400
    assert "cannot accept" in response.json()["file"][0]
    assert not Attachment.objects.exists() and not any(media.rglob("*.exe"))


def test_a_json_body_is_refused_with_415(api, customer, desk_ticket):
    response = api(customer).post(url(desk_ticket), {"file": "x"}, format="json")
    assert response.status_code == 415


def test_a_row_that_fails_to_save_leaves_no_file_on_disk(
    api, customer, desk_ticket, media, monkeypatch
):
    original, written = Attachment._do_insert, []

    def fails(self, *args, **kwargs):
        original(self, *args, **kwargs)  # writes the file, then the row
        written.append(self.file.name)
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(Attachment, "_do_insert", fails)
    client = api(customer)
    client.raise_request_exception = False
    assert upload(client, desk_ticket).status_code == 500
    assert written and written[0].startswith("attachments/")  # it was in storage
    assert not Attachment.objects.exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []
