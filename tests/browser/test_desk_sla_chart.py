"""The workspace's SLA chart: each bar's line fits the chart at 1280 and 375 px, in English and
in German (the first response "stopped …, late" was cut off at 1280 px), with screenshots."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import Profile
from tests.escalation.sla_setup import HOUR, sla_policy

from .pages import look, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# How far each bar's text reaches past the chart's right edge, in the SVG's own units.
OVERFLOW = """() => {
  const svg = document.querySelector('.desk-chart svg');
  const width = svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('.sla-bar > text')].map(
    t => [t.textContent, t.getBBox().x + t.getBBox().width - width]);
}"""


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_sla_chart_lines_fit_at_desktop_and_phone_width(
    browser, live_server, make_ticket, customer, teams, agent, language
):
    sla_policy(None, response=HOUR, resolution=8 * HOUR, priorities=("P1", "P2", "P3", "P4"))
    ticket = make_ticket(customer, team=teams["desk"], at=timezone.now() - timedelta(hours=3))
    ticket.acknowledge(agent)  # long after its first-response due time: "stopped …, late"
    Profile.objects.update_or_create(user=agent, defaults={"language": language})
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    sign_in(context, live_server, agent)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/desk/tickets/{ticket.pk}/")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        lines = page.evaluate(OVERFLOW)
        assert len(lines) == 2, lines
        late = "verspätet" if language == "de" else "late"
        assert late in lines[0][0], lines
        assert all(over <= 0 for _text, over in lines), lines
    page.locator(".desk-chart").screenshot(
        path=f"tests/browser/screenshots/desk-sla-chart-{language}.png"
    )
    assert look(page, f"desk-workspace-sla-{language}") == []
    context.close()
