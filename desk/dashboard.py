"""/desk/dashboard/: the supervisors' and team leads' figures (docs/reports.md), drawn from
the same report functions as /api/reports/, each table with its CSV link."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, pgettext

from escalation.reports import backlog, escalations, trends
from escalation.reports.filters import ReportFilters
from incidents import permissions

from .charts import bar_chart, duration, percent
from .history import STATUS_WORDS


@login_required
def dashboard(request):
    readable = permissions.report_teams(request.user)
    if readable is not None and not readable:
        raise PermissionDenied
    form = ReportFilters(request.GET, readable)
    context = {"form": form, "filtered": bool(request.GET)}
    status = 200
    if form.is_valid():
        context.update(figures(form.period(), timezone.now(), _query(form)))
    else:
        status = 400
    return render(request, "desk/dashboard.html", context, status=status)


def _query(form):
    data = form.cleaned_data
    query = {"from": data["from"], "to": data["to"]}
    if data.get("team"):
        query["team"] = data["team"].pk
    if data.get("priority"):
        query["priority"] = data["priority"]
    return urlencode(query)


def csv_link(report, query, table=None):
    url = reverse("api:report-" + report)
    extra = f"&table={table}" if table else ""
    return f"{url}?{query}&format=csv{extra}"


def figures(period, now, query):
    compliance, over_time = trends.sla_and_trends(period, now)
    levels, level_numbers = trends.levels_over_time(period)
    waiting = backlog.backlog_report(period, now)
    moves = escalations.handoffs(period)
    breaches = breach_rows(over_time, levels, level_numbers)
    bands = backlog_bands(waiting)
    return {
        "period": period,
        "compliance": compliance,
        "compliance_chart": compliance_chart(compliance),
        "trends": over_time,
        "trend_chart": bar_chart(
            gettext("Median time to acknowledge and to resolve (business time)"),
            [
                (_starts(row), [row["mtta_median_seconds"], row["mttr_median_seconds"]])
                for row in over_time
            ],
            [
                pgettext("mean time to acknowledge", "MTTA"),
                pgettext("mean time to resolve", "MTTR"),
            ],
            show=duration,
        ),
        "breach_rows": breaches,
        "level_numbers": level_numbers,
        "breach_chart": bar_chart(
            gettext("Clocks missed and escalation levels fired"),
            [
                (_starts(row), [row["response_missed"], row["resolution_missed"], *row["levels"]])
                for row in breaches
            ],
            [
                gettext("First response missed"),
                gettext("Resolution missed"),
                *[gettext("Level %(level)s fired") % {"level": n} for n in level_numbers],
            ],
        ),
        "backlog": [{**row, "status_label": STATUS_WORDS[row["status"]]} for row in waiting],
        "backlog_bands": bands,
        "backlog_chart": bar_chart(
            gettext("Open tickets by age"),
            [(label, [count]) for label, count in bands],
            [gettext("Open tickets")],
        ),
        "handoffs": moves,
        "handoff_chart": bar_chart(
            gettext("Hand-offs between teams"),
            [
                (
                    f"{h['from_team_name']} → {h['to_team_name']}",
                    [h["manual"], h["by_level"], h["moved"]],
                )
                for h in moves
            ],
            [gettext("By hand"), gettext("By a level"), gettext("Moved by a supervisor")],
        ),
        "reasons": escalations.manual(period)[-20:],
        "csv": {
            "sla": csv_link("sla", query),
            "trends": csv_link("sla", query, "trends"),
            "backlog": csv_link("backlog", query),
            "levels": csv_link("escalations", query),
            "handoffs": csv_link("escalations", query, "handoffs"),
            "manual": csv_link("escalations", query, "manual"),
            "agents": csv_link("agents", query),
        },
    }


def _starts(row):
    return date_format(row["starts"], "j M")


def compliance_chart(rows):
    groups = [
        (
            f"{row['team_name']} {row['priority']}",
            [_share(row, "response"), _share(row, "resolution")],
        )
        for row in rows
    ]
    return bar_chart(
        gettext("Deadlines met, per team and priority"),
        groups,
        [gettext("First response met"), gettext("Resolution met")],
        show=percent,
    )


def _share(row, clock):
    met, missed = row[f"{clock}_met"], row[f"{clock}_missed"]
    return round(100 * met / (met + missed)) if met + missed else None


def breach_rows(over_time, levels, level_numbers):
    """The trend rows with the levels fired in each bucket (by the same buckets, in order)."""
    return [
        {**row, "levels": [bucket.get(n, 0) for n in level_numbers]}
        for row, bucket in zip(over_time, levels, strict=True)
    ]


BAND_LABELS = {
    "under_1d": gettext_lazy("Under a day"),
    "from_1d_to_3d": gettext_lazy("1 to 3 days"),
    "from_3d_to_7d": gettext_lazy("3 to 7 days"),
    "from_7d_to_30d": gettext_lazy("7 to 30 days"),
    "over_30d": gettext_lazy("Over 30 days"),
}


def backlog_bands(rows):
    return [(label, sum(row[band] for row in rows)) for band, label in BAND_LABELS.items()]
