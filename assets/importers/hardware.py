"""Import of the hardware register, matched on asset tag within the organisation."""

from __future__ import annotations

from assets.importers.base import Column, Importer, ImportRow
from assets.models import Asset, AssetCategory, AssetStatus
from core.models import Site


def _length(name: str) -> int | None:
    return Asset._meta.get_field(name).max_length


class HardwareImporter(Importer):
    """Assets of one organisation; a row equal to the registered asset changes nothing."""

    kind = "hardware"
    title = "Hardware"
    permissions = ("assets.add_asset", "assets.change_asset")
    identity_label = "Asset tag"
    columns = (
        Column("asset_tag", "Asset tag", required=True, max_length=_length("asset_tag")),
        Column("serial", "Serial", max_length=_length("serial")),
        Column("manufacturer", "Manufacturer", max_length=_length("manufacturer")),
        Column("model_name", "Model", max_length=_length("model_name")),
        Column("category", "Category", kind="choice", choices=AssetCategory),
        Column("status", "Status", kind="choice", choices=AssetStatus),
        Column("hostname", "Hostname", aliases=("host name",), max_length=_length("hostname")),
        Column("site", "Site", help="The name of one of the organisation's sites."),
        Column("location", "Location", max_length=_length("location")),
        Column("purchase_date", "Purchase date", kind="date"),
        Column("purchase_cost", "Purchase cost", kind="amount"),
        Column("supplier", "Supplier", max_length=_length("supplier")),
        Column("warranty_end", "Warranty end", kind="date"),
        Column("end_of_support", "End of support", kind="date"),
        Column("os_name", "Operating system", max_length=_length("os_name")),
        Column("os_version", "OS version", max_length=_length("os_version")),
    )

    def prepare(self) -> None:
        """Load the organisation's sites."""
        super().prepare()
        sites = Site.objects.filter(organisation=self.organisation)
        self._sites = {site.name.lower(): site.pk for site in sites}
        self._serials: dict[tuple[str, str], int] = {}

    def check_row(self, row: ImportRow) -> None:
        """The site must be the organisation's; a serial may belong to one asset only."""
        values = row.values
        if "site" in values:
            site = self._sites.get(values["site"].lower())
            if site is None:
                row.errors.append(f"site: no site called {values['site']!r} in this organisation")
            else:
                values["site"] = site
        tag = values["asset_tag"]
        serial_key = (values.get("manufacturer", ""), values.get("serial", ""))
        if serial_key[1]:
            if serial_key in self._serials:
                row.errors.append(f"serial repeats row {self._serials[serial_key]}")
            self._serials.setdefault(serial_key, row.number)
            # Serials are unique per manufacturer across every council, even ones the
            # importer cannot see; the clash is named only when it is the importer's.
            clash = Asset.objects.filter(manufacturer=serial_key[0], serial=serial_key[1])
            clash = clash.exclude(organisation=self.organisation, asset_tag=tag).first()
            if clash is not None:
                visible = Asset.objects.visible_to(self.user).filter(pk=clash.pk).exists()
                name = f"asset {clash}" if visible else "an asset of another organisation"
                row.errors.append(f"serial already belongs to {name}")

    def identity(self, row: ImportRow):
        """The asset tag (unique within the organisation)."""
        return row.values.get("asset_tag") or None

    def describe(self, row: ImportRow) -> str:
        """The asset tag."""
        return row.values.get("asset_tag", "")

    def commit(self, rows: list[ImportRow], *, valid_only: bool) -> dict:
        """Create or update the assets."""
        from assets.actions.imports import do_import_assets

        return do_import_assets(
            actor=self.user, organisation=self.organisation, rows=rows, valid_only=valid_only
        )
