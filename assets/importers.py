"""Excel/CSV import of the hardware register: parse, validate row by row, preview, then import.

Nothing is written unless every row is valid, or the person chose to import only the valid
rows. Rows are matched on asset tag within the organisation, so importing the same file
again changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from assets.actions.imports import do_import_assets
from assets.forms import ImportForm
from assets.models import Asset, AssetCategory, AssetStatus
from core.exceptions import ActionError
from core.models import Organisation, Site

# Header (case and spaces ignored) → field.
COLUMNS = {
    "asset tag": "asset_tag",
    "serial": "serial",
    "manufacturer": "manufacturer",
    "model": "model_name",
    "category": "category",
    "status": "status",
    "hostname": "hostname",
    "site": "site",
    "location": "location",
    "purchase date": "purchase_date",
    "purchase cost": "purchase_cost",
    "supplier": "supplier",
    "warranty end": "warranty_end",
    "end of support": "end_of_support",
    "operating system": "os_name",
    "os version": "os_version",
}
DATE_FIELDS = ("purchase_date", "warranty_end", "end_of_support")
MAX_ROWS = 20000


@dataclass
class ImportRow:
    """One data row: its number in the file, cleaned values, and what is wrong with it."""

    number: int
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """True when the row can be imported."""
        return not self.errors


class ImportFileError(Exception):
    """The file cannot be read at all (wrong format, no header)."""


def read_table(name: str, content: bytes) -> list[list]:
    """The cells of the first sheet of an .xlsx, or of a CSV (UTF-8, with or without BOM)."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for bad files
            raise ImportFileError("This is not an Excel workbook openpyxl can read.") from exc
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)][: MAX_ROWS + 1]
    if name.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFileError("The CSV file must be UTF-8.") from exc
        return list(csv.reader(io.StringIO(text)))[: MAX_ROWS + 1]
    raise ImportFileError("Upload an .xlsx or .csv file.")


def _date(value) -> dt.date:
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


def validate_rows(table: list[list], organisation: Organisation) -> list[ImportRow]:
    """Clean and check every row; the header row names the columns."""
    if not table:
        raise ImportFileError("The file is empty.")
    header = [COLUMNS.get(str(cell or "").strip().lower()) for cell in table[0]]
    if "asset_tag" not in header:
        raise ImportFileError("The first row must name the columns, including 'Asset tag'.")
    sites = {site.name.lower(): site.pk for site in Site.objects.filter(organisation=organisation)}
    categories = {c.value: c.value for c in AssetCategory} | {
        c.label.lower(): c.value for c in AssetCategory
    }
    statuses = {s.value: s.value for s in AssetStatus} | {
        s.label.lower(): s.value for s in AssetStatus
    }
    rows, seen_tags, seen_serials = [], {}, {}
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell not in (None, "") for cell in cells):
            continue
        row = ImportRow(number)
        for name, cell in zip(header, cells, strict=False):
            if name is None or cell in (None, ""):
                continue
            try:
                row.values[name] = _clean(name, cell, sites, categories, statuses)
            except ValueError as exc:
                row.errors.append(f"{name.replace('_', ' ')}: {exc}")
        tag = row.values.get("asset_tag", "")
        if not tag:
            row.errors.append("asset tag: required")
        elif tag in seen_tags:
            row.errors.append(f"asset tag {tag} repeats row {seen_tags[tag]}")
        else:
            seen_tags[tag] = number
        serial_key = (row.values.get("manufacturer", ""), row.values.get("serial", ""))
        if serial_key[1]:
            if serial_key in seen_serials:
                row.errors.append(f"serial repeats row {seen_serials[serial_key]}")
            seen_serials[serial_key] = number
            clash = Asset.objects.filter(manufacturer=serial_key[0], serial=serial_key[1])
            clash = clash.exclude(organisation=organisation, asset_tag=tag).first()
            if clash is not None:
                row.errors.append(f"serial already belongs to asset {clash}")
        rows.append(row)
    return rows


def _clean(name: str, cell, sites: dict, categories: dict, statuses: dict):
    """One cell's value for `name`, or ValueError with a readable reason."""
    if name in DATE_FIELDS:
        return _date(cell)
    text = str(cell).strip()
    if name == "purchase_cost":
        try:
            value = Decimal(text.replace("£", "").replace(",", ""))
        except InvalidOperation as exc:
            raise ValueError(f"{text!r} is not an amount") from exc
        if value < 0:
            raise ValueError("cannot be negative")
        return value.quantize(Decimal("0.01"))
    if name == "category":
        if text.lower() not in categories:
            raise ValueError(f"{text!r} is not a category")
        return categories[text.lower()]
    if name == "status":
        if text.lower() not in statuses:
            raise ValueError(f"{text!r} is not a life-cycle state")
        return statuses[text.lower()]
    if name == "site":
        if text.lower() not in sites:
            raise ValueError(f"no site called {text!r} in this organisation")
        return sites[text.lower()]
    limit = Asset._meta.get_field(name).max_length
    if limit and len(text) > limit:
        raise ValueError(f"longer than {limit} characters")
    return text


class AssetImportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Upload → preview with a row-by-row report → import all, or the valid rows only."""

    permission_required = "assets.add_asset"
    raise_exception = True
    template_name = "assets/import.html"
    session_key = "assets_import"

    def get(self, request):
        """The upload form."""
        return render(request, self.template_name, {"form": ImportForm(user=request.user)})

    def post(self, request):
        """Either a new upload (show the preview) or the decision on the previewed file."""
        if "decision" in request.POST:
            return self._import(request)
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        upload = form.cleaned_data["file"]
        organisation = form.cleaned_data["organisation"]
        try:
            rows = validate_rows(read_table(upload.name, upload.read()), organisation)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return render(request, self.template_name, {"form": form})
        request.session[self.session_key] = {
            "organisation": organisation.pk,
            "name": upload.name,
            "rows": [
                {"number": r.number, "values": _jsonable(r.values), "errors": r.errors}
                for r in rows
            ],
        }
        return render(
            request,
            self.template_name,
            {
                "form": ImportForm(user=request.user),
                "rows": rows,
                "name": upload.name,
                "valid_count": sum(r.valid for r in rows),
                "invalid_count": sum(not r.valid for r in rows),
                "organisation": organisation,
            },
        )

    def _import(self, request):
        pending = request.session.pop(self.session_key, None)
        if not pending:
            messages.error(request, "Upload the file again: the preview has expired.")
            return HttpResponseRedirect(reverse("assets:import"))
        organisation = Organisation.objects.visible_to(request.user).get(pk=pending["organisation"])
        rows = [
            ImportRow(r["number"], _from_json(r["values"]), r["errors"]) for r in pending["rows"]
        ]
        try:
            result = do_import_assets(
                actor=request.user,
                organisation=organisation,
                rows=rows,
                valid_only=request.POST.get("decision") == "valid_only",
            )
        except ActionError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("assets:import"))
        messages.success(
            request,
            f"Imported {pending['name']}: {result['created']} new, {result['updated']} changed, "
            f"{result['unchanged']} unchanged, {result['skipped']} skipped.",
        )
        return HttpResponseRedirect(reverse("assets:asset_list"))


def _jsonable(values: dict) -> dict:
    return {
        key: (str(value) if not isinstance(value, int | str) else value)
        for key, value in values.items()
    }


def _from_json(values: dict) -> dict:
    cleaned = dict(values)
    for name in DATE_FIELDS:
        if name in cleaned:
            cleaned[name] = dt.date.fromisoformat(cleaned[name])
    if "purchase_cost" in cleaned:
        cleaned["purchase_cost"] = Decimal(cleaned["purchase_cost"])
    return cleaned
