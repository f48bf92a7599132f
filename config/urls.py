"""Top-level URLs: sign-in, each app's pages, and the Django admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core.views.pages import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("core.urls")),
    path("", include("servicedesk.urls")),
    path("", include("servicerequests.urls")),
    path("changes/", include("changes.urls")),
    path("assets/", include("assets.urls")),
    path("kpis/", include("kpis.urls")),
    path("", include("knowledge.urls")),
    path("", include("history.urls")),
    path("admin/", admin.site.urls),
]
