"""URLs of the service desk: /portal/ for staff, /desk/ for agents."""

from django.urls import path

from servicedesk import queries, views

app_name = "servicedesk"

urlpatterns = [
    path("portal/", views.PortalHomeView.as_view(), name="portal"),
    path("portal/calls/", views.MyCallsView.as_view(), name="portal_calls"),
    path("portal/calls/new/", views.PortalLogView.as_view(), name="portal_log"),
    path("portal/calls/<int:pk>/", views.PortalIncidentView.as_view(), name="portal_incident"),
    path("desk/", views.DeskHomeView.as_view(), name="desk"),
    *[
        path(
            f"desk/queues/{name}/",
            views.IncidentQueueView.as_view(queue_name=name),
            name=f"queue_{name}",
        )
        for name in queries.QUEUES
    ],
    path("desk/calls/new/", views.PhoneLogView.as_view(), name="phone_log"),
    path("desk/calls/bulk/", views.BulkIncidentView.as_view(), name="bulk"),
    path("desk/calls/<int:pk>/", views.IncidentDetailView.as_view(), name="incident_detail"),
    path(
        "calls/<int:pk>/do/<str:name>/",
        views.IncidentTransitionView.as_view(),
        name="incident_transition",
    ),
    path("calls/<int:pk>/comment/", views.CommentView.as_view(), name="incident_comment"),
    path("calls/<int:pk>/rate/", views.RateIncidentView.as_view(), name="incident_rate"),
    path(
        "calls/<int:pk>/priority/", views.ReprioritiseView.as_view(), name="incident_reprioritise"
    ),
    path("attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment"),
]
