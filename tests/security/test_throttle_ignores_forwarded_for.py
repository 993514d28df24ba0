"""The token endpoint's throttle counts the peer address: a forged X-Forwarded-For is no way out."""

from rest_framework.throttling import AnonRateThrottle


def test_token_endpoint_throttles_despite_changing_forwarded_for(api, customer, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "9/min"})
    client = api()
    codes = [
        client.post(
            "/api/auth/token/",
            {"username": customer.username, "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(5)
    ]
    assert codes == [400, 400, 400, 429, 429]


def test_behind_one_proxy_the_client_address_it_appends_counts(
    api, customer, monkeypatch, settings
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "1/min", "user": "9/min"})
    client = api()

    def attempt(forwarded_for):
        return client.post(
            "/api/auth/token/",
            {"username": customer.username, "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        ).status_code

    assert attempt("198.51.100.7, 203.0.113.1") == 400
    assert attempt("198.51.100.8, 203.0.113.1") == 429  # forged first entry: same client
    assert attempt("203.0.113.2") == 400  # another client behind the proxy
