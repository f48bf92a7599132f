"""Pages of history imports: the runs, the upload with its dry-run preview, and a run's
page with its live progress bar. Administrators only (the permission no other role holds)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import FormView

from core.exceptions import ActionError
from core.filtersets import BaseFilterSet
from core.tables import BadgeColumn, BaseTable
from core.views.generic import ObjectDetailView, ObjectListView, ScopedMixin
from history.actions import PERMISSION, do_preview_import, do_queue_import, run_group
from history.forms import HistoryUploadForm
from history.models import HistoryImportRun, RunState


class RunTable(BaseTable):
    """History import runs."""

    id = tables.Column(linkify=True, verbose_name="Run")
    state = BadgeColumn(colour_attr="state_colour")

    class Meta(BaseTable.Meta):
        model = HistoryImportRun
        fields = (
            "id",
            "file_name",
            "organisation",
            "state",
            "rows",
            "tickets",
            "created",
            "updated",
            "unchanged",
            "rejected",
            "created_at",
            "started_by",
        )


class RunFilterSet(BaseFilterSet):
    """Filters of the runs list."""

    search_fields = ("file_name",)
    state = django_filters.ChoiceFilter(choices=RunState.choices)

    class Meta:
        model = HistoryImportRun
        fields = ["state", "organisation"]


class RunListView(ObjectListView):
    """Every history import run, newest first."""

    permission_required = PERMISSION
    queryset = HistoryImportRun.objects.select_related("organisation", "started_by")
    table_class = RunTable
    filterset_class = RunFilterSet
    title = "History imports"
    create_url_name = "history:upload"
    create_permission = PERMISSION


class UploadView(ScopedMixin, FormView):
    """Upload an event log and its mapping; the dry run's preview opens on the run's page."""

    permission_required = PERMISSION
    model = HistoryImportRun
    form_class = HistoryUploadForm
    template_name = "history/upload.html"

    def get_form_kwargs(self):
        """The form lists only organisations the administrator may see."""
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        """Dry-run the upload; refusals of the mapping are shown on the form."""
        data = form.cleaned_data
        try:
            run = do_preview_import(
                actor=self.request.user,
                organisation=data["organisation"],
                upload=data["file"],
                mapping_text=data["mapping"],
                accept_rejects=data["accept_rejects"],
            )
        except ActionError as exc:
            field = exc.field if exc.field in form.fields else None
            if exc.field == "mapping":
                field = "mapping_file" if data.get("mapping_file") else "mapping_text"
            form.add_error(field, exc.message)
            return self.form_invalid(form)
        return HttpResponseRedirect(run.get_absolute_url())


class RunDetailView(ObjectDetailView):
    """One run: the preview or outcome, rejected rows, and live progress while it runs."""

    permission_required = PERMISSION
    model = HistoryImportRun
    template_name = "history/run_detail.html"

    def get_context_data(self, **kwargs):
        """Add the socket path of the run's progress and the first rejected rows."""
        context = super().get_context_data(**kwargs)
        context["socket_path"] = f"/ws/history/runs/{self.object.pk}/"
        context["group"] = run_group(self.object.pk)
        context["rejected_rows"] = self.object.rejected_rows[:200]
        context["can_start"] = self.object.state == RunState.PREVIEWED
        return context


class StartRunView(ScopedMixin, View):
    """Queue a previewed run (POST); a Huey worker performs it."""

    permission_required = PERMISSION
    model = HistoryImportRun

    def post(self, request, pk):
        """Queue the run and return to its page, where progress appears live."""
        run = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            do_queue_import(actor=request.user, run_id=run.pk)
        except ActionError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("history:run_detail", args=[run.pk]))
