"""Pages of the register imports: upload → preview with a row-by-row report → decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from assets.forms import ImportForm
from assets.importers.base import Importer, ImportFileError, read_table
from assets.importers.hardware import HardwareImporter
from assets.importers.software import ContractImporter, InstallationImporter, LicenceImporter
from core.exceptions import ActionError
from core.models import Organisation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RegisterImportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """One kind of import; `?template=xlsx` downloads the workbook to fill in."""

    importer_class: type[Importer] = HardwareImporter
    url_name = ""
    done_url_name = ""
    raise_exception = True
    template_name = "assets/import.html"

    def get_permission_required(self):
        """The importer's permissions (adding and changing its records)."""
        return self.importer_class.permissions

    @property
    def session_key(self) -> str:
        """Where the previewed rows wait for the decision (one per kind)."""
        return f"assets_import_{self.importer_class.kind}"

    def importer(self, organisation) -> Importer:
        """The importer for this person and organisation."""
        return self.importer_class(organisation=organisation, user=self.request.user)

    def context(self, **extra) -> dict:
        """What every state of the page shows."""
        sample = self.importer_class(organisation=None, user=self.request.user)
        return {
            "title": f"Import {self.importer_class.title.lower()}",
            "importer": sample,
            "columns": sample.all_columns(),
            "url_name": self.url_name,
            **extra,
        }

    def get(self, request):
        """The upload form, or the template workbook."""
        if request.GET.get("template") == "xlsx":
            sample = self.importer_class(organisation=None, user=request.user)
            response = HttpResponse(sample.template_workbook(), content_type=XLSX)
            filename = f"civicdesk-{self.importer_class.kind}-import.xlsx"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        return render(request, self.template_name, self.context(form=ImportForm(user=request.user)))

    def post(self, request):
        """Either a new upload (show the preview) or the decision on the previewed file."""
        if "decision" in request.POST:
            return self._import(request)
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, self.context(form=form))
        upload = form.cleaned_data["file"]
        organisation = form.cleaned_data["organisation"]
        importer = self.importer(organisation)
        try:
            rows = importer.validate(read_table(upload.name, upload.read()))
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return render(request, self.template_name, self.context(form=form))
        request.session[self.session_key] = {
            "organisation": organisation.pk,
            "name": upload.name,
            "rows": importer.to_session(rows),
        }
        return render(
            request,
            self.template_name,
            self.context(
                form=ImportForm(user=request.user),
                rows=rows,
                name=upload.name,
                valid_count=sum(row.valid for row in rows),
                invalid_count=sum(not row.valid for row in rows),
                organisation=organisation,
            ),
        )

    def _import(self, request):
        pending = request.session.pop(self.session_key, None)
        if not pending:
            messages.error(request, "Upload the file again: the preview has expired.")
            return HttpResponseRedirect(reverse(self.url_name))
        organisation = (
            Organisation.objects.visible_to(request.user).filter(pk=pending["organisation"]).first()
        )
        if organisation is None:
            messages.error(request, "You may no longer import into that organisation.")
            return HttpResponseRedirect(reverse(self.url_name))
        importer = self.importer(organisation)
        try:
            result = importer.commit(
                importer.from_session(pending["rows"]),
                valid_only=request.POST.get("decision") == "valid_only",
            )
        except ActionError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse(self.url_name))
        messages.success(
            request,
            f"Imported {pending['name']}: {result['created']} new, {result['updated']} changed, "
            f"{result['unchanged']} unchanged, {result['skipped']} skipped.",
        )
        return HttpResponseRedirect(reverse(self.done_url_name))


class AssetImportView(RegisterImportView):
    """Import of the hardware register."""

    importer_class = HardwareImporter
    url_name = "assets:import"
    done_url_name = "assets:asset_list"


class InstallationImportView(RegisterImportView):
    """Import of software installed on assets."""

    importer_class = InstallationImporter
    url_name = "assets:software_import"
    done_url_name = "assets:compliance"


class LicenceImportView(RegisterImportView):
    """Import of licences."""

    importer_class = LicenceImporter
    url_name = "assets:licence_import"
    done_url_name = "assets:licence_list"


class ContractImportView(RegisterImportView):
    """Import of contracts."""

    importer_class = ContractImporter
    url_name = "assets:contract_import"
    done_url_name = "assets:contract_list"
