"""GET /portal/tickets/<id>/attachments/<att_id>/: only to whoever may see the ticket."""

from django.urls import reverse


def url(attachment):
    return reverse("portal:attachment", args=[attachment.ticket_id, attachment.pk])


def test_download_headers(signed_in, customer, desk_ticket, upload):
    found = desk_ticket.attach(customer, upload("report.pdf", b"%PDF-1.4"), "application/pdf")

    response = signed_in(customer).get(url(found))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert b"".join(response.streaming_content) == b"%PDF-1.4"


def test_listed_on_the_ticket_page(signed_in, customer, desk_ticket, upload):
    found = desk_ticket.attach(customer, upload(), "text/plain")
    page = signed_in(customer).get(reverse("portal:ticket", args=[desk_ticket.pk])).content.decode()
    assert url(found) in page


def test_anonymous_is_sent_to_sign_in(client, customer, desk_ticket, upload):
    found = desk_ticket.attach(customer, upload(), "text/plain")
    assert client.get(url(found))["Location"].startswith(reverse("login"))


def test_another_customer_gets_a_404(signed_in, customer, other_customer, desk_ticket, upload):
    found = desk_ticket.attach(customer, upload(), "text/plain")
    assert signed_in(other_customer).get(url(found)).status_code == 404


def test_an_attachment_under_another_ticket_is_a_404(
    signed_in, customer, make_ticket, other_customer, desk_ticket, upload
):
    theirs = make_ticket(other_customer)
    found = theirs.attach(other_customer, upload(), "text/plain")
    wrong = reverse("portal:attachment", args=[desk_ticket.pk, found.pk])
    assert signed_in(customer).get(wrong).status_code == 404


def test_an_internal_notes_file_is_never_served_to_the_customer(
    signed_in, customer, agent, desk_ticket, upload
):
    note = desk_ticket.add_reply(agent, "secret", internal=True)
    found = desk_ticket.attach(agent, upload("notes.txt"), "text/plain", reply=note)
    client = signed_in(customer)

    assert client.get(url(found)).status_code == 404
    page = client.get(reverse("portal:ticket", args=[desk_ticket.pk])).content.decode()
    assert "notes.txt" not in page
