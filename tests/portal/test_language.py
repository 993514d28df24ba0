"""The customer's language: the profile's, else the browser's; pages and mails in German."""

import pytest
from django.test import Client
from django.urls import reverse

from incidents.models import Profile, Ticket
from notifications.models import Notification
from tests.mails import rendered
from tests.portal.test_guest import FORM

pytestmark = pytest.mark.django_db
GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}


def test_a_german_browser_gets_german_pages():
    html = Client().get(reverse("account_login"), **GERMAN).content.decode()
    assert '<html lang="de">' in html and "Passwort vergessen?" in html


def test_the_profiles_language_wins_over_the_browsers(customer, make_ticket):
    Profile.objects.create(user=customer, language="de")
    ticket = make_ticket(customer)
    client = Client()
    client.force_login(customer)
    html = client.get(reverse("portal:ticket", args=[ticket.pk])).content.decode()
    assert "Wir arbeiten daran" in html and "Antwort senden" in html
    english = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Meine Tickets" in english


def test_signing_in_from_a_german_browser_keeps_german(customer):
    client = Client()
    form = {"login": "alice", "password": "pw-Tierdesk-1"}
    client.post(reverse("account_login"), form, **GERMAN)
    assert Profile.objects.language_of(customer) == "de"
    assert "Meine Tickets" in client.get(reverse("portal:home")).content.decode()


def test_a_german_guest_gets_german_mails(agent):
    assert Client().post(reverse("portal:guest"), FORM, **GERMAN).status_code == 200
    ticket = Ticket.objects.get()
    receipt = rendered(Notification.objects.get(ticket=ticket, kind="received"))
    assert receipt.subject.startswith(f"[{ticket.reference}] Wir haben Ihre Anfrage erhalten")
    assert "Hallo Gus Guest," in receipt.body and "Ihrem privaten Link" in receipt.html_body
    ticket.add_reply(agent, "Bitte starten Sie den Router neu.")
    reply = rendered(Notification.objects.get(ticket=ticket, kind="reply"))
    assert reply.subject.startswith("AW:") and "hat auf Ihre Anfrage" in reply.body
    ticket.resolve(agent)
    solved = rendered(Notification.objects.get(ticket=ticket, kind="resolved"))
    assert "wurde gelöst" in solved.body and "Bewerten Sie das Ergebnis" in solved.body


def test_an_english_customer_keeps_english_mails(customer, make_ticket):
    ticket = make_ticket(customer)
    receipt = rendered(Notification.objects.get(ticket=ticket, kind="received"))
    assert "We received your request" in receipt.body


def test_the_profile_page_switches_the_language(customer, client):
    client.force_login(customer)
    form = {"name": "Alice", "time_zone": "Europe/Berlin", "language": "de"}
    assert client.post(reverse("profile"), form).status_code == 302
    assert "Ihre Einstellungen" in client.get(reverse("profile")).content.decode()


def test_upload_errors_speak_german(customer, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    from incidents import uploads

    settings.ATTACHMENT_MAX_BYTES = 10
    with translation.override("de"), pytest.raises(uploads.UploadRefused) as refused:
        uploads.checked_content_type(SimpleUploadedFile("log.txt", b"x" * 20, "text/plain"))
    assert "ist zu groß" in str(refused.value)
