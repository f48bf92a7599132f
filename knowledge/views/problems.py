"""Pages of problems: list, detail, raise/edit, steps, linking calls, candidate problems."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import TemplateView

from core.exceptions import ActionError
from core.views.generic import ObjectDetailView, ObjectEditView, ObjectListView, ScopedMixin
from core.workflow import transitions_for
from knowledge import actions, queries
from knowledge.filtersets import ProblemFilterSet
from knowledge.forms import LinkIncidentsForm, ProblemForm, ResolveProblemForm
from knowledge.models import Problem
from knowledge.tables import ProblemTable


def _version(request) -> int | None:
    """The version of the problem the page was showing, to refuse a stale page."""
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


class ProblemListView(ObjectListView):
    """Problems and known errors, filtered, sorted and exportable."""

    model = Problem
    queryset = Problem.objects.select_related("organisation", "owner", "team").annotate(
        incident_count=Count("incidents", distinct=True)
    )
    table_class = ProblemTable
    filterset_class = ProblemFilterSet
    permission_required = "knowledge.view_problem"
    title = "Problems"
    create_url_name = "knowledge:problem_create"
    create_permission = "knowledge.add_problem"


class ProblemDetailView(ObjectDetailView):
    """One problem: what the viewer may do next, its calls, known error article, history."""

    model = Problem
    template_name = "knowledge/problem_detail.html"
    permission_required = "knowledge.view_problem"
    edit_url_name = "knowledge:problem_edit"
    edit_permission = "knowledge.change_problem"

    def get_context_data(self, **kwargs):
        """Add the steps, linked calls (those the viewer may see) and the forms."""
        context = super().get_context_data(**kwargs)
        problem, user = self.object, self.request.user
        steps = transitions_for(problem, user)
        context["steps"] = [step for step in steps if step.name != "resolve"]
        context["may_resolve"] = any(step.name == "resolve" for step in steps)
        linked = problem.incidents.select_related("service", "category")
        context["incidents"] = linked.visible_to(user)
        context["hidden_incidents"] = linked.count() - context["incidents"].count()
        context["open_incident_count"] = sum(1 for i in context["incidents"] if i.is_open)
        context["services"] = problem.services.all()
        context["assets"] = problem.assets.visible_to(user)
        context["may_link"] = user.has_perm("knowledge.change_problem") and problem.status not in (
            "closed",
            "cancelled",
        )
        context["link_form"] = LinkIncidentsForm()
        context["resolve_form"] = ResolveProblemForm(initial={"version": problem.version})
        return context


class ProblemEditView(ObjectEditView):
    """Raise a problem (pre-filled from the candidate page) or edit one, through its actions."""

    model = Problem
    form_class = ProblemForm
    add_permission = "knowledge.add_problem"
    change_permission = "knowledge.change_problem"
    success_message = "Problem saved."

    def get_initial(self):
        """Pre-fill a new problem from ?incidents=1,2&organisation=&service=&category=&asset=."""
        initial = super().get_initial()
        if self.object is not None:
            return initial
        query = self.request.GET
        from servicedesk.models import Incident

        ids = [int(pk) for pk in query.get("incidents", "").split(",") if pk.isdigit()]
        if ids:
            incidents = Incident.objects.visible_to(self.request.user).filter(pk__in=ids)
            initial["incidents"] = " ".join(incident.reference for incident in incidents)
        for name in ("organisation",):
            if query.get(name, "").isdigit():
                initial[name] = int(query[name])
        if query.get("service", "").isdigit():
            initial["services"] = [int(query["service"])]
        if query.get("asset", "").isdigit():
            initial["assets"] = [int(query["asset"])]
        if query.get("summary"):
            initial["summary"] = query["summary"][:200]
        return initial

    def perform(self, form):
        """Call do_create_problem or do_update_problem."""
        data = form.cleaned_data
        related = {"services": data.get("services", []), "assets": data.get("assets", [])}
        fields = {
            name: data[name]
            for name in actions.problems.PROBLEM_FIELDS
            if name in form.fields and name in data
        }
        if self.object is None:
            return actions.do_create_problem(
                actor=self.request.user,
                organisation=data["organisation"],
                incident_ids=data.get("incidents", []),
                **related,
                **fields,
            )
        return actions.do_update_problem(
            self.object.pk,
            actor=self.request.user,
            expected_version=form.expected_version,
            **related,
            **fields,
        )


class ProblemActionView(ScopedMixin, View):
    """Base of the POST endpoints of a problem page: load it, run, report, go back."""

    model = Problem
    permission_required = "knowledge.view_problem"

    def post(self, request, pk, **kwargs):
        """Run `perform`, show its outcome as a message, and return to the problem."""
        problem = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            self.perform(problem, **kwargs)
        except ActionError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(problem.get_absolute_url())

    def perform(self, problem: Problem, **kwargs) -> None:
        """Call the action."""
        raise NotImplementedError


class ProblemTransitionView(ProblemActionView):
    """Take one simple edge: investigate, record known error, close, cancel."""

    def perform(self, problem, name):
        """Call do_transition_problem."""
        problem = actions.do_transition_problem(
            problem.pk, actor=self.request.user, name=name, expected_version=_version(self.request)
        )
        note = ""
        if name == "record_known_error" and problem.workaround_article_id:
            note = f" Its workaround is published as {problem.workaround_article.reference}."
        messages.success(
            self.request, f"{problem.reference} is {problem.get_status_display().lower()}.{note}"
        )


class ProblemResolveView(ProblemActionView):
    """Resolve the problem and, if asked, its open calls with one note."""

    def perform(self, problem):
        """Call do_resolve_problem and report each call that could not be resolved."""
        form = ResolveProblemForm(self.request.POST)
        if not form.is_valid():
            raise ActionError("Please check the resolution form.")
        data = form.cleaned_data
        result = actions.do_resolve_problem(
            problem.pk,
            actor=self.request.user,
            expected_version=data["version"],
            resolve_incidents=data["resolve_incidents"],
            code=data["code"],
            notes=data["notes"],
        )
        text = f"{result.problem.reference} is resolved."
        if data["resolve_incidents"]:
            text += (
                f" {len(result.resolved)} call{'s' if len(result.resolved) != 1 else ''} resolved."
            )
        messages.success(self.request, text)
        for reference, reason in result.refused:
            messages.warning(self.request, f"{reference} was not resolved: {reason}")


class ProblemLinkIncidentsView(ProblemActionView):
    """Link calls to the problem by reference."""

    def perform(self, problem):
        """Call do_link_incidents and report what was linked, already linked or refused."""
        form = LinkIncidentsForm(self.request.POST)
        if not form.is_valid():
            raise ActionError(" ".join(form.errors.get("references", ["Give call references."])))
        report = actions.do_link_incidents(
            problem.pk, form.cleaned_data["references"], self.request.user
        )
        if report.linked:
            linked = ", ".join(incident.reference for incident in report.linked)
            messages.success(self.request, f"Linked {linked}.")
        if report.already_linked:
            already = ", ".join(incident.reference for incident in report.already_linked)
            messages.info(self.request, f"Already linked: {already}.")
        for reference, reason in report.refused:
            messages.warning(self.request, f"{reference} was not linked: it {reason}.")


class ProblemUnlinkIncidentView(ProblemActionView):
    """Take a call off the problem."""

    def perform(self, problem, incident_pk):
        """Call do_unlink_incident."""
        actions.do_unlink_incident(problem.pk, incident_pk, actor=self.request.user)
        messages.success(self.request, "Call unlinked.")


class CandidateProblemsView(ScopedMixin, TemplateView):
    """Categories, services and assets with at least K calls in N days and no problem yet."""

    model = Problem
    permission_required = "knowledge.add_problem"
    template_name = "knowledge/candidates.html"

    def _number(self, name: str, default: int, low: int, high: int) -> int:
        """A whole number from the query string, kept within [low, high]."""
        try:
            value = int(self.request.GET.get(name, default))
        except (TypeError, ValueError):
            value = default
        return min(max(value, low), high)

    def get_context_data(self, **kwargs):
        """Add the candidates for the chosen K and N."""
        context = super().get_context_data(**kwargs)
        context["min_incidents"] = self._number("min", 3, 1, 1000)
        context["days"] = self._number("days", 14, 1, 365)
        context["candidates"] = queries.candidate_problems(
            self.request.user, min_incidents=context["min_incidents"], days=context["days"]
        )
        context["title"] = "Candidate problems"
        return context
