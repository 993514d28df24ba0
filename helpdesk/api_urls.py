"""The REST API under /api/ (SPEC "API"): one router over the apps' viewsets."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from escalation.api import oncall as oncall_views
from escalation.api import views as escalation_views
from escalation.api.reports import ReportViewSet
from escalation.majors.api import MajorIncidentViewSet
from escalation.majors.drills_api import DrillStartView, DrillViewSet
from helpdesk.errors import unknown_api_path
from incidents.api import views as incidents_views
from incidents.api.absences import AbsenceViewSet
from incidents.api.auth import ObtainToken, RevokeToken
from notifications.api import NotificationPreferencesView
from notifications.contacts_api import ContactViewSet

router = DefaultRouter()
router.register("tickets", incidents_views.TicketViewSet, basename="ticket")
router.register("teams", incidents_views.TeamViewSet, basename="team")
router.register("calendars", escalation_views.CalendarViewSet, basename="calendar")
router.register("sla-policies", escalation_views.SLAPolicyViewSet, basename="sla-policy")
router.register(
    "escalation-policies", escalation_views.EscalationPolicyViewSet, basename="escalation-policy"
)
router.register("contacts", ContactViewSet, basename="contact")
router.register("out-of-office", AbsenceViewSet, basename="out-of-office")
router.register("major-incidents", MajorIncidentViewSet, basename="major-incident")
router.register("drills", DrillViewSet, basename="drill")
router.register("rotations", oncall_views.RotationViewSet, basename="rotation")
router.register("on-call-overrides", oncall_views.OverrideViewSet, basename="on-call-override")
router.register("reports", ReportViewSet, basename="report")

app_name = "api"
urlpatterns = [
    path("auth/token/", ObtainToken.as_view(), name="token"),
    path("auth/token/revoke/", RevokeToken.as_view(), name="token-revoke"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path(
        "me/notification-preferences/",
        NotificationPreferencesView.as_view(),
        name="notification-preferences",
    ),
    path("escalation-policies/<int:pk>/drill/", DrillStartView.as_view(), name="policy-drill"),
    path("teams/<int:pk>/on-call/", oncall_views.TeamOnCallView.as_view(), name="team-on-call"),
    *router.urls,
    # Last: any other path under /api/ is a JSON 404 (DEBUG or not), never an HTML page.
    re_path(r"^.*$", unknown_api_path),
]
