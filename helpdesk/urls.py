from django.contrib import admin
from django.urls import include, path

from .health import healthz
from .views import home

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("api/", include("helpdesk.api_urls")),
    path("portal/", include("portal.urls")),
    path("desk/", include("desk.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", healthz, name="healthz"),
]

handler400 = "helpdesk.errors.bad_request"
handler403 = "helpdesk.errors.permission_denied"
handler404 = "helpdesk.errors.not_found"
handler500 = "helpdesk.errors.server_error"
