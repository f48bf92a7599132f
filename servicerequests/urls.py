"""URLs of service requests: the portal's catalogue, requests and approvals; the desk's work.

The models and emails link to `approval`, `portal_request`, `request_detail` and
`task_detail` by name.
"""

from django.urls import path

from servicerequests.models import FulfilmentStep
from servicerequests.views import approvals, catalogue, desk, portal
from servicerequests.views.shared import RequestActionView

app_name = "servicerequests"

urlpatterns = [
    # Portal: the catalogue and my requests.
    path("portal/catalogue/", portal.CatalogueView.as_view(), name="catalogue"),
    path("portal/catalogue/<int:pk>/", portal.ItemOrderView.as_view(), name="item_order"),
    path(
        "portal/catalogue/<int:pk>/approvals/",
        portal.ApprovalPreviewView.as_view(),
        name="item_preview",
    ),
    path("portal/requests/", portal.MyRequestsView.as_view(), name="portal_requests"),
    path("portal/requests/<int:pk>/", portal.PortalRequestView.as_view(), name="portal_request"),
    path("requests/<int:pk>/do/<str:name>/", RequestActionView.as_view(), name="request_action"),
    # Portal: approvals and delegation.
    path("portal/approvals/", approvals.ApprovalQueueView.as_view(), name="approval_queue"),
    path("portal/approvals/<int:pk>/", approvals.ApprovalView.as_view(), name="approval"),
    path("portal/approvals/delegation/", approvals.DelegationView.as_view(), name="delegation"),
    path(
        "portal/approvals/delegation/<int:pk>/end/",
        approvals.EndDelegationView.as_view(),
        name="delegation_end",
    ),
    # Desk: requests and fulfilment tasks.
    path("desk/requests/", desk.RequestListView.as_view(), name="request_list"),
    path("desk/requests/<int:pk>/", desk.RequestDetailView.as_view(), name="request_detail"),
    path("desk/requests/tasks/", desk.TaskListView.as_view(), name="task_list"),
    path("desk/requests/tasks/all/", desk.TaskListView.as_view(mine=False), name="task_list_all"),
    path("desk/requests/tasks/<int:pk>/", desk.TaskDetailView.as_view(), name="task_detail"),
    path(
        "desk/requests/tasks/<int:pk>/do/<str:name>/",
        desk.TaskActionView.as_view(),
        name="task_action",
    ),
    # Desk: the request catalogue and who approves.
    path(
        "desk/catalogue/requests/",
        catalogue.RequestItemListView.as_view(),
        name="request_item_list",
    ),
    path(
        "desk/catalogue/requests/new/",
        catalogue.RequestItemEditView.as_view(),
        name="request_item_create",
    ),
    path(
        "desk/catalogue/requests/<int:pk>/",
        catalogue.RequestItemEditView.as_view(),
        name="request_item_edit",
    ),
    path(
        "desk/catalogue/requests/<int:item_pk>/fields/new/",
        catalogue.RequestFieldEditView.as_view(),
        name="request_field_create",
    ),
    path(
        "desk/catalogue/requests/fields/<int:pk>/",
        catalogue.RequestFieldEditView.as_view(),
        name="request_field_edit",
    ),
    path(
        "desk/catalogue/requests/fields/<int:pk>/delete/",
        catalogue.ItemPartDeleteView.as_view(),
        name="request_field_delete",
    ),
    path(
        "desk/catalogue/requests/<int:item_pk>/steps/new/",
        catalogue.FulfilmentStepEditView.as_view(),
        name="fulfilment_step_create",
    ),
    path(
        "desk/catalogue/requests/steps/<int:pk>/",
        catalogue.FulfilmentStepEditView.as_view(),
        name="fulfilment_step_edit",
    ),
    path(
        "desk/catalogue/requests/steps/<int:pk>/delete/",
        catalogue.ItemPartDeleteView.as_view(
            model=FulfilmentStep, permission_required="servicerequests.change_fulfilmentstep"
        ),
        name="fulfilment_step_delete",
    ),
    path(
        "desk/catalogue/approval-policies/",
        catalogue.ApprovalPolicyListView.as_view(),
        name="approval_policy_list",
    ),
    path(
        "desk/catalogue/approval-policies/<int:pk>/",
        catalogue.ApprovalPolicyEditView.as_view(),
        name="approval_policy_edit",
    ),
    path(
        "desk/catalogue/line-managers/",
        catalogue.LineManagerListView.as_view(),
        name="line_manager_list",
    ),
    path(
        "desk/catalogue/line-managers/new/",
        catalogue.LineManagerEditView.as_view(),
        name="line_manager_create",
    ),
    path(
        "desk/catalogue/line-managers/<int:pk>/",
        catalogue.LineManagerEditView.as_view(),
        name="line_manager_edit",
    ),
]
