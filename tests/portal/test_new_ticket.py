"""GET/POST /portal/new/: plain questions, several attachments, nothing half-stored."""

from datetime import timedelta

from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from incidents.models import Attachment, Ticket

URL = reverse("portal:new")


def form(**extra):
    data = {
        "subject": "Laptop won't boot",
        "description": "Black screen since the update.",
        "impact": "medium",
        "urgency": "high",
    }
    data.update(extra)
    return data


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(URL)["Location"].startswith(reverse("login"))


def test_asks_in_plain_words_and_never_for_a_team(signed_in, customer):
    page = signed_in(customer).get(URL).content.decode()
    assert "How many people are affected?" in page and "The whole company" in page
    assert "How soon do you need it?" in page
    assert 'type="file"' in page and "multiple" in page
    assert "team" not in page.lower().replace("my team", "")
    assert "priority" not in page.lower()


def test_creates_a_portal_ticket_with_attachments(signed_in, customer, upload):
    client = signed_in(customer)
    files = [upload("a.txt", b"first"), upload("shot.png", b"\x89PNG", "image/png")]

    response = client.post(URL, form(attachments=files), follow=True)

    ticket = Ticket.objects.get(requester=customer)
    assert (ticket.channel, ticket.impact, ticket.urgency) == ("portal", "medium", "high")
    assert response.redirect_chain[-1][0] == reverse("portal:ticket", args=[ticket.pk])
    assert sorted(a.filename for a in ticket.attachments.all()) == ["a.txt", "shot.png"]
    assert ticket.attachments.get(filename="shot.png").content_type == "image/png"
    message = str(list(response.context["messages"])[0])
    assert ticket.reference in message and "You'll hear from us" in message


def test_the_message_gives_the_response_due_time(signed_in, customer, monkeypatch):
    due = timezone.now() + timedelta(hours=3)
    original = Ticket.refresh_from_db

    def with_due(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.response_due_at = due

    monkeypatch.setattr(Ticket, "refresh_from_db", with_due)
    response = signed_in(customer).post(URL, form(), follow=True)

    message = str(list(response.context["messages"])[0])
    assert f"You'll hear from us by {timezone.localtime(due):%a %H:%M}." in message


def test_without_a_due_time_it_says_soon(signed_in, customer):
    # No SLA policy is configured here, so the ticket has no response due time.
    response = signed_in(customer).post(URL, form(), follow=True)
    assert Ticket.objects.get(requester=customer).response_due_at is None
    assert "You'll hear from us soon." in str(list(response.context["messages"])[0])


def test_an_oversized_file_keeps_the_text_and_stores_nothing(signed_in, customer, upload, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    files = [upload("ok.txt", b"small"), upload("big.txt", b"x" * 11)]

    response = signed_in(customer).post(URL, form(attachments=files))

    assert response.status_code == 200
    page = response.content.decode()
    assert "big.txt is too large" in page
    assert "Laptop won&#x27;t boot" in page and "Black screen since the update." in page
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


def test_a_wrong_type_is_refused_with_a_clear_message(signed_in, customer, upload):
    files = [upload("setup.exe", b"MZ", "application/octet-stream")]

    response = signed_in(customer).post(URL, form(attachments=files))

    assert "setup.exe is a kind of file we can" in response.content.decode()
    assert 'value="Laptop won&#x27;t boot"' in response.content.decode()
    assert not Ticket.objects.exists()


def test_subject_and_description_are_required(signed_in, customer):
    response = signed_in(customer).post(URL, form(subject="", description=""))
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"subject", "description"}
    assert not Ticket.objects.exists()


def stored_files(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def test_a_ticket_that_fails_to_save_leaves_no_file_on_disk(
    signed_in, customer, upload, media_root, monkeypatch
):
    """The second file's insert fails once its file is written: the whole ticket rolls back,
    and both files, already in storage, are deleted again."""
    inserts = []
    original = Attachment._do_insert

    def second_fails(self, *args, **kwargs):
        inserted = original(self, *args, **kwargs)  # writes the file, then the row
        inserts.append(self.filename)
        if len(inserts) == 2:
            raise DatabaseError("disk I/O error")
        return inserted

    monkeypatch.setattr(Attachment, "_do_insert", second_fails)
    client = signed_in(customer)
    client.raise_request_exception = False
    files = [upload("a.txt", b"first"), upload("b.txt", b"second")]

    response = client.post(URL, form(attachments=files))

    assert response.status_code == 500
    assert inserts == ["a.txt", "b.txt"]  # both files were written to storage
    assert not Ticket.objects.filter(requester=customer).exists()
    assert stored_files(media_root) == []


def test_a_saved_ticket_keeps_its_files(signed_in, customer, upload, media_root):
    signed_in(customer).post(URL, form(attachments=[upload("a.txt", b"first")]))
    [attachment] = Attachment.objects.filter(ticket__requester=customer)
    assert stored_files(media_root) == [attachment.file.name.rsplit("/", 1)[-1]]
