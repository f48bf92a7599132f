"""URLs of the asset register."""

from django.urls import path

from assets import views

app_name = "assets"

urlpatterns = [path("", views.AssetsHomeView.as_view(), name="home")]
