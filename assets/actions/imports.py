"""Import actions: write a validated register file, all or nothing (or the valid rows only).

Every kind goes through `_import_rows`, which checks the permissions and organisations,
refuses a file with invalid rows unless the person chose the valid rows only, and counts
what each row did. A row equal to what is registered writes nothing and no audit event,
so importing the same file twice is harmless. Each action is one transaction: a row that
fails while writing undoes the rows before it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from assets.actions.register import EDITABLE_ASSET_FIELDS, _require_organisation
from assets.models import (
    Asset,
    Contract,
    InstallationSource,
    Licence,
    SoftwareInstallation,
    SoftwareProduct,
)
from assets.workflows import FSM_FIELDS
from core.actions.base import require_permission, save_audited
from core.audit import record_audit
from core.exceptions import ActionError, InvalidInput
from core.models import Organisation

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def _import_rows(
    *, actor, permissions, organisation, rows, valid_only: bool, write: Callable
) -> dict:
    """Refuse or write the rows with `write(row)` (which says created/updated/unchanged)."""
    for permission in permissions:
        require_permission(actor, permission, "You may not import these records.")
    _require_organisation(actor, organisation)
    invalid = [row for row in rows if row.errors]
    if invalid and not valid_only:
        raise ActionError(
            f"{len(invalid)} row(s) have errors; nothing was imported. Fix them, or import "
            "the valid rows only."
        )
    counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0, "skipped": len(invalid)}
    for row in rows:
        if row.errors:
            continue
        try:
            counts[write(row)] += 1
        except InvalidInput as exc:
            raise ActionError(f"Row {row.number}: {exc.message} Nothing was imported.") from exc
    return counts


def _row_organisation(actor, row, cache: dict) -> Organisation:
    """The organisation a row names, refused when the actor may not see it."""
    pk = row.values["organisation"]
    if pk not in cache:
        organisation = Organisation.objects.visible_to(actor).filter(pk=pk).first()
        if organisation is None:
            raise ActionError(
                f"Row {row.number}: that organisation is not one you may import into. "
                "Nothing was imported."
            )
        cache[pk] = organisation
    return cache[pk]


@transaction.atomic
def do_import_assets(*, actor, organisation, rows, valid_only: bool = False) -> dict:
    """Create or update assets from validated rows, matched on asset tag."""

    def write(row) -> str:
        values = dict(row.values)
        status = values.pop("status", None)
        if "site" in values:
            values["site_id"] = values.pop("site")
        fields = {k: v for k, v in values.items() if k in (*EDITABLE_ASSET_FIELDS, "site_id")}
        asset = (
            Asset.objects.select_for_update()
            .filter(organisation=organisation, asset_tag=values["asset_tag"])
            .first()
        )
        if asset is None:
            asset = Asset(organisation=organisation, **({"status": status} if status else {}))
            save_audited(
                asset,
                actor=actor,
                verb="asset.imported",
                changes=fields,
                creating=True,
                exclude_from_validation=FSM_FIELDS,
            )
            return CREATED
        _, new = save_audited(
            asset,
            actor=actor,
            verb="asset.imported",
            changes=fields,
            exclude_from_validation=FSM_FIELDS,
        )
        return UPDATED if new else UNCHANGED

    return _import_rows(
        actor=actor,
        permissions=("assets.add_asset", "assets.change_asset"),
        organisation=organisation,
        rows=rows,
        valid_only=valid_only,
        write=write,
    )


def _product(actor, vendor: str, name: str) -> SoftwareProduct:
    """The catalogue product of this publisher and name (case ignored), created if new."""
    product = SoftwareProduct.objects.filter(vendor__iexact=vendor, name__iexact=name).first()
    if product is None:
        product = SoftwareProduct()
        save_audited(
            product,
            actor=actor,
            verb="software_product.imported",
            changes={"vendor": vendor, "name": name},
            creating=True,
        )
    return product


@transaction.atomic
def do_import_installations(*, actor, organisation, rows, valid_only: bool = False) -> dict:
    """Record software installed on assets, one installation per asset, product and version.

    Products new to the catalogue are created. Each installation added, or whose
    installation date changes, is recorded in the asset's history.
    """

    # Looked up once for the file rather than once per row (a big file has thousands of
    # rows but few distinct assets and products), at the first write: after the
    # permission checks.
    assets: dict[int, Asset] | None = None
    products: dict[tuple[str, str], SoftwareProduct] = {}

    def load_assets() -> dict[int, Asset]:
        wanted = sorted({row.values["asset"] for row in rows if not row.errors})
        found = {}
        for start in range(0, len(wanted), 500):
            chunk = Asset.objects.visible_to(actor).filter(
                organisation=organisation, pk__in=wanted[start : start + 500]
            )
            found.update((asset.pk, asset) for asset in chunk)
        return found

    def write(row) -> str:
        nonlocal assets
        if assets is None:
            assets = load_assets()
        values = row.values
        asset = assets.get(values["asset"])
        if asset is None:
            raise ActionError(
                f"Row {row.number}: that asset no longer exists or is not yours to see. "
                "Nothing was imported."
            )
        key = (values.get("vendor", "").lower(), values["product"].lower())
        if key not in products:
            products[key] = _product(actor, values.get("vendor", ""), values["product"])
        product = products[key]
        version = values.get("version", "")
        installation = SoftwareInstallation.objects.filter(
            asset=asset, product=product, version=version
        ).first()
        if installation is None:
            installation = SoftwareInstallation(
                asset=asset,
                product=product,
                version=version,
                installed_on=values.get("installed_on"),
                source=InstallationSource.MANUAL,
            )
            _save_checked(installation)
            record_audit(
                actor=actor,
                verb="asset.software_imported",
                obj=asset,
                after={
                    "software": str(product),
                    "version": version,
                    "installed_on": _iso(installation.installed_on),
                },
            )
            return CREATED
        installed_on = values.get("installed_on")
        if installed_on is None or installed_on == installation.installed_on:
            return UNCHANGED
        before = _iso(installation.installed_on)
        installation.installed_on = installed_on
        installation.save(update_fields=["installed_on", "updated_at"])
        record_audit(
            actor=actor,
            verb="asset.software_imported",
            obj=asset,
            before={"software": str(product), "version": version, "installed_on": before},
            after={
                "software": str(product),
                "version": version,
                "installed_on": _iso(installed_on),
            },
        )
        return UPDATED

    return _import_rows(
        actor=actor,
        permissions=("assets.add_softwareinstallation", "assets.change_softwareinstallation"),
        organisation=organisation,
        rows=rows,
        valid_only=valid_only,
        write=write,
    )


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _save_checked(obj) -> None:
    """Validate then save a new record, turning validation errors into InvalidInput."""
    from django.core.exceptions import ValidationError

    from core.actions.base import validation_message

    try:
        obj.full_clean()
    except ValidationError as exc:
        raise InvalidInput(validation_message(exc)) from exc
    obj.save()


LICENCE_FIELDS = ("product", "kind", "entitlements", "cost", "contract", "expires")


@transaction.atomic
def do_import_licences(*, actor, organisation, rows, valid_only: bool = False) -> dict:
    """Create or update licences, matched on their reference within the organisation."""
    organisations: dict[int, Organisation] = {}

    def write(row) -> str:
        values = row.values
        row_organisation = _row_organisation(actor, row, organisations)
        changes = {name: values[name] for name in LICENCE_FIELDS if name in values}
        # Records, not ids, so the history reads "Microsoft Visio", not "product_id: 7".
        changes["product"] = SoftwareProduct.objects.get(pk=values["product"])
        if "contract" in values:
            changes["contract"] = Contract.objects.filter(
                pk=values["contract"], organisation=row_organisation
            ).first()
            if changes["contract"] is None:
                raise ActionError(
                    f"Row {row.number}: that contract no longer exists. Nothing was imported."
                )
        matches = list(
            Licence.objects.select_for_update()
            .filter(organisation=row_organisation, reference=values["reference"])
            .order_by("pk")[:2]
        )
        if len(matches) > 1:
            raise ActionError(
                f"Row {row.number}: reference {values['reference']!r} now matches more than "
                "one licence. Nothing was imported."
            )
        if not matches:
            licence = Licence(organisation=row_organisation, reference=values["reference"])
            save_audited(
                licence, actor=actor, verb="licence.imported", changes=changes, creating=True
            )
            return CREATED
        _, new = save_audited(matches[0], actor=actor, verb="licence.imported", changes=changes)
        return UPDATED if new else UNCHANGED

    return _import_rows(
        actor=actor,
        permissions=("assets.add_licence", "assets.change_licence"),
        organisation=organisation,
        rows=rows,
        valid_only=valid_only,
        write=write,
    )


CONTRACT_FIELDS = ("supplier", "kind", "start", "end", "notice_days", "value")


@transaction.atomic
def do_import_contracts(*, actor, organisation, rows, valid_only: bool = False) -> dict:
    """Create or update contracts, matched on organisation and reference."""
    organisations: dict[int, Organisation] = {}

    def write(row) -> str:
        values = row.values
        row_organisation = _row_organisation(actor, row, organisations)
        changes = {name: values[name] for name in CONTRACT_FIELDS if name in values}
        contract = (
            Contract.objects.select_for_update()
            .filter(organisation=row_organisation, reference=values["reference"])
            .first()
        )
        if contract is None:
            contract = Contract(organisation=row_organisation, reference=values["reference"])
            save_audited(
                contract, actor=actor, verb="contract.imported", changes=changes, creating=True
            )
            return CREATED
        _, new = save_audited(contract, actor=actor, verb="contract.imported", changes=changes)
        return UPDATED if new else UNCHANGED

    return _import_rows(
        actor=actor,
        permissions=("assets.add_contract", "assets.change_contract"),
        organisation=organisation,
        rows=rows,
        valid_only=valid_only,
        write=write,
    )
