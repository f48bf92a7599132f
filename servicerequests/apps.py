"""App configuration for service requests: the request catalogue, approvals and fulfilment."""

from django.apps import AppConfig

from core.roles import Role

_REQUESTER = [
    "servicerequests.view_requestitem",
    "servicerequests.view_servicerequest",
    "servicerequests.add_servicerequest",
    "servicerequests.view_approval",
    "servicerequests.view_approvaldelegation",
    "servicerequests.add_approvaldelegation",
]
_AGENT = [
    *_REQUESTER,
    "servicerequests.work_servicerequest",
    "servicerequests.log_request_for_others",
    "servicerequests.view_fulfilmenttask",
]
# Desk managers look after the request catalogue and who approves what.
_CATALOGUE = [
    f"servicerequests.{verb}_{model}"
    for model in ("requestitem", "requestfield", "fulfilmentstep", "approvalpolicy", "linemanager")
    for verb in ("view", "add", "change")
]


class ServicerequestsConfig(AppConfig):
    """Service requests: catalogue items with forms and plans, approvals, fulfilment tasks."""

    name = "servicerequests"
    verbose_name = "Service requests"
    demo_seeder = "servicerequests.demo"
    role_permissions = {
        Role.REQUESTER: _REQUESTER,
        Role.APPROVER: _REQUESTER,
        Role.AGENT: _AGENT,
        Role.TEAM_LEAD: _AGENT,
        # Everyone who uses the portal may ask for things (and sit on an approval board).
        Role.CHANGE_MANAGER: _REQUESTER,
        Role.CAB_MEMBER: _REQUESTER,
        Role.ASSET_MANAGER: _REQUESTER,
        Role.MANAGER: [
            *_REQUESTER,
            *_CATALOGUE,
            "servicerequests.manage_approvals",
            "servicerequests.view_fulfilmenttask",
        ],
    }
