"""/desk/me/: an agent sees when they are on call and sets their out of office with a deputy;
an absence over their on-call time is said before saving."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import Absence
from tests.escalation.oncall.builders import rotation

URL = "/desk/me/"


@pytest.fixture
def on_call_agent(agent, teams):
    """The agent is the only member of the desk's daily rotation, from yesterday."""
    rotation(teams["desk"], [agent], timezone.now().date() - timedelta(days=1))
    return agent


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_page_says_when_i_am_on_call(client, on_call_agent):
    client.force_login(on_call_agent)
    page = client.get(URL).content.decode()
    assert "Service Desk</strong>, primary" in page
    assert "You are not on call" not in page


def test_an_absence_without_conflict_saves_at_once(client, agent, lead):
    client.force_login(agent)
    start = timezone.now() + timedelta(days=3)
    response = client.post(
        URL,
        {"start": local(start), "end": local(start + timedelta(days=2)), "deputy": lead.pk},
    )
    assert response.status_code == 302
    assert Absence.objects.get().deputy == lead
    assert "lead is told instead" in client.get(URL).content.decode().replace("tier1-", "")


def test_an_absence_over_my_shift_is_warned_before_saving_then_saved_anyway(
    client, on_call_agent, lead
):
    client.force_login(on_call_agent)
    start = timezone.now() + timedelta(days=1)
    form = {"start": local(start), "end": local(start + timedelta(hours=4)), "deputy": lead.pk}
    warned = client.post(URL, form)
    assert warned.status_code == 400
    assert "This absence overlaps your on-call time" in warned.content.decode()
    assert "Save anyway" in warned.content.decode()
    assert not Absence.objects.exists()
    saved = client.post(URL, {**form, "confirm": "yes"})
    assert saved.status_code == 302 and Absence.objects.count() == 1


def test_a_bad_range_is_a_field_error_and_keeps_what_was_typed(client, agent):
    client.force_login(agent)
    start = timezone.now() + timedelta(days=1)
    response = client.post(URL, {"start": local(start), "end": local(start), "note": "Dentist"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "An absence ends after it starts." in page and 'value="Dentist"' in page
    assert not Absence.objects.exists()


def test_only_my_own_absence_can_be_removed(client, agent, lead):
    theirs = Absence.objects.create(
        user=lead, start=timezone.now(), end=timezone.now() + timedelta(days=1)
    )
    client.force_login(agent)
    assert client.post(f"/desk/me/absences/{theirs.pk}/cancel/").status_code == 404
    mine = Absence.objects.create(
        user=agent, start=timezone.now(), end=timezone.now() + timedelta(days=1)
    )
    assert client.post(f"/desk/me/absences/{mine.pk}/cancel/").status_code == 302
    assert list(Absence.objects.all()) == [theirs]


def test_customers_are_refused(client, customer):
    client.force_login(customer)
    assert client.get(URL).status_code == 403


def test_not_on_call_says_so(client, agent):
    client.force_login(agent)
    assert "You are not on call in the next 14 days." in client.get(URL).content.decode()
