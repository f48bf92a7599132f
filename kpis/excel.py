"""The weekly report and the monthly pack as Excel workbooks (openpyxl, native Excel charts).

A summary sheet with each KPI's value, target and RAG-coloured cells; one sheet per KPI with
its trend (and a line chart of it) and its breakdowns (with a bar chart of the first); and a
definitions sheet with the same definition text the code's docstrings hold.
"""

from __future__ import annotations

import datetime as dt
import re

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.exports import safe_cell
from core.models import Organisation
from kpis.metrics import KPIS, Measure
from kpis.models import Rag
from kpis.reports import Report, ReportLine

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def fill_for(rag: Rag) -> PatternFill:
    """The solid fill of a RAG rating."""
    return PatternFill("solid", fgColor=rag.fill)


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, no []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", " ", text)[:31].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _cell_value(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dt.datetime | dt.date):
        return safe_cell(value)
    return safe_cell(value)


def _header(sheet, row: int, labels: list[str]) -> None:
    for column, label in enumerate(labels, start=1):
        cell = sheet.cell(row=row, column=column, value=label)
        cell.font, cell.fill = BOLD, HEADER_FILL


def _scope_text(report: Report) -> str:
    if report.cut.organisation:
        org = Organisation.objects.filter(pk=report.cut.organisation).first()
        return str(org) if org else "—"
    return "All organisations you serve"


def _summary(sheet, report: Report) -> None:
    sheet["A1"] = report.title
    sheet["A1"].font = TITLE
    sheet["A2"] = (
        f"Period: {report.period.label} "
        f"({report.period.first:%d %b %Y} – {report.period.last:%d %b %Y})"
    )
    sheet["A3"] = f"Scope: {_scope_text(report)}"
    trend_labels = [label for label, _ in report.lines[0].trend] if report.lines else []
    headers = ["KPI", "Value", "Unit", "Target", "Amber from", "RAG", *trend_labels]
    _header(sheet, 5, headers)
    for index, line in enumerate(report.lines, start=6):
        values = [
            line.kpi.title,
            line.measure.value,
            line.kpi.unit,
            float(line.target.target) if line.target else None,
            float(line.target.amber_threshold) if line.target else None,
            line.rag.label,
        ]
        history = dict(line.trend)
        values += [history.get(label) for label in trend_labels]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=index, column=column, value=_cell_value(value))
            if isinstance(value, float):
                cell.number_format = "0.00"
            if value is None and column == 2:
                cell.value = "no data"
        for column in (2, 6):
            sheet.cell(row=index, column=column).fill = fill_for(line.rag)
    sheet.column_dimensions["A"].width = 38
    for column in range(2, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 13
    sheet.freeze_panes = "B6"


def _table(sheet, start_row: int, measure: Measure, title: str) -> tuple[int, int]:
    """Write a breakdown table; returns (first data row, last data row)."""
    sheet.cell(row=start_row, column=1, value=title).font = BOLD
    columns = measure.columns
    _header(sheet, start_row + 1, [label for _, label in columns])
    row = start_row + 2
    for data in measure.rows:
        for column, (key, _) in enumerate(columns, start=1):
            value = data.get(key)
            cell = sheet.cell(row=row, column=column, value=_cell_value(value))
            if isinstance(value, float):
                cell.number_format = "0.00"
        row += 1
    if not measure.rows:
        sheet.cell(row=row, column=1, value="no data")
        row += 1
    return start_row + 2, row - 1


def _value_column(measure: Measure) -> int:
    keys = [key for key, _ in measure.columns]
    return keys.index("value") + 1 if "value" in keys else len(keys)


def _kpi_sheet(sheet, line: ReportLine) -> None:
    kpi, measure = line.kpi, line.measure
    sheet["A1"] = kpi.title
    sheet["A1"].font = TITLE
    sheet["A2"] = "Value"
    sheet["B2"] = _cell_value(measure.value) if measure.value is not None else "no data"
    sheet["C2"] = kpi.unit
    sheet["B2"].fill = fill_for(line.rag)
    sheet["A3"] = "Target"
    sheet["B3"] = float(line.target.target) if line.target else "none set"
    sheet["A4"] = "RAG"
    sheet["B4"] = line.rag.label
    sheet["B4"].fill = fill_for(line.rag)
    row = 5
    if measure.numerator is not None or measure.denominator is not None:
        sheet.cell(row=row, column=1, value="Numerator")
        sheet.cell(row=row, column=2, value=_cell_value(measure.numerator))
        sheet.cell(row=row + 1, column=1, value="Denominator")
        sheet.cell(row=row + 1, column=2, value=_cell_value(measure.denominator))
        row += 2
    for name, value in measure.extra.items():
        if isinstance(value, int | float | str) or value is None:
            sheet.cell(row=row, column=1, value=name.replace("_", " ").capitalize())
            sheet.cell(row=row, column=2, value=_cell_value(value))
            row += 1
    row += 1
    # Trend table and its line chart.
    sheet.cell(row=row, column=1, value="Trend").font = BOLD
    _header(sheet, row + 1, ["Period", kpi.title[:30]])
    first = row + 2
    for offset, (label, value) in enumerate(line.trend):
        sheet.cell(row=first + offset, column=1, value=label)
        sheet.cell(row=first + offset, column=2, value=_cell_value(value))
    last = first + len(line.trend) - 1
    if line.trend:
        chart = LineChart()
        chart.title = f"{kpi.title}: trend"
        chart.y_axis.title = kpi.unit
        chart.height, chart.width = 7, 16
        chart.add_data(
            Reference(sheet, min_col=2, min_row=first - 1, max_row=last), titles_from_data=True
        )
        chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
        sheet.add_chart(chart, "E2")
    row = last + 3
    # The KPI's own table (per priority, category, team, ...), then the dimension breakdowns.
    tables = []
    if measure.rows:
        tables.append(("Detail", measure))
    tables += [(f"By {name}", breakdown) for name, breakdown in line.breakdowns.items()]
    charted = False
    for title, table in tables:
        data_first, data_last = _table(sheet, row, table, title)
        if not charted and table.rows:
            value_col = _value_column(table)
            chart = BarChart()
            chart.title = f"{kpi.title}: {title.lower()}"
            chart.height, chart.width = 7, 16
            chart.add_data(
                Reference(sheet, min_col=value_col, min_row=data_first - 1, max_row=data_last),
                titles_from_data=True,
            )
            chart.set_categories(Reference(sheet, min_col=1, min_row=data_first, max_row=data_last))
            sheet.add_chart(chart, "E18")
            charted = True
        row = data_last + 3
    sheet.column_dimensions["A"].width = 34
    for column in "BCDEFGH":
        sheet.column_dimensions[column].width = 14


def _definitions(sheet) -> None:
    _header(sheet, 1, ["KPI", "Unit", "Higher is better", "Definition"])
    for row, kpi in enumerate(KPIS, start=2):
        sheet.cell(row=row, column=1, value=kpi.title)
        sheet.cell(row=row, column=2, value=kpi.unit)
        sheet.cell(row=row, column=3, value="yes" if kpi.higher_is_better else "no")
        cell = sheet.cell(row=row, column=4, value=safe_cell(" ".join(kpi.definition.split())))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["D"].width = 110


def report_workbook(report: Report) -> Workbook:
    """The report as a workbook: Summary, one sheet per KPI, Definitions."""
    workbook = Workbook()
    taken: set[str] = set()
    summary = workbook.active
    summary.title = sheet_title("Summary", taken)
    _summary(summary, report)
    for line in report.lines:
        _kpi_sheet(workbook.create_sheet(sheet_title(line.kpi.title, taken)), line)
    _definitions(workbook.create_sheet(sheet_title("Definitions", taken)))
    return workbook
