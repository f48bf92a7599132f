"""The knowledge panel of the desk's call page: find an article and link it to the call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views import View

from core.exceptions import ActionError
from knowledge import actions
from knowledge.search import search_articles
from servicedesk.models import Incident


class _AgentMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Agents only: people who work calls and may link articles."""

    permission_required = ("knowledge.add_articleuse", "servicedesk.work_incident")
    raise_exception = True


class IncidentArticleSearchView(_AgentMixin, View):
    """Articles matching the agent's search, each with a button to link it to the call."""

    def get(self, request, pk):
        """Render the results for ?q=."""
        incident = get_object_or_404(Incident.objects.visible_to(request.user), pk=pk)
        results = search_articles(request.GET.get("q", ""), request.user, limit=8)
        return render(
            request,
            "knowledge/includes/_incident_article_results.html",
            {"incident": incident, "results": results},
        )


class IncidentArticleLinkView(_AgentMixin, View):
    """Record that an article helped on the call (POST)."""

    def post(self, request, pk, article_pk):
        """Call do_link_article_to_incident and go back to the call."""
        incident = get_object_or_404(Incident.objects.visible_to(request.user), pk=pk)
        try:
            use = actions.do_link_article_to_incident(incident.pk, article_pk, actor=request.user)
            messages.success(request, f"{use.article.reference} linked to {incident.reference}.")
        except ActionError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(incident.get_absolute_url())
