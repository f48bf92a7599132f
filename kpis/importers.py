"""Excel/CSV import of manual measures: parse, validate row by row, preview, then import all.

Columns (header row; case and spaces ignored): Organisation (slug or name), Month (a date in
the month, or 2026-11), Measure (key or label, e.g. "network_logins" or "Unique network
logins"), Value, Note. Nothing is written unless every row is valid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from core.models import Organisation
from core.visibility import visible_to
from kpis.models import ManualMeasureKind

COLUMNS = {
    "organisation": "organisation",
    "month": "month",
    "measure": "kind",
    "value": "value",
    "note": "note",
}
REQUIRED = ("organisation", "month", "kind", "value")
MAX_ROWS = 5000


@dataclass
class MeasureRow:
    """One data row of the file: its row number, cleaned values and what is wrong with it."""

    number: int
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """True when the row can be imported."""
        return not self.errors


def _month(cell) -> dt.date:
    if isinstance(cell, dt.datetime):
        return cell.date().replace(day=1)
    if isinstance(cell, dt.date):
        return cell.replace(day=1)
    text = str(cell).strip()
    for fmt in ("%Y-%m", "%Y-%m-%d", "%d/%m/%Y", "%m/%Y", "%b %Y", "%B %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date().replace(day=1)
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a month (use 2026-11 or a date in the month)")


def validate_measure_rows(table: list[list], user) -> list[MeasureRow]:
    """Check every data row of `table` (first row = header); organisations must be visible."""
    if not table:
        return []
    header = [str(cell or "").strip().lower() for cell in table[0]]
    positions = {COLUMNS[name]: index for index, name in enumerate(header) if name in COLUMNS}
    missing = [name for name in REQUIRED if name not in positions]
    if missing:
        raise ValueError(
            "The header row must name the columns Organisation, Month, Measure and Value "
            f"(missing: {', '.join(missing)})."
        )
    organisations = {}
    for org in visible_to(Organisation.objects.all(), user):
        organisations[org.slug.lower()] = org
        organisations[org.name.lower()] = org
    kinds = {}
    for kind in ManualMeasureKind:
        kinds[kind.value] = kind.value
        kinds[kind.label.lower()] = kind.value
    rows: list[MeasureRow] = []
    seen: dict[tuple, int] = {}
    for number, cells in enumerate(table[1 : MAX_ROWS + 1], start=2):
        if not any(cell not in (None, "") for cell in cells):
            continue
        row = MeasureRow(number)

        def cell(name, cells=cells):
            index = positions.get(name)
            return cells[index] if index is not None and index < len(cells) else None

        org = organisations.get(str(cell("organisation") or "").strip().lower())
        if org is None:
            row.errors.append(f"Organisation {cell('organisation')!r} is unknown or not yours.")
        row.values["organisation"] = org
        try:
            row.values["month"] = _month(cell("month"))
        except ValueError as exc:
            row.errors.append(str(exc))
        kind = kinds.get(str(cell("kind") or "").strip().lower())
        if kind is None:
            row.errors.append(
                f"Measure {cell('kind')!r} is not one of: {', '.join(ManualMeasureKind.values)}."
            )
        row.values["kind"] = kind
        try:
            value = Decimal(str(cell("value")).strip().replace(",", ""))
            if not value.is_finite() or value < 0:
                raise InvalidOperation
            row.values["value"] = value.quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            row.errors.append(f"Value {cell('value')!r} is not a number of zero or more.")
        row.values["note"] = str(cell("note") or "").strip()[:200]
        key = (getattr(org, "pk", None), row.values.get("month"), kind)
        if row.valid and key in seen:
            row.errors.append(f"Same organisation, month and measure as row {seen[key]}.")
        seen.setdefault(key, number)
        rows.append(row)
    return rows
