"""URLs of KPI reporting."""

from django.urls import path

from kpis import views

app_name = "kpis"

urlpatterns = [path("", views.KpisHomeView.as_view(), name="home")]
