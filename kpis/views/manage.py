"""Managers' records: KPI targets, manual measures and their Excel import."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from assets.importers import ImportFileError, read_table
from core.exceptions import ActionError
from core.views.generic import ObjectEditView, ObjectListView
from kpis.actions import do_import_manual_measures, do_save_kpi_target, do_save_manual_measure
from kpis.filtersets import KpiTargetFilterSet, ManualMeasureFilterSet
from kpis.forms import KpiTargetForm, ManualMeasureForm, MeasureImportForm
from kpis.importers import MeasureRow, validate_measure_rows
from kpis.models import KpiTarget, ManualMeasure
from kpis.tables import KpiTargetTable, ManualMeasureTable
from kpis.views.reports import KpiPageMixin


class KpiTargetListView(ObjectListView):
    """KPI targets of the organisations the manager serves."""

    model = KpiTarget
    table_class = KpiTargetTable
    filterset_class = KpiTargetFilterSet
    permission_required = "kpis.view_kpitarget"
    create_url_name = "kpis:target_create"
    create_permission = "kpis.add_kpitarget"


class KpiTargetEditView(ObjectEditView):
    """Set or change a KPI target through do_save_kpi_target."""

    model = KpiTarget
    form_class = KpiTargetForm
    add_permission = "kpis.add_kpitarget"
    change_permission = "kpis.change_kpitarget"
    success_message = "Target saved."

    def perform(self, form):
        """Save through the action (validated, audited)."""
        return do_save_kpi_target(
            actor=self.request.user,
            target_id=self.object.pk if self.object else None,
            expected_version=form.expected_version,
            **form.changes(),
        )


class ManualMeasureListView(ObjectListView):
    """Monthly figures from outside the desk."""

    model = ManualMeasure
    table_class = ManualMeasureTable
    filterset_class = ManualMeasureFilterSet
    permission_required = "kpis.view_manualmeasure"
    create_url_name = "kpis:measure_create"
    create_permission = "kpis.add_manualmeasure"
    template_name = "kpis/measure_list.html"


class ManualMeasureEditView(ObjectEditView):
    """Enter or correct a monthly figure through do_save_manual_measure."""

    model = ManualMeasure
    form_class = ManualMeasureForm
    add_permission = "kpis.add_manualmeasure"
    change_permission = "kpis.change_manualmeasure"
    success_message = "Figure saved."

    def perform(self, form):
        """Save through the action (validated, audited)."""
        return do_save_manual_measure(
            actor=self.request.user,
            measure_id=self.object.pk if self.object else None,
            expected_version=form.expected_version,
            **form.changes(),
        )


class ManualMeasureImportView(KpiPageMixin, View):
    """Upload → preview with a row-by-row report → import all rows (only if every row is valid)."""

    permission_required = "kpis.add_manualmeasure"
    template_name = "kpis/measure_import.html"
    session_key = "kpis_measure_import"

    def get(self, request):
        """The upload form."""
        return render(
            request,
            self.template_name,
            {"form": MeasureImportForm(), "title": "Import manual measures"},
        )

    def post(self, request):
        """A new upload (preview it) or the confirmation of the previewed file."""
        if "confirm" in request.POST:
            return self._import(request)
        form = MeasureImportForm(request.POST, request.FILES)
        context = {"form": form, "title": "Import manual measures"}
        if not form.is_valid():
            return render(request, self.template_name, context)
        upload = form.cleaned_data["file"]
        try:
            rows = validate_measure_rows(read_table(upload.name, upload.read()), request.user)
        except (ImportFileError, ValueError) as exc:
            form.add_error("file", str(exc))
            return render(request, self.template_name, context)
        request.session[self.session_key] = {
            "name": upload.name,
            "rows": [
                {
                    "number": row.number,
                    "errors": row.errors,
                    "values": {
                        "organisation": getattr(row.values.get("organisation"), "pk", None),
                        "month": row.values["month"].isoformat()
                        if row.values.get("month")
                        else None,
                        "kind": row.values.get("kind"),
                        "value": str(row.values["value"]) if "value" in row.values else None,
                        "note": row.values.get("note", ""),
                    },
                }
                for row in rows
            ],
        }
        context.update(
            rows=rows,
            name=upload.name,
            valid_count=sum(row.valid for row in rows),
            invalid_count=sum(not row.valid for row in rows),
            form=MeasureImportForm(),
        )
        return render(request, self.template_name, context)

    def _import(self, request):
        import datetime as dt
        from decimal import Decimal

        from core.models import Organisation

        pending = request.session.pop(self.session_key, None)
        if not pending:
            messages.error(request, "Upload the file again: the preview has expired.")
            return HttpResponseRedirect(reverse("kpis:measure_import"))
        organisations = Organisation.objects.visible_to(request.user).in_bulk(
            [
                row["values"]["organisation"]
                for row in pending["rows"]
                if row["values"]["organisation"]
            ]
        )
        rows = []
        for data in pending["rows"]:
            values = data["values"]
            row = MeasureRow(data["number"], errors=list(data["errors"]))
            if not row.errors:
                row.values = {
                    "organisation": organisations.get(values["organisation"]),
                    "month": dt.date.fromisoformat(values["month"]),
                    "kind": values["kind"],
                    "value": Decimal(values["value"]),
                    "note": values["note"],
                }
                if row.values["organisation"] is None:
                    row.errors.append("Organisation is not yours.")
            rows.append(row)
        try:
            counts = do_import_manual_measures(actor=request.user, rows=rows)
        except ActionError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("kpis:measure_import"))
        messages.success(
            request,
            f"Imported {pending['name']}: {counts['created']} new, {counts['updated']} corrected, "
            f"{counts['unchanged']} unchanged.",
        )
        return HttpResponseRedirect(reverse("kpis:measure_list"))
