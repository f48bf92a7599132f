"""Pages of KPI reporting."""

from django.db.models import Count, Q

from core.models import Team
from core.views.generic import AreaHomeView


class KpisHomeView(AreaHomeView):
    """The managers' front page: the teams of the service and how many people staff them."""

    permission_required = "core.use_kpis"
    template_name = "kpis/home.html"
    title = "KPIs and reports"
    links = [
        ("Teams", "core:team_list", "core.view_team", "Teams and their members."),
        ("People", "core:person_list", "core.view_user", "Staff of your organisations."),
        ("Audit log", "core:audit_list", "core.view_auditevent", "Who changed what, and when."),
        ("My profile", "core:profile", None, "Your roles and teams."),
    ]

    def get_context_data(self, **kwargs):
        """Add each visible team with its active headcount."""
        context = super().get_context_data(**kwargs)
        context["team_sizes"] = (
            Team.objects.visible_to(self.request.user)
            .filter(is_active=True)
            .annotate(headcount=Count("members", filter=Q(members__is_active=True), distinct=True))
            .order_by("kind", "name")
        )
        return context
