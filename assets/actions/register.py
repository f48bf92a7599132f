"""Actions on the register: assets and their life cycle, software, licences, contracts."""

from __future__ import annotations

from django.db import transaction

from assets.models import (
    Asset,
    Contract,
    InstallationSource,
    Licence,
    SoftwareInstallation,
    SoftwareProduct,
)
from assets.workflows import FSM_FIELDS
from core.actions.base import lock_visible, require_permission, save_audited
from core.exceptions import ActionForbidden
from core.visibility import visible_to
from core.workflow import run_transition

EDITABLE_ASSET_FIELDS = (
    "asset_tag",
    "serial",
    "manufacturer",
    "model_name",
    "category",
    "hostname",
    "owner",
    "site",
    "location",
    "purchase_date",
    "purchase_cost",
    "supplier",
    "warranty_end",
    "end_of_support",
    "os_name",
    "os_version",
)


def _require_organisation(actor, organisation) -> None:
    """Refuse to write into an organisation the actor may not see."""
    from core.models import Organisation

    if not visible_to(Organisation.objects.filter(pk=organisation.pk), actor).exists():
        raise ActionForbidden("You cannot add records to that organisation.")


@transaction.atomic
def do_create_asset(*, actor, organisation, values: dict, status: str | None = None) -> Asset:
    """Register a new hardware asset."""
    require_permission(actor, "assets.add_asset", "You may not add assets.")
    _require_organisation(actor, organisation)
    asset = Asset(organisation=organisation, **({"status": status} if status else {}))
    fields = {key: value for key, value in values.items() if key in EDITABLE_ASSET_FIELDS}
    save_audited(
        asset,
        actor=actor,
        verb="asset.created",
        changes=fields,
        creating=True,
        exclude_from_validation=FSM_FIELDS,
    )
    return asset


@transaction.atomic
def do_update_asset(*, actor, asset_id: int, values: dict, expected_version=None) -> Asset:
    """Change the fields people own on an asset (refused from a stale page)."""
    require_permission(actor, "assets.change_asset", "You may not change assets.")
    asset = lock_visible(Asset, asset_id, actor, expected_version)
    fields = {key: value for key, value in values.items() if key in EDITABLE_ASSET_FIELDS}
    save_audited(
        asset,
        actor=actor,
        verb="asset.updated",
        changes=fields,
        exclude_from_validation=FSM_FIELDS,
    )
    return asset


@transaction.atomic
def do_move_asset(*, actor, asset_id: int, transition: str, expected_version=None) -> Asset:
    """Move an asset along its life cycle (receive, deploy, repair, retire, dispose)."""
    asset = lock_visible(Asset, asset_id, actor, expected_version)
    run_transition(
        asset,
        transition,
        actor=actor,
        verb=f"asset.{transition}",
        extra_fields=("status_changed_at",),
    )
    return asset


def product_for(vendor: str, name: str) -> SoftwareProduct:
    """The product with this vendor and name, created if new (safe when two runs race)."""
    product = SoftwareProduct.objects.filter(vendor=vendor, name=name).first()
    if product is not None:
        return product
    from django.db import IntegrityError

    try:
        with transaction.atomic():
            return SoftwareProduct.objects.create(vendor=vendor, name=name)
    except IntegrityError:
        return SoftwareProduct.objects.get(vendor=vendor, name=name)


@transaction.atomic
def do_record_installation(*, actor, asset_id: int, vendor: str, name: str, version: str = ""):
    """Record by hand that a product is installed on an asset."""
    require_permission(actor, "assets.add_softwareinstallation", "You may not record software.")
    asset = lock_visible(Asset, asset_id, actor)
    product = product_for(vendor, name)
    installation, created = SoftwareInstallation.objects.get_or_create(
        asset=asset,
        product=product,
        version=version,
        defaults={"source": InstallationSource.MANUAL},
    )
    if created:
        from core.audit import record_audit

        record_audit(
            actor=actor,
            verb="asset.software_added",
            obj=asset,
            after={"software": str(product), "version": version},
        )
    return installation


@transaction.atomic
def do_create_licence(*, actor, organisation, values: dict) -> Licence:
    """Record licences bought for a product."""
    require_permission(actor, "assets.add_licence", "You may not add licences.")
    _require_organisation(actor, organisation)
    licence = Licence(organisation=organisation)
    save_audited(licence, actor=actor, verb="licence.created", changes=values, creating=True)
    return licence


@transaction.atomic
def do_create_contract(*, actor, organisation, values: dict, assets=()) -> Contract:
    """Record a supplier contract and the assets it covers."""
    require_permission(actor, "assets.add_contract", "You may not add contracts.")
    _require_organisation(actor, organisation)
    contract = Contract(organisation=organisation)
    save_audited(
        contract,
        actor=actor,
        verb="contract.created",
        changes=values,
        creating=True,
        many_to_many={"assets": assets} if assets else None,
    )
    return contract


@transaction.atomic
def do_update_contract(
    *, actor, contract_id: int, values: dict, assets=None, expected_version=None
) -> Contract:
    """Change a contract (and the assets it covers)."""
    require_permission(actor, "assets.change_contract", "You may not change contracts.")
    contract = lock_visible(Contract, contract_id, actor, expected_version)
    save_audited(
        contract,
        actor=actor,
        verb="contract.updated",
        changes=values,
        many_to_many={"assets": assets} if assets is not None else None,
    )
    return contract


@transaction.atomic
def do_update_licence(*, actor, licence_id: int, values: dict, expected_version=None) -> Licence:
    """Change a licence (its organisation stays; refused from a stale page)."""
    require_permission(actor, "assets.change_licence", "You may not change licences.")
    licence = lock_visible(Licence, licence_id, actor, expected_version)
    values = {key: value for key, value in values.items() if key != "organisation"}
    save_audited(licence, actor=actor, verb="licence.updated", changes=values)
    return licence


PRODUCT_FIELDS = ("vendor", "name", "match_patterns", "end_of_support")


@transaction.atomic
def do_update_software_product(*, actor, product_id: int, values: dict) -> SoftwareProduct:
    """Change a product's name, end of support or the names it is matched under."""
    require_permission(
        actor, "assets.change_softwareproduct", "You may not change software products."
    )
    product = SoftwareProduct.objects.select_for_update().get(pk=product_id)
    changes = {key: value for key, value in values.items() if key in PRODUCT_FIELDS}
    if "match_patterns" in changes:
        # One pattern per line, blank lines and stray spaces dropped, so the history
        # shows real changes only.
        lines = [line.strip() for line in changes["match_patterns"].splitlines()]
        changes["match_patterns"] = "\n".join(line for line in lines if line)
    save_audited(product, actor=actor, verb="software_product.updated", changes=changes)
    return product
