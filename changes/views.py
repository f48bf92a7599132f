"""Pages of change management."""

from core.models import User
from core.roles import Role
from core.views.generic import AreaHomeView


class ChangesHomeView(AreaHomeView):
    """Change management's front page: the Change Advisory Board and the calendars changes use."""

    permission_required = "core.use_changes"
    template_name = "changes/home.html"
    title = "Change management"
    links = [
        (
            "Business calendars",
            "core:calendar_list",
            "core.view_businesscalendar",
            "Core hours and bank holidays that changes are planned around.",
        ),
        (
            "People",
            "core:person_list",
            "core.view_user",
            "Change owners, implementers and CAB members.",
        ),
        ("Teams", "core:team_list", "core.view_team", "Implementer teams and suppliers."),
        ("My profile", "core:profile", None, "Your roles and teams."),
    ]

    def get_context_data(self, **kwargs):
        """Add the CAB: change managers and CAB members the viewer may see."""
        context = super().get_context_data(**kwargs)
        context["cab"] = (
            User.objects.visible_to(self.request.user)
            .filter(is_active=True, groups__name__in=[Role.CHANGE_MANAGER, Role.CAB_MEMBER])
            .select_related("organisation")
            .prefetch_related("groups")
            .distinct()
        )
        return context
