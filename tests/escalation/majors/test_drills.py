"""A drill runs the real policy on a drill ticket, its levels compressed: a 3-level policy at
2 s spacing reaches each level's people in turn with mails marked [DRILL], records the
acknowledgement made through the mail's link, and leaves no trace in queues, the ticket list
or SLA figures (the engine on an injected clock)."""

import re
from datetime import timedelta

import pytest

from escalation.majors import drills
from escalation.models import Firing
from notifications import rendering
from notifications.models import Notification

from ..sla_setup import run_engine
from .conftest import DECLARED

pytestmark = pytest.mark.django_db
SEC = timedelta(seconds=1)


@pytest.fixture
def drill(policy, teams, make_user):
    sue = make_user("sue", role="supervisor")
    return drills.start(policy, teams["desk"], sue, "P2", spacing=2, at=DECLARED)


def mails_of(drill, level):
    firing = Firing.objects.get(ticket=drill.ticket, kind="level", level=level)
    return list(Notification.objects.filter(cause=f"firing:{firing.pk}"))


def test_each_level_reaches_its_people_two_seconds_apart_marked_drill(drill, cast):
    assert run_engine(DECLARED + SEC) == 0
    for level, second, who in [(1, 2, "ana"), (2, 4, "commander"), (3, 6, "lee")]:
        run_engine(DECLARED + second * SEC)
        mails = mails_of(drill, level)
        assert [m.recipient for m in mails] == [cast[who]]
        assert all(m.subject.startswith("[DRILL] ") for m in mails)
    card = drills.scorecard(drill)
    assert [lv["reached"] for lv in card] == [[cast[w].pk] for w in ("ana", "commander", "lee")]
    assert [lv["fired_at"] for lv in card] == [DECLARED + s * SEC for s in (2, 4, 6)]


def test_an_acknowledgement_through_the_mails_link_is_recorded_at_its_level(
    client, drill, cast, api, make_user
):
    for second in (2, 4):
        run_engine(DECLARED + second * SEC)
    mail = rendering.render_rows(mails_of(drill, 2))[0]
    link = re.search(r"https?://[^/\s]+(/desk/drills/ack/\d+/)", mail.body).group(1)
    client.force_login(cast["commander"])
    assert client.get(link).status_code == 200
    client.post(link)
    run_engine(DECLARED + 6 * SEC)

    card = api(make_user("sam", role="supervisor")).get(f"/api/drills/{drill.pk}/").json()
    assert card["status"] == "acknowledged"
    levels = {lv["level"]: lv for lv in card["levels"]}
    assert levels[2]["acknowledged_by"] == cast["commander"].pk
    assert levels[1]["acknowledged_by"] is None
    assert levels[3]["fired_at"] is None and levels[3]["reached"] == []  # answered: it stops


def test_a_drill_ticket_stays_out_of_queues_lists_sla_and_customer_mail(
    client, drill, api, make_user, customer
):
    ticket = drill.ticket
    for second in (2, 4, 6):
        run_engine(DECLARED + second * SEC)
    ticket.refresh_from_db()
    assert ticket.drill
    assert ticket.response_due_at is None and ticket.resolution_due_at is None
    assert not ticket.breached
    assert not Firing.objects.filter(ticket=ticket).exclude(kind="level").exists()
    sam = make_user("sam", role="supervisor")
    listed = api(sam).get("/api/tickets/").json()
    assert ticket.pk not in [t["id"] for t in listed["results"]]
    client.force_login(sam)
    assert ticket.reference not in client.get("/desk/").content.decode()
    assert not Notification.objects.filter(ticket=ticket, kind__in=["received", "reply"]).exists()


def test_the_api_starts_a_drill_for_supervisors_only(api, policy, teams, cast, make_user):
    url = f"/api/escalation-policies/{policy.pk}/drill/"
    body = {"team": teams["desk"].pk, "priority": "P2", "spacing_seconds": 2}

    assert api(cast["ana"]).post(url, body, format="json").status_code == 403
    answer = api(make_user("sam", role="supervisor")).post(url, body, format="json")

    assert answer.status_code == 201
    data = answer.json()
    assert data["status"] == "running"
    assert [lv["level"] for lv in data["levels"]] == [1, 2, 3]
    bad = api(make_user("sal", role="supervisor")).post(url, {"team": 999999}, format="json")
    assert bad.status_code == 400 and "team" in bad.json()


def test_the_policys_admin_page_has_a_drill_button_that_starts_from_it(client, policy, make_user):
    client.force_login(make_user("sam", role="supervisor"))
    admin = client.get(f"/admin/escalation/escalationpolicy/{policy.pk}/change/").content.decode()
    assert f'href="/desk/drills/?policy={policy.pk}"' in admin

    form = client.get(f"/desk/drills/?policy={policy.pk}").content.decode()
    assert f'<option value="{policy.pk}" selected>' in form
