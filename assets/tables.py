"""django-tables2 tables of the asset register, one per model."""

import django_tables2 as tables

from assets.models import (
    Asset,
    Contract,
    DiscoveredDevice,
    DiscoveryRange,
    DiscoveryRun,
    Licence,
    SnmpCredential,
)
from core.tables import BadgeColumn, BaseTable


class AssetTable(BaseTable):
    """Hardware assets."""

    asset_tag = tables.Column(linkify=True, verbose_name="Tag")
    hostname = tables.Column(linkify=True)
    status = BadgeColumn(colour_attr="status_colour")

    class Meta(BaseTable.Meta):
        model = Asset
        fields = (
            "asset_tag",
            "hostname",
            "category",
            "status",
            "manufacturer",
            "model_name",
            "serial",
            "organisation",
            "site",
            "owner",
            "os_name",
            "os_version",
            "warranty_end",
            "end_of_support",
            "last_seen",
        )
        default_columns = fields


class LicenceTable(BaseTable):
    """Licences bought, each with a link to edit it."""

    product = tables.Column(linkify=False)
    contract = tables.Column(linkify=True)
    edit = tables.LinkColumn(
        "assets:licence_edit", args=[tables.A("pk")], text="Edit", orderable=False, verbose_name=""
    )
    export_exclude = ("edit",)

    class Meta(BaseTable.Meta):
        model = Licence
        fields = (
            "product",
            "organisation",
            "reference",
            "kind",
            "entitlements",
            "cost",
            "contract",
            "expires",
        )


class ContractTable(BaseTable):
    """Supplier contracts."""

    reference = tables.Column(linkify=True)
    covered = tables.Column(verbose_name="Assets", accessor="asset_count", orderable=True)

    class Meta(BaseTable.Meta):
        model = Contract
        fields = (
            "reference",
            "supplier",
            "kind",
            "organisation",
            "start",
            "end",
            "notice_days",
            "value",
            "covered",
        )


class DiscoveryRunTable(BaseTable):
    """Discovery runs with their counts."""

    id = tables.Column(linkify=True, verbose_name="Run")

    class Meta(BaseTable.Meta):
        model = DiscoveryRun
        fields = (
            "id",
            "cidr",
            "organisation",
            "status",
            "created_at",
            "probed",
            "answered",
            "new",
            "changed",
            "unchanged",
            "failed",
            "malformed",
            "duration",
        )


class DiscoveredDeviceTable(BaseTable):
    """Devices waiting in the staging area."""

    decide = tables.TemplateColumn(
        template_name="assets/_staging_actions.html", orderable=False, verbose_name=""
    )
    export_exclude = ("decide",)

    class Meta(BaseTable.Meta):
        model = DiscoveredDevice
        fields = (
            "address",
            "sys_name",
            "vendor",
            "model_name",
            "serial",
            "organisation",
            "status",
            "last_seen",
        )


class DiscoveryRangeTable(BaseTable):
    """Networks to sweep, each with a button to run it now."""

    name = tables.Column(linkify=True)

    run = tables.TemplateColumn(
        template_name="assets/_range_run.html", orderable=False, verbose_name=""
    )
    export_exclude = ("run",)

    class Meta(BaseTable.Meta):
        model = DiscoveryRange
        fields = (
            "name",
            "cidr",
            "organisation",
            "site",
            "timeout",
            "retries",
            "concurrency",
            "frequency",
            "next_run_at",
            "auto_register",
        )


class SnmpCredentialTable(BaseTable):
    """SNMP credentials: names and protocols only, never a secret."""

    name = tables.LinkColumn("assets:credential_edit", args=[tables.A("pk")])

    class Meta(BaseTable.Meta):
        model = SnmpCredential
        fields = (
            "name",
            "organisation",
            "snmp_version",
            "v3_user",
            "auth_protocol",
            "priv_protocol",
        )
