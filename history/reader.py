"""Reading an event log (CSV or XLSX) into rows keyed by the roles the mapping gives columns.

Only the mapped columns are kept; values the mapping calls "none" (empty, `?`, ...) become
None. XLSX cells keep their type (a date cell stays a datetime), CSV values are text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from history.mapping import Mapping

Row = tuple[int, dict[str, object]]


class FileRefused(Exception):
    """The file cannot be read as the mapping describes (format, missing columns)."""


def _normalise(value, none_values: frozenset[str]):
    """Text stripped, "none" markers to None; numbers that are whole become plain text."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return None if text in none_values else text


def _roles(header: list[str], mapping: Mapping) -> list[tuple[str, int]]:
    """(role, column index) of every mapped column; refuses a file missing one of them."""
    positions = {name.strip(): index for index, name in enumerate(header) if name is not None}
    missing = [f"{col!r} ({role})" for role, col in mapping.columns.items() if col not in positions]
    if missing:
        raise FileRefused(
            "The file has no column "
            + ", ".join(missing)
            + ". Its columns are: "
            + ", ".join(str(name) for name in header if name is not None)
            + "."
        )
    return [(role, positions[column]) for role, column in mapping.columns.items()]


def is_xlsx(name: str) -> bool:
    """An Excel workbook by its name (anything else is read as CSV)."""
    return name.lower().endswith((".xlsx", ".xlsm"))


def read_rows(stream: BinaryIO, name: str, mapping: Mapping) -> Iterator[Row]:
    """(row number as a spreadsheet shows it, {role: value}) for every data row of the file."""
    if is_xlsx(name):
        yield from _read_xlsx(stream, mapping)
    else:
        yield from _read_csv(stream, mapping)


def _read_csv(stream: BinaryIO, mapping: Mapping) -> Iterator[Row]:
    try:
        text = io.TextIOWrapper(stream, encoding=mapping.csv_encoding, newline="")
        reader = csv.reader(text, delimiter=mapping.csv_delimiter)
        header = next(reader, None)
    except UnicodeDecodeError as exc:
        raise FileRefused(f"The file is not {mapping.csv_encoding} text: {exc}.") from exc
    if not header:
        raise FileRefused("The file is empty: it has no header row.")
    roles = _roles(header, mapping)
    width = max(index for _, index in roles) + 1
    none_values = mapping.none_values
    number = 1
    try:
        for record in reader:
            number = reader.line_num
            if not any(record):
                continue
            if len(record) < width:
                record += [""] * (width - len(record))
            # CSV cells are always text: strip and compare inline (this loop sees every cell).
            values = {}
            for role, index in roles:
                text = record[index].strip()
                values[role] = None if text in none_values else text
            yield number, values
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FileRefused(f"Row {number + 1}: the file cannot be read: {exc}.") from exc


def _read_xlsx(stream: BinaryIO, mapping: Mapping) -> Iterator[Row]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise FileRefused(f"The file is not an Excel workbook: {exc}.") from exc
    try:
        if mapping.sheet:
            if mapping.sheet not in workbook.sheetnames:
                raise FileRefused(f"The workbook has no sheet {mapping.sheet!r}.")
            sheet = workbook[mapping.sheet]
        else:
            sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            raise FileRefused("The sheet is empty: it has no header row.")
        roles = _roles([None if h is None else str(h) for h in header], mapping)
        none_values = mapping.none_values
        for number, record in enumerate(rows, start=2):
            if not any(value not in (None, "") for value in record):
                continue
            width = len(record)
            yield (
                number,
                {
                    role: (_normalise(record[index], none_values) if index < width else None)
                    for role, index in roles
                },
            )
    finally:
        workbook.close()


def open_file(path: str | Path) -> BinaryIO:
    """Open an event log for reading (binary: the reader decodes it)."""
    return open(path, "rb")  # noqa: SIM115 - the caller closes it
