"""URLs of history imports, under the settings pages (administrators only)."""

from django.urls import path

from history import views

app_name = "history"

urlpatterns = [
    path("settings/history-imports/", views.RunListView.as_view(), name="run_list"),
    path("settings/history-imports/new/", views.UploadView.as_view(), name="upload"),
    path("settings/history-imports/<int:pk>/", views.RunDetailView.as_view(), name="run_detail"),
    path(
        "settings/history-imports/<int:pk>/start/", views.StartRunView.as_view(), name="run_start"
    ),
]
