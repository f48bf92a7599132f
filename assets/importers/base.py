"""The shared machinery of every register import: read, check headers, validate, preview, commit.

An importer kind (hardware, software installations, licences, contracts) declares its
columns and how to check one row; this module reads the file, checks the header row,
cleans every cell, reports duplicates inside the file, and turns rows into JSON for the
session between the preview and the decision. Writing is done by the kind's action in
`assets.actions.imports`, which refuses the whole file unless every row is valid or the
person chose the valid rows only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from core.models import Organisation

MAX_ROWS = 20000


@dataclass
class ImportRow:
    """One data row: its number in the file, cleaned values, what is wrong, and a short label."""

    number: int
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    label: str = ""

    @property
    def valid(self) -> bool:
        """True when the row can be imported."""
        return not self.errors


class ImportFileError(Exception):
    """The file cannot be read at all (wrong format, no header, unknown columns)."""


def read_table(name: str, content: bytes) -> list[list]:
    """The cells of the first sheet of an .xlsx, or of a CSV (UTF-8, with or without BOM)."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for bad files
            raise ImportFileError("This is not an Excel workbook openpyxl can read.") from exc
        sheet = workbook.worksheets[0]
        table = []
        for row in sheet.iter_rows(values_only=True):
            table.append(list(row))
            if len(table) > MAX_ROWS + 1:
                break
        workbook.close()
    elif name.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFileError("The CSV file must be UTF-8.") from exc
        try:
            table = list(csv.reader(io.StringIO(text)))
        except csv.Error as exc:
            raise ImportFileError(f"The CSV file cannot be read: {exc}.") from exc
    else:
        raise ImportFileError("Upload an .xlsx or .csv file.")
    # Refuse rather than cut: importing the first 20,000 rows of a bigger file would
    # silently leave the rest out of the register.
    if len(table) > MAX_ROWS + 1:
        raise ImportFileError(f"The file has more than {MAX_ROWS} rows; split it into parts.")
    return table


# ---------------------------------------------------------------- cell parsers


def parse_date(value) -> dt.date:
    """A date from an Excel date cell or from text as 2025-03-31 or 31/03/2025."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (use 2025-03-31 or 31/03/2025)")


def parse_amount(value) -> Decimal:
    """A non-negative amount of money in pounds, '£' and thousands commas allowed."""
    text = str(value).strip()
    try:
        amount = Decimal(text.replace("£", "").replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(f"{text!r} is not an amount") from exc
    if not amount.is_finite():
        raise ValueError(f"{text!r} is not an amount")
    if amount < 0:
        raise ValueError("cannot be negative")
    return amount.quantize(Decimal("0.01"))


def parse_count(value) -> int:
    """A whole number of zero or more (Excel gives 25.0 for 25)."""
    text = str(value).strip()
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(f"{text!r} is not a whole number") from exc
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(f"{text!r} is not a whole number")
    if number < 0:
        raise ValueError("cannot be negative")
    if number > 2_147_483_647:
        raise ValueError("is too large")
    return int(number)


@dataclass(frozen=True)
class Column:
    """One column a kind of import understands.

    `kind` is text, date, amount, count or choice; `choices` is a Django TextChoices class
    for choice columns (matched on value or label, case ignored). A required column must be
    in the header and filled in on every row.
    """

    field: str
    label: str
    kind: str = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()
    max_length: int | None = None
    choices: type | None = None
    help: str = ""

    def names(self) -> list[str]:
        """Every header spelling this column is recognised by (lower case, single spaces)."""
        return [_header_key(self.label), *(_header_key(alias) for alias in self.aliases)]

    def clean(self, cell):
        """The cleaned value of a non-empty cell, or ValueError with a readable reason."""
        if self.kind == "date":
            return parse_date(cell)
        if self.kind == "amount":
            return parse_amount(cell)
        if self.kind == "count":
            return parse_count(cell)
        text = str(cell).strip()
        if self.kind == "choice":
            lookup = {c.value: c.value for c in self.choices} | {
                str(c.label).lower(): c.value for c in self.choices
            }
            key = text.lower()
            if key not in lookup and key.replace(" ", "_") in lookup:
                key = key.replace(" ", "_")
            if key not in lookup:
                allowed = ", ".join(str(c.label) for c in self.choices)
                raise ValueError(f"{text!r} is not one of {allowed}")
            return lookup[key]
        if self.max_length and len(text) > self.max_length:
            raise ValueError(f"longer than {self.max_length} characters")
        return text

    def describe(self) -> str:
        """What the column holds, for the template workbook's notes."""
        if self.help:
            return self.help
        if self.kind == "choice":
            return "One of: " + ", ".join(str(c.label) for c in self.choices) + "."
        return {
            "date": "A date: 2025-03-31 or 31/03/2025, or an Excel date.",
            "amount": "Pounds, zero or more, e.g. 1250.00.",
            "count": "A whole number, zero or more.",
        }.get(self.kind, f"Text, up to {self.max_length} characters." if self.max_length else "")


def _header_key(text) -> str:
    return " ".join(str(text or "").replace("\ufeff", "").split()).lower()


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


ORGANISATION_COLUMN = Column(
    "organisation",
    "Organisation",
    help="Name or short name of the council; empty means the organisation chosen on the form.",
)


class Importer:
    """One kind of register import: its columns, row checks and the action that writes it.

    Subclasses set `columns`, `title`, `permissions`, and implement `check_row` (look-ups
    and cross-field checks), `identity` (what makes two rows the same record) and `commit`.
    """

    kind = ""
    title = ""
    columns: tuple[Column, ...] = ()
    permissions: tuple[str, ...] = ()
    # Whether rows may name their organisation (otherwise the form's organisation is used).
    organisation_column = False
    identity_label = "Record"

    def __init__(self, *, organisation: Organisation, user):
        self.organisation = organisation
        self.user = user

    # -- reading

    def all_columns(self) -> tuple[Column, ...]:
        """The columns, with the optional Organisation column where rows may name one."""
        return (*self.columns, ORGANISATION_COLUMN) if self.organisation_column else self.columns

    def read_header(self, cells: list) -> list[Column | None]:
        """Map the header row to columns, refusing missing, unknown or repeated columns."""
        by_name = {name: column for column in self.all_columns() for name in column.names()}
        mapped, unknown, seen = [], [], set()
        for cell in cells:
            key = _header_key(cell)
            if not key:
                mapped.append(None)  # an empty header cell: a stray column Excel kept
                continue
            column = by_name.get(key)
            if column is None:
                unknown.append(str(cell).strip())
                mapped.append(None)
                continue
            if column.field in seen:
                raise ImportFileError(f"The column '{column.label}' appears twice.")
            seen.add(column.field)
            mapped.append(column)
        problems = []
        missing = [c.label for c in self.all_columns() if c.required and c.field not in seen]
        if missing:
            problems.append("Missing column" + ("s" if len(missing) > 1 else "") + ": ")
            problems[-1] += ", ".join(f"'{label}'" for label in missing) + "."
        if unknown:
            problems.append("Unknown column" + ("s" if len(unknown) > 1 else "") + ": ")
            problems[-1] += ", ".join(f"'{label}'" for label in unknown) + "."
        if problems:
            known = ", ".join(c.label for c in self.all_columns())
            raise ImportFileError(
                " ".join(problems) + f" The first row must name the columns: {known}."
            )
        return mapped

    def validate(self, table: list[list]) -> list[ImportRow]:
        """Clean and check every row of the table; the first row names the columns."""
        if not table or all(_blank(cell) for cell in table[0]):
            raise ImportFileError("The file is empty: the first row must name the columns.")
        header = self.read_header(table[0])
        self.prepare()
        rows, seen = [], {}
        for number, cells in enumerate(table[1:], start=2):
            if all(_blank(cell) for cell in cells):
                continue
            row = ImportRow(number)
            for column, cell in zip(header, cells, strict=False):
                if column is None or _blank(cell):
                    continue
                try:
                    row.values[column.field] = column.clean(cell)
                except ValueError as exc:
                    row.errors.append(f"{column.label.lower()}: {exc}")
            for column in self.all_columns():
                if column.required and column.field not in row.values:
                    if not any(e.startswith(f"{column.label.lower()}:") for e in row.errors):
                        row.errors.append(f"{column.label.lower()}: required")
            if self.organisation_column:
                self._check_organisation(row)
            # Look-ups run whenever the values they need are there, so one pass reports
            # an unknown site as well as a bad date on the same row.
            needed = [c.field for c in self.all_columns() if c.required]
            if all(name in row.values for name in needed) and (
                not self.organisation_column or "organisation" in row.values
            ):
                self.check_row(row)
            row.label = self.describe(row)
            key = self.identity(row) if not row.errors else None
            if key is not None:
                if key in seen:
                    row.errors.append(f"{self.identity_label.lower()} repeats row {seen[key]}")
                else:
                    seen[key] = number
            rows.append(row)
        if not rows:
            raise ImportFileError("The file has the header row but no rows to import.")
        return rows

    def _check_organisation(self, row: ImportRow) -> None:
        """Resolve the row's organisation; one the importer may not see is refused."""
        name = row.values.pop("organisation", "")
        if not name:
            row.values["organisation"] = self.organisation.pk
            return
        key = name.lower()
        if key not in self._organisations:
            # The same words whether it does not exist or is someone else's: no leak.
            row.errors.append(f"organisation: {name!r} is not an organisation you may import into")
            return
        row.values["organisation"] = self._organisations[key]

    def prepare(self) -> None:
        """Load what the row checks look up, once per file."""
        if self.organisation_column:
            visible = Organisation.objects.visible_to(self.user)
            self._organisations = {}
            for pk, name, slug in visible.values_list("pk", "name", "slug"):
                self._organisations[name.lower()] = pk
                self._organisations[slug.lower()] = pk

    def check_row(self, row: ImportRow) -> None:
        """Look-ups and cross-field checks, run when the row's required values are there."""

    def identity(self, row: ImportRow):
        """What makes two rows the same record (a repeat in the file is an error), or None."""
        return None

    def describe(self, row: ImportRow) -> str:
        """The short label of the row shown in the preview."""
        return ""

    def commit(self, rows: list[ImportRow], *, valid_only: bool) -> dict:
        """Write the rows through the kind's action; returns the counts."""
        raise NotImplementedError

    # -- the session between preview and decision

    @staticmethod
    def to_session(rows: list[ImportRow]) -> list[dict]:
        """Rows as JSON-able dicts (dates and amounts tagged so they come back typed)."""
        return [
            {
                "number": row.number,
                "values": {key: _encode(value) for key, value in row.values.items()},
                "errors": row.errors,
                "label": row.label,
            }
            for row in rows
        ]

    @staticmethod
    def from_session(data: list[dict]) -> list[ImportRow]:
        """The rows `to_session` stored."""
        return [
            ImportRow(
                item["number"],
                {key: _decode(value) for key, value in item["values"].items()},
                item["errors"],
                item.get("label", ""),
            )
            for item in data
        ]

    # -- the template workbook

    def template_workbook(self) -> bytes:
        """An .xlsx with the header row to fill in and a sheet describing each column."""
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        sheet = book.active
        sheet.title = self.title[:31]
        sheet.append([column.label for column in self.all_columns()])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index, column in enumerate(self.all_columns(), start=1):
            sheet.column_dimensions[cell_letter(index)].width = max(14, len(column.label) + 4)
        notes = book.create_sheet("Columns")
        notes.append(["Column", "Required", "What to put in it"])
        for cell in notes[1]:
            cell.font = Font(bold=True)
        for column in self.all_columns():
            notes.append([column.label, "yes" if column.required else "", column.describe()])
        notes.column_dimensions["A"].width = 24
        notes.column_dimensions["C"].width = 80
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def cell_letter(index: int) -> str:
    """The Excel column letter of a 1-based column number."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _encode(value):
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    return value


def _decode(value):
    if isinstance(value, dict) and "date" in value:
        return dt.date.fromisoformat(value["date"])
    if isinstance(value, dict) and "decimal" in value:
        return Decimal(value["decimal"])
    return value


def lookup_map(queryset, field_name: str) -> dict[str, list[int]]:
    """{lower-cased value of the field: [pk, ...]} over a queryset, for row look-ups."""
    found: dict[str, list[int]] = {}
    for pk, value in queryset.values_list("pk", field_name):
        if value:
            found.setdefault(value.strip().lower(), []).append(pk)
    return found
