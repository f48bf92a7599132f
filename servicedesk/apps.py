"""App configuration for servicedesk: the self-service portal and the agent desk."""

from django.apps import AppConfig

from core.roles import Role

_CALLER = [
    "servicedesk.view_incident",
    "servicedesk.add_incident",
    "servicedesk.add_comment",
    "servicedesk.add_attachment",
    "servicedesk.add_surveyresponse",
    "servicedesk.view_service",
    "servicedesk.view_category",
]
_AGENT = [
    *_CALLER,
    "servicedesk.work_incident",
    "servicedesk.log_incident_for_others",
    "servicedesk.reprioritise_incident",
    "servicedesk.view_internal_comment",
    "servicedesk.view_surveyresponse",
]


# Desk managers look after the catalogue: services, their standards, categories, the matrix.
_CATALOGUE = [
    f"servicedesk.{verb}_{model}"
    for model in ("service", "servicestandard", "category", "priorityrule")
    for verb in ("view", "add", "change")
]


class ServicedeskConfig(AppConfig):
    """Incidents, requests, catalogue, problems and knowledge (grows issue by issue)."""

    name = "servicedesk"
    verbose_name = "Service desk"
    demo_seeder = "servicedesk.demo"
    role_permissions = {
        Role.REQUESTER: _CALLER,
        Role.APPROVER: _CALLER,
        Role.AGENT: _AGENT,
        Role.TEAM_LEAD: [
            *_AGENT,
            "servicedesk.close_incident",
            "servicedesk.manage_major_incident",
        ],
        Role.MANAGER: [
            *_CALLER,
            *_CATALOGUE,
            "servicedesk.view_internal_comment",
            "servicedesk.view_surveyresponse",
        ],
    }
