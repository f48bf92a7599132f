"""Pages of the service desk: the staff portal and the agents' desk."""

from core.models import Team, TeamKind
from core.views.generic import AreaHomeView

PROFILE_LINKS = [
    ("My profile", "core:profile", None, "Your organisation, department, site, teams and roles."),
    ("Notifications", "core:notifications", None, "Everything the desk has told you."),
]


class PortalHomeView(AreaHomeView):
    """The self-service portal's front page for staff."""

    permission_required = "core.use_portal"
    template_name = "servicedesk/portal_home.html"
    title = "Self-service portal"
    links = PROFILE_LINKS

    def get_context_data(self, **kwargs):
        """Add the service desk teams that serve the person's organisation (how to reach them)."""
        context = super().get_context_data(**kwargs)
        organisation = self.request.user.organisation
        context["service_desks"] = (
            Team.objects.filter(
                kind=TeamKind.SERVICE_DESK, organisations=organisation, is_active=True
            )
            if organisation
            else Team.objects.none()
        )
        return context


class DeskHomeView(AreaHomeView):
    """The agents' desk: their teams and the organisations whose calls they work."""

    permission_required = "core.use_desk"
    template_name = "servicedesk/desk_home.html"
    title = "Service desk"
    links = [
        ("Teams", "core:team_list", "core.view_team", "Assignment groups and who is in them."),
        (
            "People",
            "core:person_list",
            "core.view_user",
            "Callers and colleagues in your organisations.",
        ),
        ("Audit log", "core:audit_list", "core.view_auditevent", "Who changed what, and when."),
        *PROFILE_LINKS,
    ]
