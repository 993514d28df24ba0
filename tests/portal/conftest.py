"""Portal fixtures: uploads go to a temporary media root; clients signed in as a customer."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def signed_in():
    """`signed_in(user)`: a test client with that user's session."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def upload():
    def make(name="log.txt", content=b"line 1\n", content_type="text/plain"):
        return SimpleUploadedFile(name, content, content_type=content_type)

    return make
