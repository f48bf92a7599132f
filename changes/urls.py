"""URLs of change management."""

from django.urls import path

from changes import views

app_name = "changes"

urlpatterns = [path("", views.ChangesHomeView.as_view(), name="home")]
