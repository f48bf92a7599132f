"""The shared importer without the pages: reading files, header checks, actions' refusals."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from assets.actions.imports import (
    do_import_assets,
    do_import_contracts,
    do_import_installations,
    do_import_licences,
)
from assets.importers import (
    ContractImporter,
    HardwareImporter,
    ImportFileError,
    InstallationImporter,
    LicenceImporter,
    read_table,
)
from assets.importers import base as import_base
from assets.models import Asset, Contract, Licence, SoftwareInstallation, SoftwareProduct
from core.exceptions import ActionError, ActionForbidden
from core.models import AuditEvent, Organisation


def xlsx(rows) -> bytes:
    """A real .xlsx file with the given rows."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def west(db):
    """A council nobody in the test world serves."""
    return Organisation.objects.create(name="Westmoor Borough Council", slug="west")


def test_should_read_csv_with_and_without_bom_and_xlsx_alike():
    rows = [["Asset tag", "Purchase cost"], ["N-1", "10.50"]]
    as_csv = "\r\n".join(",".join(row) for row in rows)
    assert read_table("a.csv", as_csv.encode("utf-8-sig")) == rows
    assert read_table("a.CSV", as_csv.encode("utf-8")) == rows
    assert read_table("a.xlsx", xlsx(rows)) == rows


def test_should_refuse_unreadable_and_oversized_files(monkeypatch):
    with pytest.raises(ImportFileError, match="must be UTF-8"):
        read_table("a.csv", "Asset tag\nÉcole".encode("latin-1"))
    with pytest.raises(ImportFileError, match=r"Upload an \.xlsx or \.csv file"):
        read_table("a.xls", b"")
    monkeypatch.setattr(import_base, "MAX_ROWS", 3)
    content = "\n".join(["Asset tag", "1", "2", "3", "4"]).encode()
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        read_table("a.csv", content)
    assert len(read_table("a.csv", content[: content.rindex(b"\n")])) == 4
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        read_table("a.xlsx", xlsx([["Asset tag"], [1], [2], [3], [4]]))


def test_should_accept_headers_whatever_their_case_spacing_or_alias(world, asset_manager):
    importer = ContractImporter(organisation=world.north, user=asset_manager)
    table = [
        ["  REFERENCE ", "supplier", "Contract type", "start date", "End", "Notice  days", ""],
        ["C-1", "Dell", "Lease", dt.datetime(2025, 1, 1), "2026-01-01", 30.0, None],
    ]
    (row,) = importer.validate(table)
    assert row.valid, row.errors
    assert row.values == {
        "reference": "C-1",
        "supplier": "Dell",
        "kind": "lease",
        "start": dt.date(2025, 1, 1),
        "end": dt.date(2026, 1, 1),
        "notice_days": 30,
        "organisation": world.north.pk,
    }


def test_should_name_every_missing_and_unknown_column_at_once(world, asset_manager):
    importer = LicenceImporter(organisation=world.north, user=asset_manager)
    with pytest.raises(ImportFileError) as caught:
        importer.validate([["Reference", "Product", "Seats", "Colour"], ["L-1", "X", "1", "red"]])
    message = str(caught.value)
    assert message.startswith("Missing columns: 'Type', 'Entitlements'. ")
    assert "Unknown columns: 'Seats', 'Colour'." in message
    assert "The first row must name the columns: Reference, Publisher, Product" in message
    with pytest.raises(ImportFileError, match="The file is empty"):
        importer.validate([])
    with pytest.raises(ImportFileError, match="The file is empty"):
        importer.validate([[None, ""], ["L-1", "X"]])


def test_should_keep_types_across_the_session_round_trip(world, asset_manager):
    importer = HardwareImporter(organisation=world.north, user=asset_manager)
    rows = importer.validate(
        [
            ["Asset tag", "Purchase date", "Purchase cost", "Site"],
            ["N-1", "31/03/2025", "£1,000", "county hall"],
        ]
    )
    back = importer.from_session(importer.to_session(rows))
    assert back[0].values == rows[0].values
    assert back[0].values["purchase_cost"] == import_base.Decimal("1000.00")
    assert back[0].values["purchase_date"] == dt.date(2025, 3, 31)


def test_should_import_hardware_once_with_exact_counts(world, asset_manager):
    importer = HardwareImporter(organisation=world.north, user=asset_manager)
    table = [["Asset tag", "Serial", "Manufacturer", "Status"]] + [
        [f"N-{n}", f"S{n}", "Dell", "In stock"] for n in range(5)
    ]
    counts = do_import_assets(
        actor=asset_manager, organisation=world.north, rows=importer.validate(table)
    )
    assert counts == {"created": 5, "updated": 0, "unchanged": 0, "skipped": 0}
    events = AuditEvent.objects.count()
    again = HardwareImporter(organisation=world.north, user=asset_manager).validate(table)
    counts = do_import_assets(actor=asset_manager, organisation=world.north, rows=again)
    assert counts == {"created": 0, "updated": 0, "unchanged": 5, "skipped": 0}
    assert AuditEvent.objects.count() == events and Asset.objects.count() == 5


def test_should_not_name_an_asset_of_a_council_the_importer_cannot_see(world, asset_manager, west):
    Asset.objects.create(organisation=west, asset_tag="W-1", serial="S1", manufacturer="Dell")
    importer = HardwareImporter(organisation=world.north, user=asset_manager)
    (row,) = importer.validate([["Asset tag", "Serial", "Manufacturer"], ["N-1", "S1", "Dell"]])
    assert row.errors == ["serial already belongs to an asset of another organisation"]


def test_should_refuse_imports_by_people_without_the_permissions(world, asset_manager):
    rows = ContractImporter(organisation=world.north, user=asset_manager).validate(
        [
            ["Reference", "Supplier", "Type", "Start", "End"],
            ["C-1", "Dell", "Lease", "2025-01-01", "2026-01-01"],
        ]
    )
    for action in (
        do_import_assets,
        do_import_installations,
        do_import_licences,
        do_import_contracts,
    ):
        with pytest.raises(ActionForbidden):
            action(actor=world.agent, organisation=world.north, rows=rows)
    assert not Contract.objects.exists()


def test_should_refuse_writing_into_a_council_the_importer_does_not_serve(
    world, asset_manager, west
):
    table = [
        ["Reference", "Supplier", "Type", "Start", "End"],
        ["C-1", "Dell", "Lease", "2025-01-01", "2026-01-01"],
    ]
    rows = ContractImporter(organisation=world.north, user=asset_manager).validate(table)
    with pytest.raises(ActionForbidden, match="cannot add records to that organisation"):
        do_import_contracts(actor=asset_manager, organisation=west, rows=rows)
    # A row pointing at Westmoor (as a tampered preview would) undoes the rows before it.
    rows.insert(
        0,
        ContractImporter(organisation=world.north, user=asset_manager).validate(
            [table[0], ["C-0", "HP", "Support", "2025-01-01", "2026-01-01"]]
        )[0],
    )
    rows[1].number = 3
    rows[1].values["organisation"] = west.pk
    with pytest.raises(ActionError, match="Row 3: that organisation is not one you may import"):
        do_import_contracts(actor=asset_manager, organisation=world.north, rows=rows)
    assert not Contract.objects.exists()


def test_should_find_assets_by_serial_or_hostname_only_in_the_chosen_council(world, asset_manager):
    Asset.objects.create(organisation=world.north, asset_tag="N-1", hostname="twin")
    Asset.objects.create(organisation=world.north, asset_tag="N-2", hostname="twin")
    Asset.objects.create(organisation=world.east, asset_tag="E-1", serial="SE1")
    importer = InstallationImporter(organisation=world.north, user=asset_manager)
    rows = importer.validate(
        [
            ["Hostname", "Serial", "Product"],
            ["TWIN", "", "Firefox"],
            ["", "SE1", "Firefox"],
            ["", "", "Firefox"],
        ]
    )
    assert rows[0].errors == ["hostname: 'TWIN' matches 2 assets; use the tag"]
    assert rows[1].errors == ["serial: no asset with serial 'SE1' in Northshire County Council"]
    assert rows[2].errors == ["asset: give the asset tag, serial or hostname"]
    counts = do_import_installations(
        actor=asset_manager, organisation=world.north, rows=rows, valid_only=True
    )
    assert counts == {"created": 0, "updated": 0, "unchanged": 0, "skipped": 3}
    assert not SoftwareInstallation.objects.exists() and not SoftwareProduct.objects.exists()


def test_should_ask_for_the_publisher_when_a_product_name_is_ambiguous(world, asset_manager):
    SoftwareProduct.objects.create(vendor="Mozilla", name="Thunderbird")
    SoftwareProduct.objects.create(vendor="Other", name="Thunderbird")
    importer = LicenceImporter(organisation=world.north, user=asset_manager)
    header = ["Reference", "Publisher", "Product", "Type", "Entitlements"]
    rows = importer.validate(
        [
            header,
            ["L-1", "", "Thunderbird", "Site", 1],
            ["L-2", "mozilla", "THUNDERBIRD", "Site", 1],
        ]
    )
    assert rows[0].errors == ["product: 'Thunderbird' has several publishers; give the publisher"]
    assert rows[1].valid
    do_import_licences(actor=asset_manager, organisation=world.north, rows=rows, valid_only=True)
    assert Licence.objects.get().product.vendor == "Mozilla"
