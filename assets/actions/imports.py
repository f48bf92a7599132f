"""The import action: writes a validated register file, all or nothing (or valid rows only)."""

from __future__ import annotations

from django.db import transaction

from assets.actions.register import EDITABLE_ASSET_FIELDS
from assets.models import Asset
from assets.workflows import FSM_FIELDS
from core.actions.base import require_permission, save_audited
from core.exceptions import ActionError, InvalidInput


@transaction.atomic
def do_import_assets(*, actor, organisation, rows, valid_only: bool = False) -> dict:
    """Create or update assets from validated rows, matched on asset tag.

    Refuses the whole file when any row is invalid, unless `valid_only`. A row equal to the
    asset already registered writes nothing, so importing the same file twice is harmless.
    """
    require_permission(actor, "assets.add_asset", "You may not import assets.")
    require_permission(actor, "assets.change_asset", "You may not import assets.")
    invalid = [row for row in rows if row.errors]
    if invalid and not valid_only:
        raise ActionError(
            f"{len(invalid)} row(s) have errors; nothing was imported. Fix them, or import "
            "the valid rows only."
        )
    counts = {"created": 0, "updated": 0, "unchanged": 0, "skipped": len(invalid)}
    for row in rows:
        if row.errors:
            continue
        values = dict(row.values)
        status = values.pop("status", None)
        if "site" in values:
            values["site_id"] = values.pop("site")
        tag = values["asset_tag"]
        fields = {k: v for k, v in values.items() if k in (*EDITABLE_ASSET_FIELDS, "site_id")}
        asset = (
            Asset.objects.select_for_update()
            .filter(organisation=organisation, asset_tag=tag)
            .first()
        )
        try:
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
                counts["created"] += 1
                continue
            _, new = save_audited(
                asset,
                actor=actor,
                verb="asset.imported",
                changes=fields,
                exclude_from_validation=FSM_FIELDS,
            )
        except InvalidInput as exc:
            raise ActionError(f"Row {row.number}: {exc.message} Nothing was imported.") from exc
        counts["updated" if new else "unchanged"] += 1
    return counts
