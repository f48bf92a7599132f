"""App configuration for servicedesk: the self-service portal and the agent desk."""

from django.apps import AppConfig


class ServicedeskConfig(AppConfig):
    """Incidents, requests, catalogue, problems and knowledge (grows issue by issue)."""

    name = "servicedesk"
    verbose_name = "Service desk"
