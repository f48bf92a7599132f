"""URLs of the service desk: /portal/ for staff, /desk/ for agents."""

from django.urls import path

from servicedesk import views

app_name = "servicedesk"

urlpatterns = [
    path("portal/", views.PortalHomeView.as_view(), name="portal"),
    path("desk/", views.DeskHomeView.as_view(), name="desk"),
]
