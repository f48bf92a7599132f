"""Pages of the asset register."""

from core.models import Site
from core.views.generic import AreaHomeView


class AssetsHomeView(AreaHomeView):
    """The asset register's front page: the sites assets are held at."""

    permission_required = "core.use_assets"
    template_name = "assets/home.html"
    title = "Asset register"
    links = [
        (
            "Organisations",
            "core:organisation_list",
            "core.view_organisation",
            "Councils and partners that own assets.",
        ),
        ("People", "core:person_list", "core.view_user", "Asset owners and users."),
        ("My profile", "core:profile", None, "Your roles and teams."),
    ]

    def get_context_data(self, **kwargs):
        """Add the sites of the organisations the viewer may see."""
        context = super().get_context_data(**kwargs)
        context["sites"] = Site.objects.visible_to(self.request.user).select_related("organisation")
        return context
