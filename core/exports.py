"""Excel export of what a person is looking at (the same filters, ordering and columns)."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Characters that make Excel treat a text cell as a formula (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value safe to put in a cell: text that looks like a formula is kept as text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        # Excel has no time zones: show local wall-clock time, as the page does.
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def workbook_response(workbook: Workbook, filename: str) -> HttpResponse:
    """An HTTP response that downloads `workbook` as `filename`.xlsx."""
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    safe_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", filename).strip("-") or "export"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}.xlsx"'
    return response


def rows_to_workbook(title: str, rows) -> Workbook:
    """A one-sheet workbook: the first row is the header (bold, frozen), widths fitted."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Export"
    widths: dict[int, int] = {}
    for row_number, row in enumerate(rows, start=1):
        cells = [safe_cell(value) for value in row]
        sheet.append(cells)
        for column, value in enumerate(cells, start=1):
            widths[column] = max(widths.get(column, 8), min(len(str(value or "")) + 2, 60))
        if row_number == 1:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    return workbook


def table_to_xlsx(table, title: str) -> HttpResponse:
    """Download a django-tables2 table (all its rows, not one page) as an Excel workbook."""
    rows = table.as_values(exclude_columns=getattr(table, "export_exclude", ()))
    return workbook_response(
        rows_to_workbook(title, rows), f"{title}-{timezone.localdate():%Y-%m-%d}"
    )
