"""App configuration for changes: requests for change and the CAB."""

from django.apps import AppConfig


class ChangesConfig(AppConfig):
    """Change requests, CAB meetings and the change calendar (grows issue by issue)."""

    name = "changes"
    verbose_name = "Change management"
