"""GET /api/reports/…: the supervisors' and team leads' figures (SPEC "Reports",
docs/reports.md), as JSON or, with ?format=csv, as CSV."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import permissions, renderers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from incidents import permissions as rules

from ..reports import agents as agent_report
from ..reports import backlog as backlog_report
from ..reports import escalations as escalation_report
from ..reports import sla, trends
from ..reports.csv import to_csv
from ..reports.filters import ReportFilters


class CanReadReports(permissions.BasePermission):
    message = "Reports are for supervisors and team leads."

    def has_permission(self, request, view):
        return rules.can_read_reports(request.user)


class FormatNegotiation(DefaultContentNegotiation):
    """An unknown ?format= is a field error, not DRF's 404."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404 as exc:
            raise ValidationError({"format": ["Choose json or csv."]}) from exc


class CSVRenderer(renderers.BaseRenderer):
    """A report's rows as CSV, columns in the report's order (the view names them)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = (renderer_context or {}).get("view")
        return to_csv(view.csv_columns, data[view.csv_table]).encode()


FILTERS = [
    OpenApiParameter("from", str, description="First day counted (YYYY-MM-DD); 30 days ago."),
    OpenApiParameter("to", str, description="Last day counted (YYYY-MM-DD); default today."),
    OpenApiParameter("team", int, description="One team's id."),
    OpenApiParameter("priority", str, enum=["P1", "P2", "P3", "P4"]),
    OpenApiParameter("format", str, enum=["json", "csv"], description="csv: the rows as CSV."),
]


def rows_schema(name, fields, **tables):
    """A report's JSON: the period and its rows, each of `fields` ({column: serializer field}),
    and any further tables ({name: columns})."""
    body = {
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "rows": inline_serializer(name=f"{name}Row", fields=fields, many=True),
    }
    for table, columns in tables.items():
        cells = row_fields(columns)
        body[table] = inline_serializer(name=f"{name}{table.title()}Row", fields=cells, many=True)
    return inline_serializer(name=f"{name}Report", fields=body)


TEXT = {"team_name", "priority", "status", "agent_name", "from_team_name", "to_team_name"}
TEXT |= {"reference", "at", "actor", "reason", "starts"}


def row_fields(columns):
    """Serializer fields documenting a report's columns: text, the reopen rate, or integers
    (null where there is nothing to count, as a median of no values)."""
    fields = {}
    for name in columns:
        if name in TEXT:
            fields[name] = serializers.CharField()
        elif name == "reopen_rate":
            fields[name] = serializers.FloatField(allow_null=True)
        else:
            fields[name] = serializers.IntegerField(allow_null=True)
    return fields


def report_schema(summary, serializer, table=()):
    """`table`: the tables ?format=csv&table= may name."""
    tables = [OpenApiParameter("table", str, enum=list(table), description="The CSV's table.")]
    return extend_schema(
        summary=summary,
        parameters=FILTERS + (tables if table else []),
        responses={
            200: serializer,
            400: OpenApiResponse(description="Invalid filters; field messages."),
            403: OpenApiResponse(description="Supervisors and team leads only."),
        },
        filters=False,
    )


def _messages(form):
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}


class ReportViewSet(viewsets.ViewSet):
    """Each report reads the filters, counts what the reader may see and answers its rows."""

    permission_classes = [CanReadReports]
    content_negotiation_class = FormatNegotiation
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]
    csv_columns = ()
    csv_table = "rows"

    def handle_exception(self, exc):
        self._as_json()  # errors stay JSON, whatever format the rows were asked in
        return super().handle_exception(exc)

    def options(self, request, *args, **kwargs):
        self._as_json()  # so does the description of the endpoint
        return super().options(request, *args, **kwargs)

    def _as_json(self):
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = renderers.JSONRenderer.media_type

    def period(self, request):
        form = ReportFilters(request.query_params, rules.report_teams(request.user))
        if not form.is_valid():
            raise ValidationError(_messages(form))
        return form.period()

    def answer(self, period, columns, rows, filename, **tables):
        """The period and its rows (and any further tables) as JSON; with ?format=csv the rows,
        or the table named by ?table=, as a CSV download."""
        self.csv_columns = columns
        wanted = self.request.query_params.get("table")
        if wanted and wanted != "rows":
            if wanted not in tables:
                raise ValidationError({"table": [f"Choose one of: rows, {', '.join(tables)}."]})
            self.csv_table, self.csv_columns = wanted, tables[wanted][0]
            filename = f"{filename}-{wanted}"
        body = {"from": period.first_day, "to": period.last_day, "rows": rows}
        body.update({name: table_rows for name, (_columns, table_rows) in tables.items()})
        response = Response(body)
        if self.request.accepted_renderer.format == "csv":
            name = f"{filename}-{period.first_day}-{period.last_day}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @report_schema(
        "SLA compliance, MTTA and MTTR per team and priority, and over time",
        rows_schema("SLA", row_fields(sla.COLUMNS), trends=trends.COLUMNS),
        table=["rows", "trends"],
    )
    @action(detail=False, methods=["get"])
    def sla(self, request):
        period = self.period(request)
        rows, over_time = trends.sla_and_trends(period, timezone.now())
        return self.answer(period, sla.COLUMNS, rows, "sla", trends=(trends.COLUMNS, over_time))

    @report_schema(
        "Escalation levels per team, hand-offs between teams, manual escalations with reasons",
        rows_schema(
            "Escalations",
            row_fields(escalation_report.LEVEL_COLUMNS),
            handoffs=escalation_report.HANDOFF_COLUMNS,
            manual=escalation_report.MANUAL_COLUMNS,
        ),
        table=["rows", "handoffs", "manual"],
    )
    @action(detail=False, methods=["get"])
    def escalations(self, request):
        period = self.period(request)
        found = escalation_report.escalations_report(period)
        return self.answer(
            period,
            escalation_report.LEVEL_COLUMNS,
            found["rows"],
            "escalations",
            handoffs=(escalation_report.HANDOFF_COLUMNS, found["handoffs"]),
            manual=(escalation_report.MANUAL_COLUMNS, found["manual"]),
        )

    @report_schema(
        "Open tickets now by age band and status, per team",
        rows_schema("Backlog", row_fields(backlog_report.COLUMNS)),
    )
    @action(detail=False, methods=["get"])
    def backlog(self, request):
        period = self.period(request)
        rows = backlog_report.backlog_report(period, timezone.now())
        return self.answer(period, backlog_report.COLUMNS, rows, "backlog")

    @report_schema(
        "Per agent: tickets handled, first responses and their median time, reopen rate",
        rows_schema("Agents", row_fields(agent_report.COLUMNS)),
    )
    @action(detail=False, methods=["get"])
    def agents(self, request):
        period = self.period(request)
        return self.answer(
            period, agent_report.COLUMNS, agent_report.agents_report(period), "agents"
        )
