"""helpdesk.heap: the first request of a process freezes what it loaded, once."""

import gc

import pytest
from django.core.signals import request_finished

from helpdesk import heap

pytestmark = pytest.mark.django_db


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    request_finished.disconnect(dispatch_uid="tierdesk-freeze-heap")
    gc.unfreeze()


def test_the_first_request_freezes_the_heap_and_the_next_ones_do_not(unfrozen):
    """Protection: heap._freeze. Checked: without its gc.freeze() the count stayed 0; without
    its disconnect the second request froze again."""
    heap.freeze_after_first_request()
    assert gc.get_freeze_count() == 0

    request_finished.send(sender=None)
    assert gc.get_freeze_count() > 10_000  # Django, the apps and the test run's own objects

    gc.unfreeze()
    request_finished.send(sender=None)
    assert gc.get_freeze_count() == 0


def test_the_project_freezes_after_its_first_request(unfrozen, client):
    """Protection: HelpdeskConfig.ready connects the freeze. Checked: without that line no
    request froze anything."""
    from django.apps import apps

    from helpdesk.apps import HelpdeskConfig

    HelpdeskConfig.ready(apps.get_app_config("helpdesk"))
    client.get("/healthz")
    assert gc.get_freeze_count() > 0
