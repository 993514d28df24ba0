"""GET/POST /api/tickets/{id}/replies/: public replies and agents' internal notes."""


def url(ticket):
    return f"/api/tickets/{ticket.pk}/replies/"


def test_customer_replies_and_sees_only_public_replies(api, customer, agent, desk_ticket):
    desk_ticket.add_reply(agent, "We're on it.")
    desk_ticket.add_reply(agent, "Customer seems confused", internal=True)
    response = api(customer).post(url(desk_ticket), {"body": "Thanks!"}, format="json")
    assert response.status_code == 201
    assert response.json()["author"] == customer.pk
    bodies = [r["body"] for r in api(customer).get(url(desk_ticket)).json()]
    assert bodies == ["We're on it.", "Thanks!"]


def test_agents_see_internal_notes(api, agent, desk_ticket):
    desk_ticket.add_reply(agent, "Customer seems confused", internal=True)
    replies = api(agent).get(url(desk_ticket)).json()
    assert [(r["body"], r["internal"]) for r in replies] == [("Customer seems confused", True)]


def test_customer_cannot_write_an_internal_note(api, customer, desk_ticket):
    response = api(customer).post(
        url(desk_ticket), {"body": "psst", "internal": True}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["internal"] == ["Only agents can write internal notes."]
    assert not desk_ticket.replies.exists()


def test_agent_public_reply_acknowledges(api, agent, desk_ticket):
    api(agent).post(url(desk_ticket), {"body": "Looking now"}, format="json")
    desk_ticket.refresh_from_db()
    assert desk_ticket.acknowledged_at is not None


def test_customer_reply_reopens_a_pending_ticket(api, agent, customer, desk_ticket):
    desk_ticket.change_status(agent, "pending")
    api(customer).post(url(desk_ticket), {"body": "Here is the log"}, format="json")
    desk_ticket.refresh_from_db()
    assert desk_ticket.status == "open"


def test_empty_body_is_a_field_error(api, customer, desk_ticket):
    response = api(customer).post(url(desk_ticket), {"body": ""}, format="json")
    assert response.status_code == 400
    assert "body" in response.json()


def test_closed_ticket_takes_no_replies(api, agent, desk_ticket):
    desk_ticket.resolve(agent)
    desk_ticket.close(agent)
    response = api(agent).post(url(desk_ticket), {"body": "late"}, format="json")
    assert response.status_code == 400
    assert "closed" in response.json()["detail"]


def test_replies_of_an_unseen_ticket_are_404(api, other_customer, desk_ticket):
    assert api(other_customer).get(url(desk_ticket)).status_code == 404
    assert api(other_customer).post(url(desk_ticket), {"body": "hi"}).status_code == 404


def test_the_team_a_ticket_left_adds_internal_notes_only(api, agent, desk_ticket):
    desk_ticket.escalate(agent, "Needs tier 2")
    client = api(agent)
    response = client.post(url(desk_ticket), {"body": "Hello again"}, format="json")
    assert response.status_code == 403
    note = client.post(url(desk_ticket), {"body": "Context", "internal": True}, format="json")
    assert note.status_code == 201
    assert list(desk_ticket.replies.values_list("body", flat=True)) == ["Context"]
