from allauth.account import views as account_views
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from .accounts import sign_out_everywhere_view
from .health import healthz
from .profile import profile
from .views import home

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("api/", include("helpdesk.api_urls")),
    path("portal/", include("portal.urls")),
    path("desk/", include("desk.urls")),
    # Django's names for the same allauth pages: templates and the desk link to `login` and
    # `logout`. Django's own LoginView is not mounted: it would let an unconfirmed address in.
    path("accounts/login/", account_views.login, name="login"),
    path("accounts/logout/", account_views.logout, name="logout"),
    path(
        "accounts/sign-out-everywhere/",
        sign_out_everywhere_view,
        name="account_sign_out_everywhere",
    ),
    path("accounts/profile/", profile, name="profile"),
    path("accounts/", include("allauth.urls")),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page links (the admin links none).
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
]

handler400 = "helpdesk.errors.bad_request"
handler403 = "helpdesk.errors.permission_denied"
handler404 = "helpdesk.errors.not_found"
handler500 = "helpdesk.errors.server_error"
