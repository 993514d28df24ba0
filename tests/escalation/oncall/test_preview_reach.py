"""The policy preview names who each future level would reach at its due time: the on-call
holder then, and the deputy of whoever is away then."""

from datetime import UTC, date, datetime

from escalation.models import SLAPolicy
from incidents.models import Absence, Membership

from . import builders

URL = "/api/escalation-policies/preview/"


def test_each_level_names_who_would_answer_at_its_due_time(api, make_user, supervisor, teams):
    policy = SLAPolicy.objects.create(name="Standard", is_default=True)
    policy.targets.create(priority="P2", first_response_seconds=3600, resolution_seconds=86400 * 3)
    ana, ben, cem = (make_user(n, role="agent") for n in ("ana", "ben", "cem"))
    for person in (ana, ben, cem):
        Membership.objects.create(user=person, team=teams["desk"], role="agent")
    builders.rotation(teams["desk"], [ana, ben], date(2026, 6, 1))  # daily 09:00 UTC
    Absence.objects.create(
        user=ana,
        start=datetime(2026, 6, 1, 9, tzinfo=UTC),
        end=datetime(2026, 6, 1, 12, tzinfo=UTC),
        deputy=cem,
    )
    draft = {
        "name": "Pager",
        "levels": [
            {"order": 1, "anchor": "created", "offset_seconds": 3600, "notify": ["on_call"]},
            {"order": 2, "anchor": "created", "offset_seconds": 4 * 3600, "notify": ["on_call"]},
            {"order": 3, "anchor": "created", "offset_seconds": 25 * 3600, "notify": ["on_call"]},
        ],
    }
    body = {
        "policy": draft,
        "priority": "P2",
        "team": teams["desk"].pk,
        "created_at": "2026-06-01T10:00:00Z",
    }
    response = api(supervisor).post(URL, body, format="json")
    assert response.status_code == 200, response.json()
    levels = [f for f in response.json()["firings"] if f["level"]]
    # 11:00: ana's shift, ana away → cem; 14:00: ana, back; next day 11:00: ben's shift.
    assert [f["notify"] for f in levels[:3]] == [[cem.pk], [ana.pk], [ben.pk]]
