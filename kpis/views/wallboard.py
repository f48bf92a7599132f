"""The daily operational view, usable as a wallboard; it updates itself over a WebSocket."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.generic import TemplateView

from core.models import Organisation
from kpis.views.reports import KpiPageMixin
from kpis.wallboard import wallboard_figures


class WallboardView(KpiPageMixin, TemplateView):
    """Today's calls, backlog, breaches and agents' load; `?format=json` gives the figures."""

    template_name = "kpis/wallboard.html"

    def organisation_id(self) -> int | None:
        """The organisation chosen (only one the person may see), or None for all of theirs."""
        raw = self.request.GET.get("organisation", "")
        if (
            raw.isdigit()
            and Organisation.objects.visible_to(self.request.user).filter(pk=int(raw)).exists()
        ):
            return int(raw)
        return None

    def get(self, request, *args, **kwargs):
        """The page, or its figures as JSON."""
        if request.GET.get("format") == "json":
            return JsonResponse(wallboard_figures(request.user, self.organisation_id()))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        """The figures as they stand, and the socket to listen on."""
        context = super().get_context_data(**kwargs)
        organisation_id = self.organisation_id()
        context.update(
            title="Today at the desk",
            figures=wallboard_figures(self.request.user, organisation_id),
            organisations=Organisation.objects.visible_to(self.request.user).filter(is_active=True),
            organisation_id=organisation_id,
            socket_path="/ws/kpis/wallboard/"
            + (f"?organisation={organisation_id}" if organisation_id else ""),
        )
        return context
