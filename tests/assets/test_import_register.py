"""Import of software installations, licences and contracts through the shared importer.

Real .xlsx files built with openpyxl and real CSV bytes are posted through the pages;
what is written is counted in the tables and in the audit log before and after.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assets.models import Asset, Contract, Licence, SoftwareInstallation, SoftwareProduct
from core.audit import history_of
from core.models import AuditEvent, Organisation
from tests.conftest import PASSWORD


def workbook_bytes(rows) -> bytes:
    """A real .xlsx file with the given rows."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, bom: bool = True) -> bytes:
    """CSV as Excel saves it ("CSV UTF-8" puts a byte-order mark first)."""
    import csv

    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode("utf-8-sig" if bom else "utf-8")


def preview(client, url_name, organisation, name, content):
    """Upload a file to an import page; the preview page's text."""
    upload = SimpleUploadedFile(name, content)
    response = client.post(reverse(url_name), {"organisation": organisation.pk, "file": upload})
    assert response.status_code == 200
    return response.content.decode()


def decide(client, url_name, decision="all") -> str:
    """Press an import button on the preview; the text of the page it lands on."""
    response = client.post(reverse(url_name), {"decision": decision}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def signed_in(client, asset_manager):
    """A client signed in as Northshire's asset manager (the desk also serves Eastvale)."""
    client.login(username=asset_manager.username, password=PASSWORD)
    return client


@pytest.fixture
def register(world):
    """Assets in Northshire and Eastvale, and one in Westmoor, which no one here serves."""
    west = Organisation.objects.create(name="Westmoor Borough Council", slug="west")

    class Register:
        pass

    r = Register()
    r.west = west
    r.pc1 = Asset.objects.create(
        organisation=world.north, asset_tag="N-1", serial="S1", hostname="pc-1"
    )
    r.pc2 = Asset.objects.create(
        organisation=world.north, asset_tag="N-2", serial="S2", hostname="pc-2"
    )
    r.east_pc = Asset.objects.create(organisation=world.east, asset_tag="E-1", serial="SE1")
    r.west_pc = Asset.objects.create(organisation=west, asset_tag="W-1", serial="SW1")
    r.office = SoftwareProduct.objects.create(vendor="Microsoft", name="Office Professional Plus")
    r.contract = Contract.objects.create(
        organisation=world.north,
        reference="C-1",
        supplier="Softcat",
        kind="licence",
        start=dt.date(2024, 4, 1),
        end=dt.date(2027, 3, 31),
    )
    return r


# ---------------------------------------------------------------- software installations

SOFTWARE_HEADER = [
    "Asset tag",
    "Serial",
    "Hostname",
    "Publisher",
    "Product",
    "Version",
    "Installed on",
]
SOFTWARE_ROWS = [
    ["N-1", "", "", "Microsoft", "Office Professional Plus", "2021", "2024-01-10"],
    ["", "S2", "", "Adobe", "Acrobat Reader", "24.1", ""],
    ["", "", "PC-1", "microsoft", "office professional plus", "2019", "10/01/2023"],
]


def test_should_import_installations_creating_new_products_and_reimport_changes_nothing(
    world, register, signed_in
):
    page = preview(
        signed_in,
        "assets:software_import",
        world.north,
        "software.xlsx",
        workbook_bytes([SOFTWARE_HEADER, *SOFTWARE_ROWS]),
    )
    assert "3 valid rows, 0 with errors" in page
    assert "Adobe Acrobat Reader 24.1 on S2 (new product)" in page
    assert "Microsoft Office Professional Plus 2021 on N-1<" in page
    assert SoftwareInstallation.objects.count() == 0  # a preview writes nothing
    page = decide(signed_in, "assets:software_import")
    assert "3 new, 0 changed, 0 unchanged, 0 skipped" in page

    assert SoftwareInstallation.objects.count() == 3
    # The Microsoft product was matched whatever its case; Adobe's was created once.
    assert SoftwareProduct.objects.count() == 2
    reader = SoftwareProduct.objects.get(vendor="Adobe", name="Acrobat Reader")
    assert register.pc2.software.get().product == reader
    versions = sorted(register.pc1.software.values_list("version", "installed_on"))
    assert versions == [("2019", dt.date(2023, 1, 10)), ("2021", dt.date(2024, 1, 10))]
    history = history_of(register.pc1).filter(verb="asset.software_imported")
    assert history.count() == 2 and history.first().actor.username == "assets_north"

    # The same file again, this time as a CSV with a byte-order mark: nothing changes.
    events = AuditEvent.objects.count()
    preview(
        signed_in,
        "assets:software_import",
        world.north,
        "software.csv",
        csv_bytes([SOFTWARE_HEADER, *SOFTWARE_ROWS]),
    )
    page = decide(signed_in, "assets:software_import")
    assert "0 new, 0 changed, 3 unchanged, 0 skipped" in page
    assert AuditEvent.objects.count() == events
    assert SoftwareInstallation.objects.count() == 3 and SoftwareProduct.objects.count() == 2

    # A new installation date is a change, recorded in the asset's history.
    changed = [row[:] for row in SOFTWARE_ROWS]
    changed[0][6] = "2024-02-01"
    preview(
        signed_in,
        "assets:software_import",
        world.north,
        "s.csv",
        csv_bytes([SOFTWARE_HEADER, *changed]),
    )
    assert "0 new, 1 changed, 2 unchanged" in decide(signed_in, "assets:software_import")
    event = history_of(register.pc1).filter(verb="asset.software_imported").first()
    assert event.before["installed_on"] == "2024-01-10"
    assert event.after["installed_on"] == "2024-02-01"


def test_should_refuse_assets_of_other_councils_and_write_nothing_unless_valid_only(
    world, register, signed_in
):
    rows = [
        SOFTWARE_HEADER,
        ["N-1", "", "", "Microsoft", "Office Professional Plus", "2021", ""],
        ["W-1", "", "", "Microsoft", "Office Professional Plus", "2021", ""],  # not served
        ["E-1", "", "", "Microsoft", "Office Professional Plus", "2021", ""],  # not Northshire
        ["", "SW1", "", "Microsoft", "Office Professional Plus", "2021", ""],
        ["N-2", "S1", "", "Microsoft", "Office Professional Plus", "2021", ""],  # two assets
        ["N-2", "", "", "Microsoft", "Visio", "", "2024-13-01"],
        ["N-1", "", "", "MICROSOFT", "Office professional plus", "2021", ""],  # repeat of row 2
    ]
    page = preview(signed_in, "assets:software_import", world.north, "s.xlsx", workbook_bytes(rows))
    assert "1 valid row, 6 with errors" in page
    assert "no asset with asset tag &#x27;W-1&#x27; in Northshire County Council" in page
    assert "no asset with asset tag &#x27;E-1&#x27; in Northshire County Council" in page
    assert "no asset with serial &#x27;SW1&#x27;" in page
    assert "name different assets" in page
    assert "is not a date" in page
    assert "installation repeats row 2" in page
    events = AuditEvent.objects.count()
    assert "nothing was imported" in decide(signed_in, "assets:software_import")
    assert SoftwareInstallation.objects.count() == 0 and AuditEvent.objects.count() == events

    preview(signed_in, "assets:software_import", world.north, "s.xlsx", workbook_bytes(rows))
    page = decide(signed_in, "assets:software_import", "valid_only")
    assert "1 new, 0 changed, 0 unchanged, 6 skipped" in page
    assert list(SoftwareInstallation.objects.values_list("asset__asset_tag", flat=True)) == ["N-1"]
    assert not register.west_pc.software.exists() and not register.east_pc.software.exists()
    assert not SoftwareProduct.objects.filter(name="Visio").exists()


def test_should_refuse_an_organisation_the_importer_does_not_serve(world, register, signed_in):
    upload = SimpleUploadedFile(
        "s.csv", csv_bytes([SOFTWARE_HEADER, ["W-1", "", "", "", "Office", "", ""]])
    )
    response = signed_in.post(
        reverse("assets:software_import"), {"organisation": register.west.pk, "file": upload}
    )
    assert b"Select a valid choice" in response.content
    assert "assets_import_software" not in signed_in.session
    assert SoftwareInstallation.objects.count() == 0


def test_should_undo_every_row_when_one_fails_while_writing(world, register, signed_in):
    rows = [
        SOFTWARE_HEADER,
        ["N-1", "", "", "Adobe", "Acrobat Reader", "24.1", ""],
        ["N-2", "", "", "Microsoft", "Office Professional Plus", "2021", ""],
    ]
    page = preview(signed_in, "assets:software_import", world.north, "s.xlsx", workbook_bytes(rows))
    assert "2 valid rows, 0 with errors" in page
    # Between the preview and the decision someone removes the second asset.
    register.pc2.delete()
    events, products = AuditEvent.objects.count(), SoftwareProduct.objects.count()
    page = decide(signed_in, "assets:software_import")
    assert "Row 3: that asset no longer exists" in page
    # Row 2 had already created Adobe's product and its installation: both undone.
    assert SoftwareInstallation.objects.count() == 0
    assert SoftwareProduct.objects.count() == products
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["Asset tag", "Publisher", "Version"], "Missing column: &#x27;Product&#x27;."),
        (["Publisher", "Product"], "one of &#x27;Asset tag&#x27;, &#x27;Serial&#x27; or"),
        (
            ["Asset tag", "Product", "Colour", "Licence count"],
            "Unknown columns: &#x27;Colour&#x27;, &#x27;Licence count&#x27;.",
        ),
        (["Asset tag", "Product", "product name"], "The column &#x27;Product&#x27; appears twice"),
    ],
)
def test_should_name_missing_and_unknown_columns(world, register, signed_in, header, message):
    content = csv_bytes([header, ["N-1"] + [""] * (len(header) - 1)])
    page = preview(signed_in, "assets:software_import", world.north, "s.csv", content)
    assert message in page
    assert "assets_import_software" not in signed_in.session


# ---------------------------------------------------------------- licences

LICENCE_HEADER = [
    "Reference",
    "Publisher",
    "Product",
    "Type",
    "Entitlements",
    "Cost",
    "Contract",
    "Expires",
    "Organisation",
]


@pytest.fixture
def reader(register):
    """A second catalogue product."""
    return SoftwareProduct.objects.create(vendor="Adobe", name="Acrobat Reader")


def test_should_import_licences_into_the_councils_named_and_reimport_changes_nothing(
    world, register, reader, signed_in
):
    rows = [
        LICENCE_HEADER,
        [
            "L-1",
            "Microsoft",
            "Office Professional Plus",
            "Per device",
            250,
            "£12,500.00",
            "C-1",
            dt.date(2027, 3, 31),
            "",
        ],
        [
            "L-2",
            "",
            "acrobat reader",
            "per_user",
            "10",
            "",
            "",
            "31/12/2026",
            "Eastvale District Council",
        ],
    ]
    page = preview(signed_in, "assets:licence_import", world.north, "l.xlsx", workbook_bytes(rows))
    assert "2 valid rows, 0 with errors" in page
    assert "3 new" not in page and Licence.objects.count() == 0
    assert "2 new, 0 changed, 0 unchanged, 0 skipped" in decide(signed_in, "assets:licence_import")

    office = Licence.objects.get(reference="L-1")
    assert office.organisation == world.north and office.product == register.office
    assert office.kind == "per_device" and office.entitlements == 250
    assert office.cost == Decimal("12500.00") and office.contract == register.contract
    assert office.expires == dt.date(2027, 3, 31)
    east = Licence.objects.get(reference="L-2")
    assert east.organisation == world.east and east.product == reader and east.kind == "per_user"

    events = AuditEvent.objects.count()
    preview(signed_in, "assets:licence_import", world.north, "l.xlsx", workbook_bytes(rows))
    assert "0 new, 0 changed, 2 unchanged" in decide(signed_in, "assets:licence_import")
    assert AuditEvent.objects.count() == events and Licence.objects.count() == 2

    rows[1][4] = 300
    preview(signed_in, "assets:licence_import", world.north, "l.xlsx", workbook_bytes(rows))
    assert "0 new, 1 changed, 1 unchanged" in decide(signed_in, "assets:licence_import")
    assert AuditEvent.objects.count() == events + 1
    event = history_of(office).first()
    assert event.verb == "licence.imported"
    assert (event.before, event.after) == ({"entitlements": 250}, {"entitlements": 300})


def test_should_report_every_bad_licence_row_and_import_only_valid_ones_when_chosen(
    world, register, reader, signed_in
):
    Contract.objects.create(
        organisation=register.west,
        reference="C-W",
        supplier="X",
        kind="support",
        start=dt.date(2024, 1, 1),
        end=dt.date(2025, 1, 1),
    )
    rows = [
        LICENCE_HEADER,
        ["L-1", "Microsoft", "Office Professional Plus", "Per device", "25", "", "", "", ""],
        ["L-2", "", "Office Professional Plus", "Per device", "-5", "", "", "", ""],
        ["L-3", "", "Offise", "Per device", "5", "", "", "", ""],
        ["L-4", "", "Acrobat Reader", "Per device", "5", "", "C-W", "", ""],
        ["L-5", "", "Acrobat Reader", "Per device", "5", "", "", "31/02/2027", ""],
        ["L-6", "", "Acrobat Reader", "per banana", "5", "", "", "", ""],
        ["L-7", "", "Acrobat Reader", "Site", "5", "", "", "", "Westmoor Borough Council"],
        ["L-8", "", "Acrobat Reader", "Site", "2.5", "-1", "", "", ""],
        ["", "", "Acrobat Reader", "Site", "", "", "", "", ""],
        ["L-9", "", "Acrobat Reader", "Site", "1", "", "", "", "east"],
    ]
    page = preview(signed_in, "assets:licence_import", world.north, "l.xlsx", workbook_bytes(rows))
    assert "2 valid rows, 8 with errors" in page
    for reason in (
        "entitlements: cannot be negative",
        "&#x27;Offise&#x27; is not in the software catalogue",
        "contract: no contract &#x27;C-W&#x27; in that organisation",
        "expires: &#x27;31/02/2027&#x27; is not a date",
        "type: &#x27;per banana&#x27; is not one of Per device, Per user, Site, Subscription",
        "&#x27;Westmoor Borough Council&#x27; is not an organisation you may import into",
        "entitlements: &#x27;2.5&#x27; is not a whole number",
        "cost: cannot be negative",
        "reference: required; entitlements: required",
    ):
        assert reason in page, reason
    events = AuditEvent.objects.count()
    decide(signed_in, "assets:licence_import")
    assert Licence.objects.count() == 0 and AuditEvent.objects.count() == events

    preview(signed_in, "assets:licence_import", world.north, "l.xlsx", workbook_bytes(rows))
    page = decide(signed_in, "assets:licence_import", "valid_only")
    assert "2 new, 0 changed, 0 unchanged, 8 skipped" in page
    assert sorted(Licence.objects.values_list("reference", "organisation__slug")) == [
        ("L-1", "north"),
        ("L-9", "east"),
    ]
    assert AuditEvent.objects.count() == events + 2


def test_should_refuse_a_reference_shared_by_several_licences(world, register, signed_in):
    for _ in range(2):
        Licence.objects.create(
            organisation=world.north,
            product=register.office,
            reference="DUP",
            kind="site",
            entitlements=1,
        )
    rows = [LICENCE_HEADER, ["DUP", "", "Office Professional Plus", "Site", "3", "", "", "", ""]]
    page = preview(signed_in, "assets:licence_import", world.north, "l.csv", csv_bytes(rows))
    assert "2 licences already have this reference" in page


# ---------------------------------------------------------------- contracts

CONTRACT_HEADER = [
    "Reference",
    "Supplier",
    "Type",
    "Start",
    "End",
    "Renewal notice (days)",
    "Value",
    "Organisation",
]


def test_should_import_contracts_from_csv_with_bom_and_reimport_changes_nothing(
    world, register, signed_in
):
    rows = [
        CONTRACT_HEADER,
        ["C-2", "Dell", "Support", "2025-04-01", "2028-03-31", "60", "4,800.00", ""],
        ["C-9", "Civica", "maintenance", "01/04/2025", "31/03/2026", "", "", "north"],
        [
            "C-9",
            "Civica",
            "maintenance",
            "01/04/2025",
            "31/03/2026",
            "",
            "",
            "Eastvale District Council",
        ],
        ["C-1", "Softcat", "Licence", "2024-04-01", "2027-03-31", "90", "", ""],  # as registered
    ]
    content = csv_bytes(rows)
    assert content.startswith(b"\xef\xbb\xbf")
    page = preview(signed_in, "assets:contract_import", world.north, "c.csv", content)
    assert "4 valid rows, 0 with errors" in page
    page = decide(signed_in, "assets:contract_import")
    assert "3 new, 0 changed, 1 unchanged, 0 skipped" in page
    dell = Contract.objects.get(reference="C-2")
    assert (dell.kind, dell.notice_days, dell.value) == ("support", 60, Decimal("4800.00"))
    assert dell.end == dt.date(2028, 3, 31)
    assert Contract.objects.get(reference="C-9", organisation=world.north).notice_days == 90
    assert Contract.objects.filter(reference="C-9", organisation=world.east).exists()
    assert history_of(dell).get().verb == "contract.imported"

    events = AuditEvent.objects.count()
    preview(signed_in, "assets:contract_import", world.north, "c.csv", content)
    assert "0 new, 0 changed, 4 unchanged" in decide(signed_in, "assets:contract_import")
    assert AuditEvent.objects.count() == events and Contract.objects.count() == 4


def test_should_report_bad_contract_rows_and_write_nothing(world, register, signed_in):
    rows = [
        CONTRACT_HEADER,
        ["C-3", "Dell", "Support", "2025-04-01", "2024-03-31", "", "", ""],
        ["C-4", "Dell", "Support", "2025-04-01", "2026-03-31", "-30", "-1", ""],
        ["C-5", "Dell", "Support", "April", "2026-03-31", "", "", ""],
        ["C-6", "Dell", "Support", "2025-04-01", "2026-03-31", "", "", "Westmoor Borough Council"],
        ["C-7", "Dell", "Support", "2025-04-01", "2026-03-31", "", "", ""],
        ["C-7", "HP", "Support", "2025-04-01", "2026-03-31", "", "", ""],
    ]
    page = preview(signed_in, "assets:contract_import", world.north, "c.xlsx", workbook_bytes(rows))
    assert "1 valid row, 5 with errors" in page
    for reason in (
        "end: before the start",
        "renewal notice (days): cannot be negative; value: cannot be negative",
        "start: &#x27;April&#x27; is not a date",
        "is not an organisation you may import into",
        "reference repeats row 6",
    ):
        assert reason in page, reason
    events = AuditEvent.objects.count()
    assert "5 row(s) have errors; nothing was imported" in decide(
        signed_in, "assets:contract_import"
    )
    assert Contract.objects.count() == 1 and AuditEvent.objects.count() == events


# ---------------------------------------------------------------- the pages


@pytest.mark.parametrize(
    ("url_name", "first_columns"),
    [
        ("assets:import", ["Asset tag", "Serial"]),
        ("assets:software_import", ["Asset tag", "Serial", "Hostname", "Publisher", "Product"]),
        ("assets:licence_import", ["Reference", "Publisher", "Product", "Type", "Entitlements"]),
        ("assets:contract_import", ["Reference", "Supplier", "Type", "Start", "End"]),
    ],
)
def test_should_offer_a_template_workbook_that_imports_as_it_is(
    world, register, signed_in, url_name, first_columns
):
    response = signed_in.get(reverse(url_name), {"template": "xlsx"})
    assert response["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.content))
    header = [cell.value for cell in book.worksheets[0][1]]
    assert header[: len(first_columns)] == first_columns
    assert book["Columns"]["A2"].value == header[0]
    # Its header row is accepted as it is; there is just nothing to import yet.
    page = preview(signed_in, url_name, world.north, "template.xlsx", response.content)
    assert "The file has the header row but no rows to import." in page
    assert "Missing column" not in page and "Unknown column" not in page


@pytest.mark.parametrize(
    "url_name",
    ["assets:import", "assets:software_import", "assets:licence_import", "assets:contract_import"],
)
def test_should_refuse_people_who_are_not_asset_managers(world, client, url_name):
    client.login(username=world.agent.username, password=PASSWORD)
    assert client.get(reverse(url_name)).status_code == 403
    assert client.post(reverse(url_name), {"decision": "all"}).status_code == 403


def test_should_link_every_import_from_the_register_home(world, signed_in, client):
    page = signed_in.get(reverse("assets:home")).content.decode()
    for url_name in (
        "assets:import",
        "assets:software_import",
        "assets:licence_import",
        "assets:contract_import",
    ):
        assert f'href="{reverse(url_name)}"' in page
    client.login(username=world.manager_north.username, password=PASSWORD)
    page = client.get(reverse("assets:home")).content.decode()
    assert reverse("assets:licence_import") not in page  # the head of ICT only reads
