"""The forecast of who would answer: spans per level over 14 days, holes where a level reaches
nobody, away people replaced by their deputies; and its page."""

from datetime import UTC, date, datetime, timedelta

import pytest

from escalation import forecast
from incidents.models import Absence, Membership

from ..sla_setup import escalation_policy
from . import builders

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 6, 1, 0, 30, tzinfo=UTC)


@pytest.fixture
def crew(make_user, teams):
    people = [make_user(name, role="agent") for name in ("ana", "ben")]
    for person in people:
        Membership.objects.create(user=person, team=teams["desk"], role="agent")
    return people


def test_a_forecast_follows_the_rotation_and_marks_holes(teams, crew, lead):
    ana, ben = crew
    builders.rotation(teams["desk"], [ana, ben], date(2026, 6, 1), handoff=datetime.min.time())
    # ben is away Tue 02:00-06:00 without a deputy: level 1 reaches nobody then.
    Absence.objects.create(
        user=ben, start=datetime(2026, 6, 2, 2, tzinfo=UTC), end=datetime(2026, 6, 2, 6, tzinfo=UTC)
    )
    # ana is away Wed, with the lead as deputy.
    Absence.objects.create(
        user=ana,
        start=datetime(2026, 6, 3, tzinfo=UTC),
        end=datetime(2026, 6, 4, tzinfo=UTC),
        deputy=lead,
    )
    escalation_policy(
        [
            {"anchor": "created", "offset_seconds": 600, "notify": ["on_call"]},
            {"anchor": "created", "offset_seconds": 3600, "notify": ["team_leads"]},
        ]
    )
    rows = forecast.forecast(teams["desk"], T0)
    first, second = rows
    assert first.level == 1 and second.level == 2
    spans = [(s.start, s.end, s.people) for s in first.spans[:5]]
    assert spans == [
        (datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 2, tzinfo=UTC), ("ana",)),
        (datetime(2026, 6, 2, tzinfo=UTC), datetime(2026, 6, 2, 2, tzinfo=UTC), ("ben",)),
        (datetime(2026, 6, 2, 2, tzinfo=UTC), datetime(2026, 6, 2, 6, tzinfo=UTC), ()),
        (datetime(2026, 6, 2, 6, tzinfo=UTC), datetime(2026, 6, 3, tzinfo=UTC), ("ben",)),
        (datetime(2026, 6, 3, tzinfo=UTC), datetime(2026, 6, 4, tzinfo=UTC), ("tier1-lead",)),
    ]
    assert [(h.start, h.end) for h in first.holes] == [
        (datetime(2026, 6, 2, 2, tzinfo=UTC), datetime(2026, 6, 2, 6, tzinfo=UTC))
    ]
    assert first.spans[-1].end == datetime(2026, 6, 15, tzinfo=UTC)  # 14 days of hours
    assert second.holes == [] and second.spans[0].people == ("tier1-lead",)


def test_the_page_shows_the_hole_in_words(client, teams, crew, agent):
    escalation_policy([{"anchor": "created", "offset_seconds": 600, "notify": ["on_call"]}])
    client.force_login(agent)
    page = client.get(f"/desk/forecast/?team={teams['desk'].pk}").content.decode()
    assert "reaches nobody" in page and "Nobody (hole)" in page


def test_the_forecast_reads_a_fixed_number_of_queries(
    teams, crew, lead, django_assert_max_num_queries
):
    builders.rotation(teams["desk"], crew, date(2026, 6, 1))
    escalation_policy(
        [
            {"anchor": "created", "offset_seconds": 600, "notify": ["on_call", "team_leads"]},
            {"anchor": "created", "offset_seconds": 3600, "notify": ["supervisors"]},
        ]
    )
    with django_assert_max_num_queries(14):
        forecast.forecast(teams["desk"], T0 + timedelta(days=1))
