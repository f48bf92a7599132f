"""The desk's request pages: every request agents may see, and the teams' fulfilment tasks."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views import View

from core.exceptions import ActionError
from core.views.generic import ObjectDetailView, ObjectListView
from core.workflow import transitions_for
from servicerequests import actions, queries
from servicerequests.filtersets import FulfilmentTaskFilterSet, ServiceRequestFilterSet
from servicerequests.forms import TaskNotesForm
from servicerequests.models import FulfilmentTask, ServiceRequest
from servicerequests.tables import FulfilmentTaskTable, ServiceRequestTable
from servicerequests.views.shared import (
    PermissionPageMixin,
    bootstrap,
    posted_version,
    request_page_context,
    safe_next,
)
from servicerequests.workflows import WORK


class RequestListView(ObjectListView):
    """Every request the agent may see: filter by state, item, organisation, team; export."""

    permission_required = WORK
    model = ServiceRequest
    table_class = ServiceRequestTable
    filterset_class = ServiceRequestFilterSet
    title = "Service requests"
    # "New" opens the catalogue, whose order form lets an agent order for a caller.
    create_url_name = "servicerequests:catalogue"
    create_permission = "servicerequests.log_request_for_others"

    def get_queryset(self):
        """The requests of the organisations the agent's teams serve."""
        return queries.requests_visible_to(self.request.user)


class RequestDetailView(ObjectDetailView):
    """The desk's page of a request: everything the requester sees, the tasks and the history."""

    permission_required = WORK
    model = ServiceRequest
    template_name = "servicerequests/desk_request.html"

    def get_queryset(self):
        """Requests the agent may see (another council's is a 404)."""
        return queries.requests_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        """Add the request's answers, steps, tasks and clocks."""
        context = super().get_context_data(**kwargs)
        context.update(request_page_context(self.object, self.request.user))
        context["title"] = str(self.object)
        return context


class TaskListView(ObjectListView):
    """Fulfilment tasks: by default the open tasks of my teams; `all/` for every visible one."""

    permission_required = "servicerequests.view_fulfilmenttask"
    model = FulfilmentTask
    table_class = FulfilmentTaskTable
    filterset_class = FulfilmentTaskFilterSet
    mine = True

    def get_queryset(self):
        """My teams' open tasks, or every task the person may see."""
        user = self.request.user
        return queries.my_open_tasks(user) if self.mine else queries.tasks_visible_to(user)

    def get_title(self) -> str:
        """Says which of the two lists this is."""
        return "My teams' fulfilment tasks" if self.mine else "Fulfilment tasks"


# name -> (success message, call of the action)
TASK_ACTIONS = {
    "start": (
        "Task started: it is yours.",
        lambda pk, user, version, notes: actions.do_start_task(
            pk, actor=user, expected_version=version
        ),
    ),
    "complete": (
        "Task marked done.",
        lambda pk, user, version, notes: actions.do_complete_task(
            pk, actor=user, notes=notes, expected_version=version
        ),
    ),
    "cancel": (
        "Task cancelled.",
        lambda pk, user, version, notes: actions.do_cancel_task(
            pk, actor=user, notes=notes, expected_version=version
        ),
    ),
}


class TaskDetailView(ObjectDetailView):
    """One fulfilment task: its request, what to do, and Start / Mark done / Cancel."""

    permission_required = "servicerequests.view_fulfilmenttask"
    model = FulfilmentTask
    template_name = "servicerequests/task_detail.html"

    def get_queryset(self):
        """Tasks the person may see (another council's is a 404)."""
        return queries.tasks_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        """Add the edges the person may take now and the request's other tasks."""
        context = super().get_context_data(**kwargs)
        task = self.object
        context["title"] = str(task)
        context["edges"] = [
            edge for edge in transitions_for(task, self.request.user) if edge.name in TASK_ACTIONS
        ]
        context["notes_form"] = bootstrap(TaskNotesForm(initial={"version": task.version}))
        context["siblings"] = task.request.tasks.select_related("team", "assignee")
        return context


class TaskActionView(PermissionPageMixin, View):
    """POST /desk/requests/tasks/<pk>/<name>/: start, complete or cancel a task."""

    permission_required = "servicerequests.view_fulfilmenttask"
    http_method_names = ["post"]

    def post(self, request, pk, name):
        """Call the action; its refusal becomes a message on the task's page."""
        task = get_object_or_404(queries.tasks_visible_to(request.user), pk=pk)
        if name not in TASK_ACTIONS:
            return HttpResponseRedirect(task.get_absolute_url())
        form = TaskNotesForm(request.POST)
        notes = form.cleaned_data["notes"] if form.is_valid() else ""
        message, run = TASK_ACTIONS[name]
        try:
            run(task.pk, request.user, posted_version(request), notes)
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, message)
        return HttpResponseRedirect(safe_next(request, task.get_absolute_url()))
