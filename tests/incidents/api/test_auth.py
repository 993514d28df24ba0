"""Token and session authentication, anonymous refusal, and throttling."""

from django.contrib.auth.models import Group
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


def test_token_for_good_credentials_authenticates_later_requests(api, customer, desk_ticket):
    response = api().post(
        "/api/auth/token/", {"username": "alice", "password": "pw-Tierdesk-1"}, format="json"
    )
    assert response.status_code == 200
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    tickets = client.get("/api/tickets/").json()
    assert [t["id"] for t in tickets["results"]] == [desk_ticket.pk]


def test_wrong_password_is_a_json_field_error(api, customer):
    response = api().post(
        "/api/auth/token/", {"username": "alice", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_anonymous_requests_are_refused_with_401(api, db):
    response = api().get("/api/tickets/")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_bad_token_is_refused(api, db):
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/tickets/").status_code == 401


def test_a_deactivated_users_token_is_refused(api, customer):
    client = api(customer)
    customer.is_active = False
    customer.save(update_fields=["is_active"])
    response = client.get("/api/tickets/")
    assert response.status_code == 401
    assert response.json()["detail"] == "User inactive or deleted."


def test_a_token_brings_every_group_of_its_user(api, agent, desk_ticket):
    """The groups come with the token's row; a user in two groups is both."""
    agent.groups.add(Group.objects.get(name="supervisors"))
    teams = api(agent).get("/api/teams/")
    assert teams.status_code == 200
    created = api(agent).post("/api/teams/", {"name": "Field", "slug": "field"}, format="json")
    assert created.status_code == 201, created.content  # supervisors only


def test_session_login_works_too(api, customer, desk_ticket):
    client = api()
    client.force_login(customer)
    assert client.get(f"/api/tickets/{desk_ticket.pk}/").status_code == 200


def test_throttled_user_gets_429_json(api, customer, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/min", "anon": "2/min"})
    client = api(customer)
    assert [client.get("/api/tickets/").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/tickets/")
    assert response.status_code == 429
    assert "throttled" in response.json()["detail"]
    assert "Retry-After" in response.headers


def test_anonymous_callers_are_throttled_separately(api, db, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"user": "9/min", "anon": "1/min"})
    client = api()
    client.post("/api/auth/token/", {"username": "x", "password": "y"}, format="json")
    response = client.post("/api/auth/token/", {"username": "x", "password": "y"}, format="json")
    assert response.status_code == 429
