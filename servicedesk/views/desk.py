"""The agents' desk: queues, the call page, quick phone logging and bulk actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404
from django.views import View

from core.exceptions import ActionError
from core.views.generic import AreaHomeView, ObjectDetailView, ObjectEditView, ObjectListView
from servicedesk import actions, queries
from servicedesk.filtersets import IncidentFilterSet
from servicedesk.forms import (
    BulkForm,
    CommentForm,
    LinkAssetsForm,
    PhoneLogForm,
    ReprioritiseForm,
)
from servicedesk.models import Incident
from servicedesk.tables import IncidentTable
from servicedesk.views.major import major_incident_context
from servicedesk.views.shared import IncidentPageMixin, _back, _form_error

CATALOGUE_LINKS = [
    (
        "Services",
        "servicedesk:service_list",
        "servicedesk.change_service",
        "The catalogue: owner teams, hours and availability targets.",
    ),
    (
        "Service standards",
        "servicedesk:standard_list",
        "servicedesk.change_servicestandard",
        "Response and resolution targets per priority and audience.",
    ),
    (
        "Categories",
        "servicedesk:category_list",
        "servicedesk.change_category",
        "The category tree callers and agents classify calls with.",
    ),
    (
        "Priority matrix",
        "servicedesk:priority_matrix",
        "servicedesk.change_priorityrule",
        "Which priority each impact and urgency gives.",
    ),
]


class DeskHomeView(AreaHomeView):
    """The agents' desk: their teams, the organisations they serve, and their queues."""

    permission_required = "core.use_desk"
    template_name = "servicedesk/desk_home.html"
    title = "Service desk"
    # The queues are listed above the links, with their sizes (queue_counts).
    links = [
        (
            "Log a phone call",
            "servicedesk:phone_log",
            "servicedesk.log_incident_for_others",
            "Log a call for a caller, and resolve it there and then if you can.",
        ),
        (
            "Service requests",
            "servicerequests:request_list",
            "servicerequests.work_servicerequest",
            "Every request of your organisations, by state, item and team.",
        ),
        (
            "Fulfilment tasks",
            "servicerequests:task_list",
            "servicerequests.view_fulfilmenttask",
            "The open request tasks of your teams.",
        ),
        *CATALOGUE_LINKS,
        (
            "Request catalogue",
            "servicerequests:request_item_list",
            "servicerequests.change_requestitem",
            "What people can request: forms, costs, approvals and fulfilment plans.",
        ),
        (
            "Approval policies",
            "servicerequests:approval_policy_list",
            "servicerequests.manage_approvals",
            "ICT managers, the ICT executive board and its threshold; line managers.",
        ),
        ("Teams", "core:team_list", "core.view_team", "Assignment groups and who is in them."),
        (
            "People",
            "core:person_list",
            "core.view_user",
            "Callers and colleagues in your organisations.",
        ),
        ("Audit log", "core:audit_list", "core.view_auditevent", "Who changed what, and when."),
        (
            "My profile",
            "core:profile",
            None,
            "Your organisation, department, site, teams and roles.",
        ),
        ("Notifications", "core:notifications", None, "Everything the desk has told you."),
    ]

    def get_context_data(self, **kwargs):
        """Add the size of each queue (one count query per queue)."""
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.has_perm("servicedesk.work_incident"):
            context["queue_counts"] = [
                (label, f"servicedesk:queue_{name}", queries.queue(name, user).count())
                for name, label in queries.QUEUES.items()
            ]
        return context


class IncidentQueueView(ObjectListView):
    """One of the desk's queues: filtered, sorted, paginated, exportable, live."""

    permission_required = "servicedesk.work_incident"
    model = Incident
    table_class = IncidentTable
    filterset_class = IncidentFilterSet
    template_name = "servicedesk/incident_queue.html"
    queue_name = "teams"

    def get_queryset(self):
        """The queue's calls (already limited to what the user may see)."""
        return queries.queue(self.queue_name, self.request.user)

    def get_title(self) -> str:
        """The queue's name."""
        return queries.QUEUES[self.queue_name]

    def get_context_data(self, **kwargs):
        """Add the bulk form, the other queues and the sockets of the user's teams."""
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["bulk_form"] = BulkForm(user=user)
        context["queues"] = [
            (f"servicedesk:queue_{n}", label) for n, label in queries.QUEUES.items()
        ]
        context["queue_name"] = self.queue_name
        team_ids = user.teams.filter(is_active=True).values_list("pk", flat=True)
        context["live_sockets"] = " ".join(f"/ws/servicedesk/teams/{pk}/" for pk in team_ids)
        return context


class IncidentDetailView(IncidentPageMixin, ObjectDetailView):
    """The agent's call page: edges available now, clocks, comments, history."""

    permission_required = "servicedesk.work_incident"
    model = Incident
    template_name = "servicedesk/incident_detail.html"
    queryset = Incident.objects.select_related(
        "caller__organisation", "logged_by", "team", "assignee", "service", "category__parent"
    )

    def get_context_data(self, **kwargs):
        """Add the forms the edges and the page need."""
        context = super().get_context_data(**kwargs)
        user, incident = self.request.user, self.object
        context["comment_form"] = CommentForm(user=user)
        context["reprioritise_form"] = ReprioritiseForm(
            user=user,
            initial={
                "impact": incident.impact,
                "urgency": incident.urgency,
                "service": incident.service_id,
            },
        )
        context["may_reprioritise"] = incident.is_open and user.has_perm(
            "servicedesk.reprioritise_incident"
        )
        context.update(major_incident_context(incident, user))
        context["linked_assets"] = incident.assets.all()
        if incident.is_open and user.has_perm("servicedesk.work_incident"):
            context["link_assets_form"] = LinkAssetsForm(
                user=user,
                initial={"assets": " ".join(str(asset) for asset in context["linked_assets"])},
            )
        return context


class PhoneLogView(ObjectEditView):
    """Quick phone logging: find the caller, log, and resolve at first contact in one step."""

    model = Incident
    form_class = PhoneLogForm
    template_name = "servicedesk/incident_form.html"
    add_permission = "servicedesk.log_incident_for_others"
    success_message = "Call logged."

    def perform(self, form):
        """Log through the action, resolving it at once if the agent fixed it."""
        data = form.cleaned_data
        return actions.do_log_incident(
            actor=self.request.user,
            caller=data["caller"],
            service=data["service"],
            category=data["category"],
            short_description=data["short_description"],
            description=data["description"],
            impact=data["impact"],
            urgency=data["urgency"],
            channel=data["channel"],
            attachments=data["attachments"],
            resolve_now=data["resolve_now"],
            resolution_code=data["resolution_code"],
            resolution_notes=data["resolution_notes"],
            assets=data["assets"],
        )

    def get_context_data(self, **kwargs):
        """Title it."""
        context = super().get_context_data(**kwargs)
        context["title"] = "Log a phone call"
        return context


class BulkIncidentView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Assign or resolve the selected calls, each through its ordinary action."""

    permission_required = "servicedesk.work_incident"
    http_method_names = ["post"]

    def post(self, request):
        """Run the action per call; report what was done and what was refused, and why."""
        form = BulkForm(request.POST, user=request.user)
        ids = [int(pk) for pk in request.POST.getlist("pk") if pk.isdigit()]
        if not form.is_valid():
            messages.error(request, _form_error(form))
            return _back(request)
        if not ids:
            messages.error(request, "Select at least one call.")
            return _back(request)
        data = form.cleaned_data
        if data["operation"] == "assign":
            if data["team"] is None:
                messages.error(request, "Choose the team to assign the calls to.")
                return _back(request)
            done, refused = actions.do_bulk_assign_incidents(
                ids, actor=request.user, team=data["team"]
            )
        elif data["operation"] == "resolve":
            done, refused = actions.do_bulk_resolve_incidents(
                ids, actor=request.user, code=data["code"], notes=data["notes"]
            )
        elif data["operation"] == "problem":
            return _link_to_problem(request, ids, data["problem"])
        else:  # pragma: no cover - the form's choices prevent it
            raise Http404
        if done:
            messages.success(request, f"{len(done)} call{'s' if len(done) != 1 else ''} updated.")
        for pk, message in refused:
            messages.error(request, f"INC{pk:07d}: {message}")
        return _back(request)


def _link_to_problem(request, incident_ids: list[int], reference: str):
    """Link the selected calls to the problem named by `reference`, reporting each refusal."""
    # Problem management builds on the desk, not the other way round: import it when used.
    from knowledge.actions import do_link_incidents
    from knowledge.models.problems import parse_problem_reference

    problem_id = parse_problem_reference(reference or "")
    if problem_id is None:
        messages.error(request, "Give the problem's reference, such as PRB0001234.")
        return _back(request)
    try:
        report = do_link_incidents(problem_id, incident_ids, request.user)
    except ActionError as error:
        messages.error(request, str(error))
        return _back(request)
    if report.linked:
        count = len(report.linked)
        messages.success(request, f"{count} call{'s' if count != 1 else ''} linked to the problem.")
    if report.already_linked:
        messages.info(request, f"{len(report.already_linked)} already linked.")
    for reference_, why in report.refused:
        messages.error(request, f"{reference_}: {why}")
    return _back(request)
