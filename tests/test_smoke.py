from incidents.models import Ticket


def test_a_ticket_gets_a_reference_and_a_created_event(make_ticket, customer, teams):
    ticket = make_ticket(customer, team=teams["desk"])
    ticket.refresh_from_db()
    assert ticket.reference == f"HD-{ticket.pk}"
    assert list(ticket.events.values_list("kind", flat=True)) == ["created"]
    assert Ticket.objects.visible_to(customer).get() == ticket
