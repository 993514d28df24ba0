"""/desk/me/: an agent sees when they are on call and sets their out of office with a deputy;
an absence over their on-call time is said before saving."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import Absence
from notifications.models import Notification
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
    assert not Notification.objects.filter(kind="absence_conflict").exists()
    saved = client.post(URL, {**form, "confirm": "yes"}, follow=True)
    assert Absence.objects.count() == 1
    assert "Your team leads were told: tier1-lead." in saved.content.decode()
    (mail,) = Notification.objects.filter(kind="absence_conflict")
    assert (mail.recipient, mail.ticket) == (lead, None)
    assert "Service Desk, primary" in mail.body and "tier1-lead is paged instead" in mail.body


def test_the_leads_mail_is_delivered_without_a_ticket(client, on_call_agent, lead, mailoutbox):
    from notifications import delivery

    client.force_login(on_call_agent)
    start = timezone.now() + timedelta(days=1)
    form = {"start": local(start), "end": local(start + timedelta(hours=4)), "confirm": "yes"}
    client.post(URL, form)
    (row,) = Notification.objects.filter(kind="absence_conflict")
    delivery.deliver_many([row.pk])
    (sent,) = [m for m in mailoutbox if m.subject.endswith("is away during their on-call time")]
    assert sent.to == [lead.email] and "No deputy is named" in sent.body


def test_an_absence_that_leaves_a_level_with_nobody_is_warned_before_saving(
    client, lead, agent, teams
):
    """The desk's only lead away with no deputy: a level that tells the team's leads would
    reach nobody, and the page says which before saving; with a deputy it saves at once."""
    from tests.escalation.sla_setup import escalation_policy

    escalation_policy([{"anchor": "created", "offset_seconds": 600, "notify": ["team_leads"]}])
    client.force_login(lead)
    start = timezone.now() + timedelta(days=2)
    form = {"start": local(start), "end": local(start + timedelta(hours=3))}
    warned = client.post(URL, form)
    page = warned.content.decode()
    assert warned.status_code == 400
    assert "These levels would reach nobody while you are away" in page
    assert "Service Desk, " in page.split('id="absence-emptied-levels"')[1].split("</ul>")[0]
    assert "overlaps your on-call time" not in page  # the lead has no shift
    assert not Absence.objects.exists()
    with_deputy = client.post(URL, {**form, "deputy": agent.pk})
    assert with_deputy.status_code == 302
    assert Absence.objects.get().deputy == agent
    later = {
        "start": local(start + timedelta(days=1)),
        "end": local(start + timedelta(days=1, hours=2)),
    }
    assert client.post(URL, later).status_code == 400  # no deputy this time: warned again
    assert client.post(URL, {**later, "confirm": "yes"}).status_code == 302  # saved anyway
    assert Absence.objects.filter(deputy=None).count() == 1
