"""The roles of civicdesk, as Django groups, and the permissions each one carries.

Roles are groups so an administrator can see and adjust them in one place. Core's grants
are `ROLE_PERMISSIONS` below; each other app declares the grants of its own permissions as
`role_permissions` on its AppConfig, and its data migration calls `sync_role_permissions`
so the groups pick them up. Together they say who may do what. Views and actions check
Django permissions, never role names, except where the rule really is about the role
(visibility scope).
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    """The roles a person can hold; the value is the Django group name."""

    REQUESTER = "Requester"
    AGENT = "Agent"
    TEAM_LEAD = "Team lead"
    APPROVER = "Approver"
    CHANGE_MANAGER = "Change manager"
    CAB_MEMBER = "CAB member"
    ASSET_MANAGER = "Asset manager"
    MANAGER = "Manager"
    ADMINISTRATOR = "Administrator"


# Roles whose holders work for the ICT service and so see the records of every
# organisation their teams serve (plus their own organisation). Requesters and
# approvers see their own records only.
SERVICE_ROLES = frozenset(
    {
        Role.AGENT,
        Role.TEAM_LEAD,
        Role.CHANGE_MANAGER,
        Role.CAB_MEMBER,
        Role.ASSET_MANAGER,
        Role.MANAGER,
        Role.ADMINISTRATOR,
    }
)

_READ_DIRECTORY = [
    "core.view_organisation",
    "core.view_department",
    "core.view_site",
    "core.view_team",
    "core.view_user",
    "core.view_businesscalendar",
]

# "app_label.codename" per role. Permissions of apps not yet installed are skipped by
# sync_role_permissions and picked up when that app's migration runs it again.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.REQUESTER: ["core.use_portal"],
    Role.APPROVER: ["core.use_portal"],
    Role.AGENT: ["core.use_portal", "core.use_desk", *_READ_DIRECTORY],
    Role.TEAM_LEAD: [
        "core.use_portal",
        "core.use_desk",
        # Team leaders run the desk's wallboard and read their councils' KPIs.
        "core.use_kpis",
        *_READ_DIRECTORY,
        "core.view_auditevent",
    ],
    Role.CHANGE_MANAGER: ["core.use_portal", "core.use_changes", *_READ_DIRECTORY],
    Role.CAB_MEMBER: ["core.use_portal", "core.use_changes", *_READ_DIRECTORY],
    Role.ASSET_MANAGER: ["core.use_portal", "core.use_assets", *_READ_DIRECTORY],
    Role.MANAGER: [
        "core.use_portal",
        "core.use_desk",
        "core.use_kpis",
        *_READ_DIRECTORY,
        "core.view_auditevent",
    ],
    # Administrators get every permission that exists (see sync_role_permissions).
    Role.ADMINISTRATOR: [],
}


def sync_role_permissions(apps, schema_editor=None) -> None:
    """Create the role groups and give each its permissions (data-migration helper).

    Runs with the historical app registry. Permissions are created first, because Django
    only creates them after all migrations have run.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    assign_role_permissions(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def all_role_permissions() -> dict[str, list[str]]:
    """Core's ROLE_PERMISSIONS plus each app's, declared as `role_permissions` on its AppConfig.

    Apps own the grants of their own permissions, so core never imports them.
    """
    from django.apps import apps as live_apps

    merged = {role: list(perms) for role, perms in ROLE_PERMISSIONS.items()}
    for app_config in live_apps.get_app_configs():
        for role, perms in getattr(app_config, "role_permissions", {}).items():
            merged.setdefault(role, []).extend(perms)
    return merged


def assign_role_permissions(group_model=None, permission_model=None) -> None:
    """Make sure every role group exists with the permissions all_role_permissions gives it.

    Idempotent; also used after a test database flush, which empties the groups.
    """
    if group_model is None or permission_model is None:
        from django.contrib.auth.models import Group, Permission

        group_model, permission_model = Group, Permission
    granted = all_role_permissions()
    for role in Role:
        group, _ = group_model.objects.get_or_create(name=role.value)
        if role == Role.ADMINISTRATOR:
            group.permissions.set(permission_model.objects.all())
            continue
        wanted = []
        for dotted in granted.get(role, []):
            app_label, codename = dotted.split(".", 1)
            perm = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                wanted.append(perm)
        group.permissions.add(*wanted)


def roles_of(user) -> frozenset[str]:
    """The role names a user holds, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_civicdesk_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._civicdesk_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    """True if the user holds any of the given roles (superusers hold every role)."""
    if getattr(user, "is_superuser", False):
        return True
    return bool(roles_of(user) & set(roles))
