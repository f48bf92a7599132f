"""Actions on KPI targets and manual measures: validated, audited, scoped to the actor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from core.actions.base import lock_visible, require_permission, save_audited
from core.audit import record_audit
from core.exceptions import ActionForbidden, InvalidInput
from core.models import Organisation
from core.visibility import scope_for, visible_to
from kpis.models import KpiTarget, ManualMeasure

TARGET_FIELDS = (
    "kpi",
    "organisation",
    "period_kind",
    "target",
    "amber_threshold",
    "higher_is_better",
)
MEASURE_FIELDS = ("organisation", "month", "kind", "value", "note")


def _check_organisation(actor, organisation: Organisation | None, what: str) -> None:
    """Managers act for the organisations they serve; only administrators for all of them."""
    if organisation is None:
        if not scope_for(actor).sees_everything:
            raise ActionForbidden(f"Only administrators can set {what} for every organisation.")
        return
    if not visible_to(Organisation.objects.filter(pk=organisation.pk), actor).exists():
        raise ActionForbidden("You do not serve that organisation.")


@transaction.atomic
def do_save_kpi_target(
    *, actor, target_id: int | None = None, expected_version: int | None = None, **fields
) -> KpiTarget:
    """Create or change a KPI target and its red/amber/green thresholds."""
    unknown = set(fields) - set(TARGET_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}.")
    if target_id is None:
        require_permission(actor, "kpis.add_kpitarget", "You may not set KPI targets.")
        target, creating = KpiTarget(), True
    else:
        require_permission(actor, "kpis.change_kpitarget", "You may not change KPI targets.")
        # Default targets (no organisation) are visible, and so editable, by administrators only.
        target = lock_visible(KpiTarget, target_id, actor, expected_version)
        creating = False
    organisation = fields.get("organisation", None if creating else target.organisation)
    _check_organisation(actor, organisation, "targets")
    duplicate = KpiTarget.objects.filter(
        kpi=fields.get("kpi", target.kpi),
        organisation=organisation,
        period_kind=fields.get("period_kind", target.period_kind),
    ).exclude(pk=target.pk)
    if duplicate.exists():
        raise InvalidInput(
            "There is already a target for this KPI, organisation and period.", field="kpi"
        )
    save_audited(
        target,
        actor=actor,
        verb="kpi_target.created" if creating else "kpi_target.changed",
        changes=fields,
        creating=creating,
    )
    return target


@transaction.atomic
def do_delete_kpi_target(target_id: int, *, actor) -> None:
    """Remove a target: the KPI then has no RAG rating for that organisation and period."""
    require_permission(actor, "kpis.delete_kpitarget", "You may not remove KPI targets.")
    target = lock_visible(KpiTarget, target_id, actor)
    record_audit(
        actor=actor,
        verb="kpi_target.deleted",
        obj=target,
        before={"kpi": target.kpi, "target": str(target.target)},
    )
    target.delete()


def _month(value: dt.date) -> dt.date:
    return value.replace(day=1)


@transaction.atomic
def do_save_manual_measure(
    *,
    actor,
    organisation: Organisation,
    month: dt.date,
    kind: str,
    value: Decimal,
    note: str = "",
    measure_id: int | None = None,
    expected_version: int | None = None,
) -> ManualMeasure:
    """Enter or correct one month's figure; a figure already entered for that month is replaced."""
    require_permission(actor, "kpis.add_manualmeasure", "You may not enter manual measures.")
    _check_organisation(actor, organisation, "measures")
    month = _month(month)
    if measure_id is not None:
        measure = lock_visible(ManualMeasure, measure_id, actor, expected_version)
    else:
        measure = (
            ManualMeasure.objects.select_for_update()
            .filter(organisation=organisation, month=month, kind=kind)
            .first()
        )
    creating = measure is None
    if creating:
        measure = ManualMeasure()
    elif not actor.has_perm("kpis.change_manualmeasure"):
        raise ActionForbidden("You may not correct manual measures.")
    clash = ManualMeasure.objects.filter(organisation=organisation, month=month, kind=kind)
    if not creating and clash.exclude(pk=measure.pk).exists():
        raise InvalidInput(
            "That month already has this figure; correct that one instead.", field="month"
        )
    save_audited(
        measure,
        actor=actor,
        verb="manual_measure.entered" if creating else "manual_measure.corrected",
        changes={
            "organisation": organisation,
            "month": month,
            "kind": kind,
            "value": value,
            "note": note,
        },
        creating=creating,
    )
    return measure


@transaction.atomic
def do_import_manual_measures(*, actor, rows: Iterable) -> dict[str, int]:
    """Write every row of a validated import, or nothing: one invalid row refuses the file.

    Rows are kpis.importers.MeasureRow; a figure already entered for the same organisation,
    month and kind is replaced (and audited as corrected), so importing a file twice changes
    nothing the second time.
    """
    require_permission(actor, "kpis.add_manualmeasure", "You may not import manual measures.")
    rows = list(rows)
    invalid = [row for row in rows if not row.valid]
    if invalid:
        numbers = ", ".join(str(row.number) for row in invalid[:10])
        raise InvalidInput(f"Nothing was imported: rows {numbers} have errors.")
    if not rows:
        raise InvalidInput("The file has no rows to import.")
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        values = row.values
        existing = ManualMeasure.objects.filter(
            organisation=values["organisation"], month=values["month"], kind=values["kind"]
        ).first()
        if (
            existing is not None
            and existing.value == values["value"]
            and existing.note == values.get("note", "")
        ):
            counts["unchanged"] += 1
            continue
        do_save_manual_measure(actor=actor, **values)
        counts["updated" if existing else "created"] += 1
    return counts
