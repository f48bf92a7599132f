"""Excel/CSV import of the register: preview, row-by-row report, all-or-nothing, idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assets.models import Asset
from core.models import AuditEvent
from tests.conftest import PASSWORD

HEADER = [
    "Asset tag",
    "Serial",
    "Manufacturer",
    "Model",
    "Category",
    "Status",
    "Site",
    "Purchase date",
    "Purchase cost",
    "Warranty end",
]
GOOD = [
    [
        "N-100",
        "SN100",
        "Dell",
        "Latitude 5440",
        "Laptop",
        "Deployed",
        "County Hall",
        "2024-04-01",
        "899.00",
        "2027-04-01",
    ],
    [
        "N-101",
        "SN101",
        "Dell",
        "OptiPlex 7010",
        "desktop",
        "in_stock",
        "",
        "01/05/2024",
        "£650.50",
        "",
    ],
]
BAD = ["N-102", "SN102", "Dell", "X", "spaceship", "", "Nowhere", "31/31/2024", "lots", ""]


def workbook_bytes(rows) -> bytes:
    """A real .xlsx file with the given rows."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def signed_in(client, asset_manager):
    """A client signed in as the asset manager."""
    client.login(username=asset_manager.username, password=PASSWORD)
    return client


def preview(client, organisation, name, content):
    """Upload a file and return the preview response."""
    upload = SimpleUploadedFile(name, content)
    return client.post(reverse("assets:import"), {"organisation": organisation.pk, "file": upload})


def test_should_preview_then_import_a_valid_workbook_and_reimport_changes_nothing(
    world, signed_in, tmp_path
):
    path = tmp_path / "register.xlsx"
    path.write_bytes(workbook_bytes([HEADER, *GOOD]))
    # The file on disk is read back with openpyxl, as a person's Excel would see it.
    assert load_workbook(path).active["A2"].value == "N-100"
    page = preview(signed_in, world.north, "register.xlsx", path.read_bytes())
    assert b"2 valid rows, 0 with errors" in page.content
    assert Asset.objects.count() == 0  # a preview writes nothing
    signed_in.post(reverse("assets:import"), {"decision": "all"})
    laptop = Asset.objects.get(asset_tag="N-100")
    assert laptop.status == "deployed" and laptop.site.name == "County Hall"
    assert str(laptop.purchase_cost) == "899.00"
    assert Asset.objects.get(asset_tag="N-101").purchase_date.isoformat() == "2024-05-01"

    events = AuditEvent.objects.count()
    preview(signed_in, world.north, "register.xlsx", path.read_bytes())
    signed_in.post(reverse("assets:import"), {"decision": "all"})
    assert Asset.objects.count() == 2
    assert AuditEvent.objects.count() == events


def test_should_report_invalid_rows_and_write_nothing_unless_valid_rows_chosen(world, signed_in):
    content = workbook_bytes([HEADER, *GOOD, BAD])
    page = preview(signed_in, world.north, "register.xlsx", content).content.decode()
    assert "2 valid rows, 1 with errors" in page
    assert "spaceship" in page and "Nowhere" in page and "not a date" in page
    signed_in.post(reverse("assets:import"), {"decision": "all"})
    assert Asset.objects.count() == 0
    preview(signed_in, world.north, "register.xlsx", content)
    signed_in.post(reverse("assets:import"), {"decision": "valid_only"})
    assert set(Asset.objects.values_list("asset_tag", flat=True)) == {"N-100", "N-101"}


def test_should_import_csv_and_refuse_duplicates_within_the_file(world, signed_in):
    lines = [",".join(HEADER), ",".join(GOOD[0]), ",".join(GOOD[0])]
    page = preview(signed_in, world.north, "r.csv", "\n".join(lines).encode("utf-8-sig"))
    assert b"repeats row 2" in page.content


def test_should_refuse_files_that_are_not_spreadsheets(world, signed_in):
    page = preview(signed_in, world.north, "r.xlsx", b"not a zip")
    assert b"not an Excel workbook" in page.content


def test_should_name_unknown_and_missing_columns(world, signed_in):
    content = b"Serial,Colour\nSN1,red\n"
    page = preview(signed_in, world.north, "r.csv", content).content.decode()
    assert "Missing column: &#x27;Asset tag&#x27;. Unknown column: &#x27;Colour&#x27;." in page
    assert "assets_import_hardware" not in signed_in.session


def test_should_refuse_a_council_the_asset_manager_does_not_serve(world, signed_in):
    from core.models import Organisation

    west = Organisation.objects.create(name="Westmoor Borough Council", slug="west")
    content = workbook_bytes([HEADER, *GOOD])
    page = preview(signed_in, west, "register.xlsx", content)
    assert b"Select a valid choice" in page.content
    signed_in.post(reverse("assets:import"), {"decision": "all"})
    assert not Asset.objects.exists()
