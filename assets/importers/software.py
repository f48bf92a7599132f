"""Import of software installations, licences and contracts."""

from __future__ import annotations

from assets.importers.base import Column, Importer, ImportFileError, ImportRow, lookup_map
from assets.models import (
    Asset,
    Contract,
    ContractKind,
    Licence,
    LicenceKind,
    SoftwareInstallation,
    SoftwareProduct,
)


def _length(model, name: str) -> int | None:
    return model._meta.get_field(name).max_length


PUBLISHER = Column(
    "vendor",
    "Publisher",
    aliases=("vendor",),
    max_length=_length(SoftwareProduct, "vendor"),
    help="Who publishes the product, e.g. Microsoft.",
)


class InstallationImporter(Importer):
    """Software installed on the organisation's assets; the product is created when new.

    An installation is one product (publisher + name) in one version on one asset, so a
    row already recorded changes nothing. The asset is found by tag, serial or host name.
    """

    kind = "software"
    title = "Software installations"
    permissions = ("assets.add_softwareinstallation", "assets.change_softwareinstallation")
    identity_label = "Installation"
    asset_columns = ("asset_tag", "serial", "hostname")
    columns = (
        Column("asset_tag", "Asset tag", max_length=_length(Asset, "asset_tag")),
        Column("serial", "Serial", max_length=_length(Asset, "serial")),
        Column("hostname", "Hostname", aliases=("host name",), max_length=150),
        PUBLISHER,
        Column(
            "product",
            "Product",
            required=True,
            aliases=("software", "product name"),
            max_length=_length(SoftwareProduct, "name"),
        ),
        Column("version", "Version", max_length=_length(SoftwareInstallation, "version")),
        Column("installed_on", "Installed on", kind="date", aliases=("install date",)),
    )

    def read_header(self, cells: list):
        """As for every import, and at least one column that finds the asset."""
        mapped = super().read_header(cells)
        if not {column.field for column in mapped if column} & set(self.asset_columns):
            raise ImportFileError(
                "Missing column: one of 'Asset tag', 'Serial' or 'Hostname' must name the asset."
            )
        return mapped

    def prepare(self) -> None:
        """Index the organisation's assets by tag, serial and host name."""
        super().prepare()
        assets = Asset.objects.visible_to(self.user).filter(organisation=self.organisation)
        self._assets = {name: lookup_map(assets, name) for name in self.asset_columns}
        self._labels = {}
        self._catalogue = {
            (vendor.lower(), name.lower())
            for vendor, name in SoftwareProduct.objects.values_list("vendor", "name")
        }

    def check_row(self, row: ImportRow) -> None:
        """Exactly one asset of the organisation must match every identifier given."""
        values = row.values
        given = [name for name in self.asset_columns if values.get(name)]
        if not given:
            row.errors.append("asset: give the asset tag, serial or hostname")
            return
        found, errors_before = set(), len(row.errors)
        for name in given:
            text = values.pop(name)
            pks = self._assets[name].get(text.lower(), [])
            label = name.replace("_", " ")
            if not pks:
                row.errors.append(f"{label}: no asset with {label} {text!r} in {self.organisation}")
            elif len(pks) > 1:
                row.errors.append(f"{label}: {text!r} matches {len(pks)} assets; use the tag")
            else:
                found.add(pks[0])
            self._labels[row.number] = self._labels.get(row.number) or text
        if len(row.errors) == errors_before and len(found) > 1:
            row.errors.append("asset: the tag, serial and hostname name different assets")
        if len(row.errors) == errors_before:
            values["asset"] = found.pop()

    def identity(self, row: ImportRow):
        """Asset, product and version."""
        values = row.values
        return (
            values["asset"],
            values.get("vendor", "").lower(),
            values["product"].lower(),
            values.get("version", ""),
        )

    def describe(self, row: ImportRow) -> str:
        """Asset, product and version."""
        values = row.values
        product = " ".join(
            part
            for part in (values.get("vendor"), values.get("product"), values.get("version"))
            if part
        )
        asset = self._labels.get(row.number) or next(
            (values[name] for name in self.asset_columns if values.get(name)), "?"
        )
        # Said in the preview so a misspelt product is caught before it joins the catalogue.
        known = (values.get("vendor", "").lower(), values.get("product", "").lower())
        new = " (new product)" if values.get("product") and known not in self._catalogue else ""
        return f"{product or '?'} on {asset}{new}"

    def commit(self, rows: list[ImportRow], *, valid_only: bool) -> dict:
        """Record the installations."""
        from assets.actions.imports import do_import_installations

        return do_import_installations(
            actor=self.user, organisation=self.organisation, rows=rows, valid_only=valid_only
        )


class _ProductLookup:
    """Catalogue products by publisher and name, case ignored."""

    def __init__(self):
        self.by_pair: dict[tuple[str, str], int] = {}
        self.by_name: dict[str, list[int]] = {}
        for pk, vendor, name in SoftwareProduct.objects.values_list("pk", "vendor", "name"):
            self.by_pair[(vendor.lower(), name.lower())] = pk
            self.by_name.setdefault(name.lower(), []).append(pk)

    def resolve(self, row: ImportRow) -> None:
        """Replace the row's publisher and product names with the product's id."""
        vendor, name = row.values.pop("vendor", ""), row.values["product"]
        if vendor:
            pk = self.by_pair.get((vendor.lower(), name.lower()))
            pks = [pk] if pk else []
        else:
            pks = self.by_name.get(name.lower(), [])
        described = f"{vendor} {name}".strip()
        if not pks:
            row.errors.append(
                f"product: {described!r} is not in the software catalogue (check the "
                "spelling, or import its installations first)"
            )
        elif len(pks) > 1:
            row.errors.append(f"product: {name!r} has several publishers; give the publisher")
        else:
            row.values["product"] = pks[0]


class LicenceImporter(Importer):
    """Licences bought, matched on their reference within the organisation.

    The product must already be in the catalogue: a misspelt product would otherwise
    appear in the compliance report as licensed software nobody has installed.
    """

    kind = "licences"
    title = "Licences"
    permissions = ("assets.add_licence", "assets.change_licence")
    organisation_column = True
    identity_label = "Reference"
    columns = (
        Column(
            "reference",
            "Reference",
            required=True,
            aliases=("licence key", "licence reference", "licence number"),
            max_length=_length(Licence, "reference"),
            help="The licence key or agreement number; it identifies the licence.",
        ),
        PUBLISHER,
        Column("product", "Product", required=True, aliases=("software",), max_length=255),
        Column(
            "kind",
            "Type",
            kind="choice",
            choices=LicenceKind,
            required=True,
            aliases=("licence type", "metric", "kind"),
        ),
        Column(
            "entitlements",
            "Entitlements",
            kind="count",
            required=True,
            aliases=("quantity", "count"),
        ),
        Column("cost", "Cost", kind="amount"),
        Column(
            "contract",
            "Contract",
            aliases=("contract reference",),
            help="The reference of one of the organisation's contracts (import them first).",
        ),
        Column("expires", "Expires", kind="date", aliases=("expiry", "expiry date")),
    )

    def prepare(self) -> None:
        """Load the catalogue, the contracts and the licence references already used."""
        super().prepare()
        self._products = _ProductLookup()
        contracts = Contract.objects.visible_to(self.user)
        self._contracts = {
            (organisation, reference): pk
            for pk, organisation, reference in contracts.values_list(
                "pk", "organisation_id", "reference"
            )
        }
        self._references: dict[tuple[int, str], int] = {}
        licences = Licence.objects.visible_to(self.user).exclude(reference="")
        for organisation, reference in licences.values_list("organisation_id", "reference"):
            key = (organisation, reference)
            self._references[key] = self._references.get(key, 0) + 1

    def check_row(self, row: ImportRow) -> None:
        """Known product and contract; a reference that matches one licence at most."""
        values = row.values
        self._products.resolve(row)
        if "contract" in values:
            pk = self._contracts.get((values["organisation"], values["contract"]))
            if pk is None:
                row.errors.append(
                    f"contract: no contract {values['contract']!r} in that organisation"
                )
            else:
                values["contract"] = pk
        matches = self._references.get((values["organisation"], values["reference"]), 0)
        if matches > 1:
            row.errors.append(
                f"reference: {matches} licences already have this reference; give them "
                "distinct references first"
            )

    def identity(self, row: ImportRow):
        """Organisation and reference."""
        return (row.values["organisation"], row.values["reference"])

    def describe(self, row: ImportRow) -> str:
        """The reference."""
        return row.values.get("reference", "")

    def commit(self, rows: list[ImportRow], *, valid_only: bool) -> dict:
        """Create or update the licences."""
        from assets.actions.imports import do_import_licences

        return do_import_licences(
            actor=self.user, organisation=self.organisation, rows=rows, valid_only=valid_only
        )


class ContractImporter(Importer):
    """Supplier contracts, matched on organisation and reference."""

    kind = "contracts"
    title = "Contracts"
    permissions = ("assets.add_contract", "assets.change_contract")
    organisation_column = True
    identity_label = "Reference"
    columns = (
        Column(
            "reference",
            "Reference",
            required=True,
            aliases=("contract reference",),
            max_length=_length(Contract, "reference"),
        ),
        Column("supplier", "Supplier", required=True, max_length=_length(Contract, "supplier")),
        Column(
            "kind",
            "Type",
            kind="choice",
            choices=ContractKind,
            required=True,
            aliases=("kind", "contract type"),
        ),
        Column("start", "Start", kind="date", required=True, aliases=("start date",)),
        Column("end", "End", kind="date", required=True, aliases=("end date",)),
        Column(
            "notice_days",
            "Renewal notice (days)",
            kind="count",
            aliases=("renewal notice", "notice days", "notice period (days)", "notice period"),
            help="Days before the end by which renewal must be decided (90 when empty "
            "on a new contract).",
        ),
        Column("value", "Value", kind="amount"),
    )

    def check_row(self, row: ImportRow) -> None:
        """A contract cannot end before it starts."""
        if row.values["end"] < row.values["start"]:
            row.errors.append("end: before the start")

    def identity(self, row: ImportRow):
        """Organisation and reference."""
        return (row.values["organisation"], row.values["reference"])

    def describe(self, row: ImportRow) -> str:
        """The reference."""
        return row.values.get("reference", "")

    def commit(self, rows: list[ImportRow], *, valid_only: bool) -> dict:
        """Create or update the contracts."""
        from assets.actions.imports import do_import_contracts

        return do_import_contracts(
            actor=self.user, organisation=self.organisation, rows=rows, valid_only=valid_only
        )
