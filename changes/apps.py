"""App configuration for changes: requests for change and the CAB."""

from django.apps import AppConfig

from core.roles import Role

_READ = [
    "changes.view_change",
    "changes.view_cabmeeting",
    "changes.view_maintenancewindow",
    "changes.view_blackoutperiod",
    "changes.view_changetemplate",
    "changes.view_cabboard",
]


class ChangesConfig(AppConfig):
    """Change requests, CAB meetings and the change calendar."""

    name = "changes"
    verbose_name = "Change management"
    demo_seeder = "changes.demo"
    role_permissions = {
        Role.CHANGE_MANAGER: [
            *_READ,
            "changes.add_change",
            "changes.change_change",
            "changes.manage_change",
            "changes.approve_emergency_change",
            "changes.add_cabmeeting",
            "changes.manage_cab",
            "changes.chair_cab",
            "changes.vote_cab",
            "changes.add_maintenancewindow",
            "changes.change_maintenancewindow",
            "changes.add_blackoutperiod",
            "changes.change_blackoutperiod",
            "changes.add_changetemplate",
            "changes.change_changetemplate",
            "changes.add_cabboard",
            "changes.change_cabboard",
        ],
        Role.CAB_MEMBER: [
            *_READ,
            "changes.add_change",
            "changes.approve_emergency_change",
            "changes.vote_cab",
        ],
    }
