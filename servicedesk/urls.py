"""URLs of the service desk: /portal/ for staff, /desk/ for agents."""

from django.urls import path

from servicedesk import queries, views
from servicedesk.views import catalogue, links, lookup, major

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
    path("desk/people/lookup/", lookup.CallerLookupView.as_view(), name="caller_lookup"),
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
    path("calls/<int:pk>/assets/", links.LinkAssetsView.as_view(), name="incident_assets"),
    path("calls/<int:pk>/major/declare/", major.DeclareMajorView.as_view(), name="major_declare"),
    path("calls/<int:pk>/major/scope/", major.MajorScopeView.as_view(), name="major_scope"),
    path("calls/<int:pk>/major/outage/", major.OutageWindowView.as_view(), name="major_outage"),
    path(
        "calls/<int:pk>/major/stand-down/",
        major.StandDownMajorView.as_view(),
        name="major_stand_down",
    ),
    path("calls/<int:pk>/major/link/", major.LinkMajorView.as_view(), name="major_link"),
    path("calls/<int:pk>/major/updates/", major.MajorUpdateView.as_view(), name="major_update"),
    path("desk/catalogue/services/", catalogue.ServiceListView.as_view(), name="service_list"),
    path(
        "desk/catalogue/services/new/", catalogue.ServiceEditView.as_view(), name="service_create"
    ),
    path(
        "desk/catalogue/services/<int:pk>/",
        catalogue.ServiceEditView.as_view(),
        name="service_edit",
    ),
    path(
        "desk/catalogue/standards/",
        catalogue.ServiceStandardListView.as_view(),
        name="standard_list",
    ),
    path(
        "desk/catalogue/standards/new/",
        catalogue.ServiceStandardEditView.as_view(),
        name="standard_create",
    ),
    path(
        "desk/catalogue/standards/<int:pk>/",
        catalogue.ServiceStandardEditView.as_view(),
        name="standard_edit",
    ),
    path("desk/catalogue/categories/", catalogue.CategoryListView.as_view(), name="category_list"),
    path(
        "desk/catalogue/categories/new/",
        catalogue.CategoryEditView.as_view(),
        name="category_create",
    ),
    path(
        "desk/catalogue/categories/<int:pk>/",
        catalogue.CategoryEditView.as_view(),
        name="category_edit",
    ),
    path(
        "desk/catalogue/priority-matrix/",
        catalogue.PriorityMatrixView.as_view(),
        name="priority_matrix",
    ),
    path("attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment"),
]
