"""GET /api/reports/…: the supervisors' and team leads' figures (SPEC "Reports",
docs/reports.md), as JSON or, with ?format=csv, as CSV."""

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
from rest_framework.response import Response

from incidents import permissions as rules

from ..reports import sla
from ..reports.csv import to_csv
from ..reports.filters import ReportFilters


class CanReadReports(permissions.BasePermission):
    message = "Reports are for supervisors and team leads."

    def has_permission(self, request, view):
        return rules.can_read_reports(request.user)


class CSVRenderer(renderers.BaseRenderer):
    """A report's rows as CSV, columns in the report's order (the view names them)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = (renderer_context or {}).get("view")
        return to_csv(view.csv_columns, data["rows"]).encode()


FILTERS = [
    OpenApiParameter("from", str, description="First day counted (YYYY-MM-DD); 30 days ago."),
    OpenApiParameter("to", str, description="Last day counted (YYYY-MM-DD); default today."),
    OpenApiParameter("team", int, description="One team's id."),
    OpenApiParameter("priority", str, enum=["P1", "P2", "P3", "P4"]),
    OpenApiParameter("format", str, enum=["json", "csv"], description="csv: the rows as CSV."),
]


def rows_schema(name, fields):
    """A report's JSON: the period and its rows, each of `fields` ({column: serializer field})."""
    row = inline_serializer(name=f"{name}Row", fields=fields, many=True)
    return inline_serializer(
        name=f"{name}Report",
        fields={"from": serializers.DateField(), "to": serializers.DateField(), "rows": row},
    )


def _int(**kwargs):
    return serializers.IntegerField(**kwargs)


SLA_ROW = {
    "team": _int(allow_null=True),
    "team_name": serializers.CharField(),
    "priority": serializers.CharField(),
    **{name: _int() for name in sla.COLUMNS[3:9]},
    **{name: _int(allow_null=True) for name in sla.COLUMNS[9:]},
}


def report_schema(summary, serializer):
    return extend_schema(
        summary=summary,
        parameters=FILTERS,
        responses={
            200: serializer,
            400: OpenApiResponse(description="Invalid filters; field messages."),
            403: OpenApiResponse(description="Supervisors and team leads only."),
        },
        filters=False,
    )


class ReportViewSet(viewsets.ViewSet):
    """Each report reads the filters, counts what the reader may see and answers its rows."""

    permission_classes = [CanReadReports]
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]
    csv_columns = ()

    def handle_exception(self, exc):
        # Errors stay JSON, whatever format the rows were asked in.
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = renderers.JSONRenderer.media_type
        return super().handle_exception(exc)

    def period(self, request):
        form = ReportFilters(request.query_params, rules.report_teams(request.user))
        if not form.is_valid():
            raise ValidationError(_messages(form))
        return form.period()

    def answer(self, period, columns, rows, filename):
        self.csv_columns = columns
        response = Response({"from": period.first_day, "to": period.last_day, "rows": rows})
        if self.request.accepted_renderer.format == "csv":
            name = f"{filename}-{period.first_day}-{period.last_day}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @report_schema(
        "SLA compliance, MTTA and MTTR per team and priority", rows_schema("SLA", SLA_ROW)
    )
    @action(detail=False, methods=["get"])
    def sla(self, request):
        period = self.period(request)
        return self.answer(period, sla.COLUMNS, sla.sla_report(period, timezone.now()), "sla")


def _messages(form):
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}
