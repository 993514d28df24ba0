"""Issue 21, finding 10: sign-up answered in 35-60 ms for a taken address and 420-1,000 ms for a
new one, telling which addresses have accounts. Both now hash the password once: the cost that
made the difference. Counted, not timed, so the test cannot flake."""

from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse

PASSWORD = "Quiet-Harbour-42"


def hashes_to_sign_up(email):
    with mock.patch.object(MD5PasswordHasher, "encode", autospec=True,
                           side_effect=MD5PasswordHasher.encode) as encode:  # fmt: skip
        response = Client().post(
            reverse("account_signup"),
            {"name": "Carol New", "email": email, "password1": PASSWORD, "password2": PASSWORD},
        )
    assert response["Location"] == reverse("account_email_verification_sent")
    return encode.call_count


@pytest.mark.django_db
def test_a_taken_address_costs_the_same_hashing_as_a_new_one(make_user):
    make_user("taken")  # taken@example.com
    new = hashes_to_sign_up("fresh@example.com")
    taken = hashes_to_sign_up("Taken@Example.com")
    assert new >= 1
    assert taken == new
