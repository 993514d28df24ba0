"""Customer accounts (django-allauth): sign up, confirm by mail, sign in by email, reset."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

PASSWORD = "Quiet-Harbour-42"


def link_in(message):
    return re.search(r"https?://[^\s]+", message.body).group(0).replace("http://testserver", "")


def sign_up(client, email="carol@example.com"):
    return client.post(
        reverse("account_signup"),
        {"name": "Carol New", "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def sign_in(client, login, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


@pytest.mark.django_db
def test_sign_up_confirm_then_sign_in_by_email_lands_in_the_portal():
    client = Client()
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="carol@example.com")
    assert not user.groups.exists()  # a customer
    assert user.get_full_name() == "Carol New"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["carol@example.com"]

    confirm_url = link_in(mail.outbox[0])
    assert client.get(confirm_url).status_code == 200
    assert client.post(confirm_url).status_code == 302

    client = Client()
    response = sign_in(client, "Carol@Example.com")
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200


@pytest.mark.django_db
def test_an_unconfirmed_account_cannot_sign_in():
    sign_up(Client())
    client = Client()
    response = sign_in(client, "carol@example.com")
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("portal:home")).status_code == 302


@pytest.mark.django_db
def test_password_reset_sends_a_link_that_sets_a_new_password(make_user):
    make_user("dave")  # dave@example.com
    client = Client()
    response = client.post(reverse("account_reset_password"), {"email": "dave@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dave@example.com"]
    reset_url = client.get(link_in(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    response = client.post(reset_url, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(username="dave").check_password(PASSWORD)


@pytest.mark.django_db
def test_staff_still_sign_in_with_their_username(make_user):
    make_user("dana", role="agent", password=PASSWORD)
    client = Client()
    assert client.get(reverse("login")).status_code == 200
    response = sign_in(client, "dana")
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("desk:home")


@pytest.mark.django_db
def test_signed_in_customer_can_change_password(make_user):
    user = make_user("erin")
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "pw-Tierdesk-1", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_repeated_failed_logins_are_refused_with_a_clear_message(make_user):
    make_user("frank")
    client = Client()
    for _ in range(5):
        sign_in(client, "frank", "wrong")
    response = sign_in(client, "frank", "pw-Tierdesk-1")  # even the right password, for now
    assert "_auth_user_id" not in client.session
    assert response.status_code == 429  # the lockout (django-axes), per name and address
    assert b"Too many failed logins for this account from your address" in response.content


@pytest.mark.django_db
def test_sign_in_is_throttled_per_ip_with_a_429_page(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    client = Client()
    sign_in(client, "someone@example.com", "x")
    sign_in(client, "someone@example.com", "x")
    response = sign_in(client, "someone@example.com", "x")
    assert response.status_code == 429
    assert b"Too many attempts" in response.content


@pytest.mark.django_db
def test_sign_up_is_throttled_per_ip(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"}
    client = Client()
    sign_up(client, "one@example.com")
    sign_up(client, "two@example.com")
    response = sign_up(client, "three@example.com")
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert not User.objects.filter(email="three@example.com").exists()


@pytest.mark.django_db
def test_sign_in_page_labels_its_fields_and_ties_errors_to_them():
    response = sign_in(Client(), "nobody@example.com", "wrong")
    html = response.content.decode()
    assert '<label for="id_login">' in html and '<label for="id_password">' in html
    assert 'role="alert"' in html


@pytest.mark.django_db
def test_sign_up_asks_for_a_name_and_keeps_the_rest():
    client = Client()
    response = client.post(
        reverse("account_signup"),
        {"name": "  ", "email": "dan@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html and 'value="dan@example.com"' in html
    assert not User.objects.filter(email="dan@example.com").exists()
