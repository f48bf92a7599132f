"""What each person may use: the navigation they see and the page they land on."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    """One entry of the top navigation."""

    label: str
    url_name: str
    permission: str | None
    icon: str

    @property
    def url(self) -> str:
        """The entry's address."""
        return reverse(self.url_name)


# In landing priority: a person lands on the first area they may use.
AREAS = [
    NavItem("Desk", "servicedesk:desk", "core.use_desk", "headset"),
    NavItem("Changes", "changes:home", "core.use_changes", "calendar2-week"),
    NavItem("Assets", "assets:home", "core.use_assets", "pc-display"),
    NavItem("KPIs", "kpis:home", "core.use_kpis", "graph-up"),
    NavItem("Portal", "servicedesk:portal", "core.use_portal", "person-workspace"),
    NavItem("Problems", "knowledge:problem_list", "knowledge.view_problem", "bug"),
    NavItem("Knowledge", "knowledge:search", "knowledge.view_knowledgearticle", "book"),
]

SETTINGS = [
    NavItem("Organisations", "core:organisation_list", "core.view_organisation", "building"),
    NavItem("Teams", "core:team_list", "core.view_team", "people"),
    NavItem("People", "core:person_list", "core.view_user", "person-lines-fill"),
    NavItem("Calendars", "core:calendar_list", "core.view_businesscalendar", "clock"),
    NavItem(
        "Request catalogue",
        "servicerequests:request_item_list",
        "servicerequests.change_requestitem",
        "bag",
    ),
    NavItem(
        "Approval policies",
        "servicerequests:approval_policy_list",
        "servicerequests.manage_approvals",
        "check2-square",
    ),
    NavItem("Audit log", "core:audit_list", "core.view_auditevent", "journal-text"),
    NavItem("History imports", "history:run_list", "history.run_history_import", "clock-history"),
]


def areas_for(user) -> list[NavItem]:
    """The work areas a person may use, in landing priority."""
    return [item for item in AREAS if item.permission is None or user.has_perm(item.permission)]


def settings_for(user) -> list[NavItem]:
    """The settings pages a person may use."""
    return [item for item in SETTINGS if item.permission is None or user.has_perm(item.permission)]


def landing_url_for(user) -> str:
    """Where a person lands after signing in: administrators on settings, others on their area.

    Approvers and requesters land on the portal; agents and team leads on the desk; change
    managers and CAB members on changes; asset managers on assets; managers on KPIs.
    """
    from core.roles import Role, has_role, roles_of

    if user.is_superuser or Role.ADMINISTRATOR in roles_of(user):
        return reverse("core:organisation_list")
    if has_role(user, Role.MANAGER):
        return reverse("kpis:home")
    areas = areas_for(user)
    if areas:
        return areas[0].url
    return reverse("core:profile")
