"""Pages of the asset register: declarations on core's generic views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin

from assets import queries
from assets.actions.discovery import (
    do_confirm_discovered_device,
    do_create_discovery_range,
    do_create_snmp_credential,
    do_ignore_discovered_device,
    do_merge_discovered_device,
    do_queue_discovery_run,
    do_update_discovery_range,
    do_update_snmp_credential,
    run_group,
)
from assets.actions.register import (
    do_create_asset,
    do_create_contract,
    do_create_licence,
    do_move_asset,
    do_update_asset,
    do_update_contract,
    do_update_licence,
    do_update_software_product,
)
from assets.filtersets import (
    AssetFilterSet,
    ContractFilterSet,
    DiscoveredDeviceFilterSet,
    DiscoveryRangeFilterSet,
    DiscoveryRunFilterSet,
    LicenceFilterSet,
    SnmpCredentialFilterSet,
)
from assets.forms import (
    AssetForm,
    ContractForm,
    DiscoveryRangeForm,
    LicenceForm,
    SnmpCredentialForm,
    SoftwareProductForm,
)
from assets.models import (
    Asset,
    Contract,
    DiscoveredDevice,
    DiscoveryRange,
    DiscoveryRun,
    Licence,
    SnmpCredential,
    SoftwareProduct,
)
from assets.tables import (
    AssetTable,
    ContractTable,
    DiscoveredDeviceTable,
    DiscoveryRangeTable,
    DiscoveryRunTable,
    LicenceTable,
    SnmpCredentialTable,
)
from core.exceptions import ActionError
from core.models import Site
from core.views.generic import (
    AreaHomeView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedMixin,
)
from core.workflow import transitions_for


class AssetsHomeView(AreaHomeView):
    """The asset register's front page: who you are, the sites, and the register's pages."""

    permission_required = "core.use_assets"
    template_name = "assets/home.html"
    title = "Asset register"
    links = [
        ("Hardware", "assets:asset_list", "assets.view_asset", "Every asset and its state."),
        ("Licences", "assets:licence_list", "assets.view_licence", "Licences bought."),
        ("Compliance", "assets:compliance", "assets.view_licence", "Installed vs licensed."),
        ("Contracts", "assets:contract_list", "assets.view_contract", "Support and leases."),
        ("Alerts", "assets:alerts", "assets.view_asset", "What ends within 90 days."),
        ("Discovery runs", "assets:run_list", "assets.view_discoveryrun", "SNMP sweeps."),
        ("Ranges", "assets:range_list", "assets.view_discoveryrange", "Networks to sweep."),
        ("Staging", "assets:staging_list", "assets.view_discovereddevice", "Found devices."),
        ("Import hardware", "assets:import", "assets.add_asset", "Load hardware from Excel/CSV."),
        (
            "Import software",
            "assets:software_import",
            "assets.add_softwareinstallation",
            "Load installed software from Excel/CSV.",
        ),
        (
            "Import licences",
            "assets:licence_import",
            "assets.add_licence",
            "Load licences from Excel/CSV.",
        ),
        (
            "Import contracts",
            "assets:contract_import",
            "assets.add_contract",
            "Load contracts from Excel/CSV.",
        ),
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


# ---------------------------------------------------------------- hardware


class AssetListView(ObjectListView):
    """The hardware register."""

    permission_required = "assets.view_asset"
    queryset = Asset.objects.select_related("organisation", "site", "owner")
    table_class = AssetTable
    filterset_class = AssetFilterSet
    create_url_name = "assets:asset_create"
    create_permission = "assets.add_asset"


class AssetDetailView(ObjectDetailView):
    """One asset: details, addresses, interfaces, software, contracts, incidents and history."""

    permission_required = "assets.view_asset"
    model = Asset
    template_name = "assets/asset_detail.html"
    edit_url_name = "assets:asset_edit"
    edit_permission = "assets.change_asset"
    incidents_shown = 10

    def get_context_data(self, **kwargs):
        """Add the life-cycle moves the viewer may make now and the newest related calls."""
        context = super().get_context_data(**kwargs)
        context["transitions"] = transitions_for(self.object, self.request.user)
        context["software"] = self.object.software.select_related("product")[:500]
        incidents = queries.incidents_of_asset(self.object, self.request.user)
        context["incident_count"] = incidents.count()
        context["incidents"] = incidents[: self.incidents_shown]
        return context


class AssetIncidentsView(ScopedMixin, SingleTableMixin, TemplateView):
    """Every call about one asset that the viewer may see, newest first."""

    permission_required = "assets.view_asset"
    model = Asset
    template_name = "assets/asset_incidents.html"
    table_pagination = {"per_page": 50}

    def get_table_class(self):
        """The service desk's own call table, without its bulk-selection column."""
        from servicedesk.tables import IncidentTable

        return IncidentTable

    def get_table_kwargs(self):
        """Hide the selection column: nothing is done to calls from here."""
        return {"exclude": ("selection",), "order_by": ("-opened_at",)}

    def get_table_data(self):
        """The asset's calls, through the calls' own visibility."""
        self.object = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        return queries.incidents_of_asset(self.object, self.request.user)

    def get_context_data(self, **kwargs):
        """Add the asset and a title."""
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["title"] = f"Calls about {self.object}"
        return context


class AssetEditView(ObjectEditView):
    """Register or edit an asset."""

    model = Asset
    form_class = AssetForm
    add_permission = "assets.add_asset"
    change_permission = "assets.change_asset"

    def perform(self, form):
        """Create or update through the register's actions."""
        values = form.changes()
        if self.object is None:
            organisation = values.pop("organisation")
            return do_create_asset(
                actor=self.request.user, organisation=organisation, values=values
            )
        values.pop("organisation", None)
        return do_update_asset(
            actor=self.request.user,
            asset_id=self.object.pk,
            values=values,
            expected_version=form.expected_version,
        )


class AssetTransitionView(ScopedMixin, View):
    """Take one life-cycle transition (POST), then return to the asset."""

    permission_required = "assets.view_asset"
    model = Asset

    def post(self, request, pk, name):
        """Run the transition; show a refusal as a message."""
        asset = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            do_move_asset(
                actor=request.user,
                asset_id=asset.pk,
                transition=name,
                expected_version=int(request.POST.get("version") or asset.version),
            )
            messages.success(request, "Done.")
        except ActionError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(asset.get_absolute_url())


# ---------------------------------------------------------------- software, licences, contracts


class LicenceListView(ObjectListView):
    """Licences bought."""

    permission_required = "assets.view_licence"
    queryset = Licence.objects.select_related("product", "organisation", "contract")
    table_class = LicenceTable
    filterset_class = LicenceFilterSet
    create_url_name = "assets:licence_create"
    create_permission = "assets.add_licence"


class LicenceEditView(ObjectEditView):
    """Record or edit a licence."""

    model = Licence
    form_class = LicenceForm
    add_permission = "assets.add_licence"
    change_permission = "assets.change_licence"

    def perform(self, form):
        """Create or update through the actions."""
        values = form.changes()
        organisation = values.pop("organisation", None)
        if self.object is None:
            return do_create_licence(
                actor=self.request.user, organisation=organisation, values=values
            )
        return do_update_licence(
            actor=self.request.user,
            licence_id=self.object.pk,
            values=values,
            expected_version=form.expected_version,
        )


class SoftwareProductEditView(ObjectEditView):
    """Edit a product and the names it is matched under for licence compliance."""

    model = SoftwareProduct
    form_class = SoftwareProductForm
    add_permission = "assets.add_softwareproduct"
    change_permission = "assets.change_softwareproduct"

    def get_queryset(self):
        """Products are a catalogue shared by every organisation: all of them."""
        return SoftwareProduct.objects.all()

    def perform(self, form):
        """Update through the action."""
        return do_update_software_product(
            actor=self.request.user, product_id=self.object.pk, values=form.changes()
        )


class ComplianceView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Installations against entitlements per product."""

    permission_required = "assets.view_licence"
    template_name = "assets/compliance.html"
    raise_exception = True

    def get_context_data(self, **kwargs):
        """Add the compliance rows."""
        context = super().get_context_data(**kwargs)
        context["rows"] = queries.licence_compliance(self.request.user)
        context["title"] = "Licence compliance"
        return context


class ContractListView(ObjectListView):
    """Supplier contracts."""

    permission_required = "assets.view_contract"
    queryset = Contract.objects.select_related("organisation").annotate(
        asset_count=Count("assets", distinct=True)
    )
    table_class = ContractTable
    filterset_class = ContractFilterSet
    create_url_name = "assets:contract_create"
    create_permission = "assets.add_contract"


class ContractDetailView(ObjectDetailView):
    """One contract, the assets and licences it covers, and its history."""

    permission_required = "assets.view_contract"
    model = Contract
    template_name = "assets/contract_detail.html"
    edit_url_name = "assets:contract_edit"
    edit_permission = "assets.change_contract"


class ContractEditView(ObjectEditView):
    """Create or edit a contract."""

    model = Contract
    form_class = ContractForm
    add_permission = "assets.add_contract"
    change_permission = "assets.change_contract"

    def perform(self, form):
        """Create or update through the actions."""
        values = form.changes()
        covered = form.cleaned_data.get("assets") or []
        values.pop("assets", None)
        if self.object is None:
            organisation = values.pop("organisation")
            return do_create_contract(
                actor=self.request.user, organisation=organisation, values=values, assets=covered
            )
        values.pop("organisation", None)
        return do_update_contract(
            actor=self.request.user,
            contract_id=self.object.pk,
            values=values,
            assets=covered,
            expected_version=form.expected_version,
        )


class AlertsView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """What needs attention: endings within 90 days, end of support, over-deployment."""

    permission_required = "assets.view_asset"
    template_name = "assets/alerts.html"
    raise_exception = True

    def get_context_data(self, **kwargs):
        """Add the alerts the viewer may see."""
        context = super().get_context_data(**kwargs)
        context["alerts"] = queries.alerts(self.request.user)
        context["title"] = "Asset alerts"
        return context


# ---------------------------------------------------------------- discovery


class DiscoveryRangeListView(ObjectListView):
    """Networks to sweep, with a button to run each now."""

    permission_required = "assets.view_discoveryrange"
    queryset = DiscoveryRange.objects.select_related("organisation", "site")
    template_name = "assets/range_list.html"
    table_class = DiscoveryRangeTable
    filterset_class = DiscoveryRangeFilterSet
    create_url_name = "assets:range_create"
    create_permission = "assets.add_discoveryrange"


class DiscoveryRangeDetailView(ObjectDetailView):
    """One range: network, settings, schedule and next run, credentials, recent runs."""

    permission_required = "assets.view_discoveryrange"
    model = DiscoveryRange
    template_name = "assets/range_detail.html"
    edit_url_name = "assets:range_edit"
    edit_permission = "assets.change_discoveryrange"

    def get_context_data(self, **kwargs):
        """Add the credentials' names and the latest runs."""
        context = super().get_context_data(**kwargs)
        context["credentials"] = self.object.credentials.order_by("pk")
        context["runs"] = self.object.runs.order_by("-pk")[:10]
        return context


class DiscoveryRangeEditView(ObjectEditView):
    """Define or change a network to sweep and its schedule."""

    model = DiscoveryRange
    form_class = DiscoveryRangeForm
    add_permission = "assets.add_discoveryrange"
    change_permission = "assets.change_discoveryrange"

    def perform(self, form):
        """Create or update through the actions."""
        values = form.changes()
        credentials = form.cleaned_data.get("credentials") or []
        values.pop("credentials", None)
        organisation = values.pop("organisation", None)
        if self.object is None:
            return do_create_discovery_range(
                actor=self.request.user,
                organisation=organisation,
                values=values,
                credentials=credentials,
            )
        return do_update_discovery_range(
            actor=self.request.user,
            range_id=self.object.pk,
            values=values,
            credentials=credentials,
            expected_version=form.expected_version,
        )


class SnmpCredentialListView(ObjectListView):
    """SNMP credentials by name (their secrets never appear)."""

    permission_required = "assets.view_snmpcredential"
    queryset = SnmpCredential.objects.select_related("organisation")
    table_class = SnmpCredentialTable
    filterset_class = SnmpCredentialFilterSet
    create_url_name = "assets:credential_create"
    create_permission = "assets.add_snmpcredential"


class SnmpCredentialEditView(ObjectEditView):
    """Add or change an SNMP credential (its secrets are never shown back)."""

    model = SnmpCredential
    form_class = SnmpCredentialForm
    add_permission = "assets.add_snmpcredential"
    change_permission = "assets.change_snmpcredential"

    def perform(self, form):
        """Create or update through the actions; secrets go straight to encryption."""
        data = form.cleaned_data
        if self.object is not None:
            values = form.changes()
            values.pop("organisation", None)
            return do_update_snmp_credential(
                actor=self.request.user,
                credential_id=self.object.pk,
                values=values,
                expected_version=form.expected_version,
                **form.secrets(),
            )
        return do_create_snmp_credential(
            actor=self.request.user,
            organisation=data["organisation"],
            name=data["name"],
            version=data["snmp_version"],
            community=data["community"],
            v3_user=data["v3_user"],
            auth_protocol=data["auth_protocol"],
            auth_key=data["auth_key"],
            priv_protocol=data["priv_protocol"],
            priv_key=data["priv_key"],
        )


class StartDiscoveryView(ScopedMixin, View):
    """Queue a run of a range (POST); a Huey worker performs it."""

    permission_required = "assets.add_discoveryrun"
    model = DiscoveryRange

    def post(self, request, pk):
        """Queue the run and open its page, where progress appears live."""
        from assets.tasks import run_discovery_task

        discovery_range = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            run = do_queue_discovery_run(actor=request.user, range_id=discovery_range.pk)
        except ActionError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(discovery_range.get_absolute_url())
        from django.db import transaction

        transaction.on_commit(lambda: run_discovery_task(run.pk))
        return HttpResponseRedirect(run.get_absolute_url())


class DiscoveryRunListView(ObjectListView):
    """Discovery runs, newest first."""

    permission_required = "assets.view_discoveryrun"
    queryset = DiscoveryRun.objects.select_related("organisation")
    table_class = DiscoveryRunTable
    filterset_class = DiscoveryRunFilterSet


class DiscoveryRunDetailView(ObjectDetailView):
    """One run: counts, problems, and a live progress bar while it runs."""

    permission_required = "assets.view_discoveryrun"
    model = DiscoveryRun
    template_name = "assets/run_detail.html"

    def get_context_data(self, **kwargs):
        """Add the socket path of the run's progress."""
        context = super().get_context_data(**kwargs)
        context["socket_path"] = f"/ws/assets/runs/{self.object.pk}/"
        context["group"] = run_group(self.object.pk)
        return context


class StagingListView(ObjectListView):
    """Devices discovery found that match no asset, waiting for a decision."""

    permission_required = "assets.view_discovereddevice"
    queryset = DiscoveredDevice.objects.select_related("organisation")
    table_class = DiscoveredDeviceTable
    filterset_class = DiscoveredDeviceFilterSet
    template_name = "assets/staging_list.html"


class StagingDecisionView(ScopedMixin, View):
    """Confirm, merge or ignore a staged device (POST)."""

    permission_required = "assets.view_discovereddevice"
    model = DiscoveredDevice

    def post(self, request, pk):
        """Call the action that matches the button pressed."""
        staged = get_object_or_404(self.get_queryset(), pk=pk)
        decision = request.POST.get("decision")
        try:
            if decision == "confirm":
                asset = do_confirm_discovered_device(actor=request.user, device_id=staged.pk)
                messages.success(request, f"Registered {asset}.")
            elif decision == "merge":
                asset = do_merge_discovered_device(
                    actor=request.user,
                    device_id=staged.pk,
                    asset_id=int(request.POST.get("asset") or 0),
                )
                messages.success(request, f"Merged into {asset}.")
            elif decision == "ignore":
                do_ignore_discovered_device(actor=request.user, device_id=staged.pk)
                messages.success(request, "Ignored.")
            else:
                messages.error(request, "Choose confirm, merge or ignore.")
        except (ActionError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "That asset number is not valid."))
        return HttpResponseRedirect(reverse("assets:staging_list"))
