"""KPI targets and manual measures: actions, audit, RAG, forms and the Excel import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook

from core.exceptions import ActionForbidden, InvalidInput
from core.models import AuditEvent
from kpis.actions import do_import_manual_measures, do_save_kpi_target, do_save_manual_measure
from kpis.importers import validate_measure_rows
from kpis.models import KpiTarget, ManualMeasure, Rag
from kpis.reports import target_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_should_rate_red_amber_green_for_both_directions(world):
    higher = KpiTarget(kpi="first_time_fix", period_kind="month", target=80, amber_threshold=70)
    assert [higher.rag(v) for v in (85, 80, 75, 69.9, None)] == [
        Rag.GREEN,
        Rag.GREEN,
        Rag.AMBER,
        Rag.RED,
        Rag.NONE,
    ]
    lower = KpiTarget(
        kpi="time_to_fix", period_kind="month", target=8, amber_threshold=10, higher_is_better=False
    )
    assert [lower.rag(v) for v in (7, 8, 9, 11)] == [Rag.GREEN, Rag.GREEN, Rag.AMBER, Rag.RED]


def test_should_save_a_target_through_the_action_with_an_audit_event(world):
    target = do_save_kpi_target(
        actor=world.manager_north,
        kpi="first_time_fix",
        organisation=world.north,
        period_kind="month",
        target=Decimal(80),
        amber_threshold=Decimal(70),
        higher_is_better=True,
    )
    event = AuditEvent.objects.get(verb="kpi_target.created")
    assert event.object_id == str(target.pk) and event.actor == world.manager_north
    do_save_kpi_target(
        actor=world.manager_north,
        target_id=target.pk,
        expected_version=target.version,
        target=Decimal(85),
    )
    assert KpiTarget.objects.get(pk=target.pk).target == 85
    assert AuditEvent.objects.filter(verb="kpi_target.changed").count() == 1


def test_should_refuse_targets_for_other_organisations_and_defaults_to_managers(world):
    fields = dict(
        kpi="first_time_fix", period_kind="month", target=Decimal(80), amber_threshold=Decimal(70)
    )
    with pytest.raises(ActionForbidden):
        do_save_kpi_target(actor=world.manager_north, organisation=world.east, **fields)
    with pytest.raises(ActionForbidden):
        do_save_kpi_target(actor=world.manager_north, organisation=None, **fields)
    with pytest.raises(ActionForbidden):
        do_save_kpi_target(actor=world.agent, organisation=world.north, **fields)
    assert (
        not KpiTarget.objects.exists()
        and not AuditEvent.objects.filter(verb__startswith="kpi_target").exists()
    )


def test_should_refuse_an_amber_band_on_the_wrong_side(world):
    with pytest.raises(InvalidInput, match="amber cannot be above"):
        do_save_kpi_target(
            actor=world.admin,
            organisation=None,
            kpi="first_time_fix",
            period_kind="month",
            target=Decimal(80),
            amber_threshold=Decimal(90),
            higher_is_better=True,
        )


def test_should_prefer_the_organisations_target_over_the_default(world):
    common = dict(kpi="first_time_fix", period_kind="month", amber_threshold=Decimal(50))
    do_save_kpi_target(actor=world.admin, organisation=None, target=Decimal(70), **common)
    do_save_kpi_target(actor=world.admin, organisation=world.north, target=Decimal(90), **common)
    assert target_for("first_time_fix", world.north.pk, "month").target == 90
    assert target_for("first_time_fix", world.east.pk, "month").target == 70
    assert target_for("first_time_fix", None, "week") is None


def test_should_replace_a_months_figure_rather_than_duplicate_it(world):
    first = do_save_manual_measure(
        actor=world.manager_north,
        organisation=world.north,
        month=dt.date(2026, 11, 17),
        kind="network_logins",
        value=Decimal(1000),
    )
    assert first.month == dt.date(2026, 11, 1)
    do_save_manual_measure(
        actor=world.manager_north,
        organisation=world.north,
        month=dt.date(2026, 11, 2),
        kind="network_logins",
        value=Decimal(1200),
    )
    assert ManualMeasure.objects.get().value == 1200
    assert AuditEvent.objects.filter(verb="manual_measure.corrected").count() == 1
    with pytest.raises(InvalidInput):
        do_save_manual_measure(
            actor=world.manager_north,
            organisation=world.north,
            month=dt.date(2026, 11, 2),
            kind="network_logins",
            value=Decimal(-1),
        )


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD = [
    ["Organisation", "Month", "Measure", "Value", "Note"],
    ["north", "2026-11", "network_logins", 2000, "from AD"],
    ["Northshire County Council", dt.date(2026, 11, 30), "Unique remote accesses", 450, ""],
]


def test_should_report_every_bad_row_and_write_nothing(world):
    from assets.importers import read_table

    table = read_table(
        "m.xlsx",
        _xlsx([*GOOD, ["east", "2026-11", "network_logins", 5], ["north", "soon", "x", "-3"]]),
    )
    rows = validate_measure_rows(table, world.manager_north)
    assert [row.valid for row in rows] == [True, True, False, False]
    assert "unknown or not yours" in rows[2].errors[0]  # east is not the north manager's
    assert len(rows[3].errors) == 3
    with pytest.raises(InvalidInput, match="Nothing was imported"):
        do_import_manual_measures(actor=world.manager_north, rows=rows)
    assert not ManualMeasure.objects.exists()


def test_should_import_a_valid_file_once_through_preview_and_confirm(world, client):
    client.login(username="manager_north", password=PASSWORD)
    url = reverse("kpis:measure_import")
    upload = BytesIO(_xlsx(GOOD))
    upload.name = "measures.xlsx"
    preview = client.post(url, {"file": upload})
    assert preview.status_code == 200 and b"2 valid rows, 0 with errors" in preview.content
    assert not ManualMeasure.objects.exists()  # a preview writes nothing
    done = client.post(url, {"confirm": "1"})
    assert done.status_code == 302
    assert sorted(ManualMeasure.objects.values_list("kind", "value")) == [
        ("network_logins", Decimal("2000.00")),
        ("remote_accesses", Decimal("450.00")),
    ]
    # The same file again changes nothing.
    rows = validate_measure_rows([list(r) for r in GOOD], world.manager_north)
    assert do_import_manual_measures(actor=world.manager_north, rows=rows)["unchanged"] == 2


def test_should_show_a_file_with_errors_without_offering_to_import_it(world, client):
    client.login(username="manager_north", password=PASSWORD)
    upload = BytesIO(_xlsx([*GOOD, ["north", "2026-11", "network_logins", 1]]))
    upload.name = "measures.xlsx"
    response = client.post(reverse("kpis:measure_import"), {"file": upload})
    assert b"Same organisation, month and measure as row 2" in response.content
    assert b'name="confirm"' not in response.content
    assert client.post(reverse("kpis:measure_import"), {"confirm": "1"}).status_code == 302
    assert not ManualMeasure.objects.exists()


def test_should_enter_targets_and_measures_on_forms(world, client):
    client.login(username="manager_north", password=PASSWORD)
    response = client.post(
        reverse("kpis:target_create"),
        {
            "kpi": "first_time_fix",
            "organisation": world.north.pk,
            "period_kind": "month",
            "target": "80",
            "amber_threshold": "70",
            "higher_is_better": "on",
        },
    )
    assert response.status_code == 302 and KpiTarget.objects.get().organisation == world.north
    response = client.post(
        reverse("kpis:measure_create"),
        {
            "organisation": world.north.pk,
            "month": "2026-11-05",
            "kind": "tokens_in_use",
            "value": "500",
        },
    )
    assert response.status_code == 302 and ManualMeasure.objects.get().month == dt.date(2026, 11, 1)
    listing = client.get(reverse("kpis:measure_list"))
    assert b"Remote access tokens in use" in listing.content
    # Another organisation's figure cannot be entered.
    response = client.post(
        reverse("kpis:measure_create"),
        {
            "organisation": world.east.pk,
            "month": "2026-11-05",
            "kind": "tokens_in_use",
            "value": "5",
        },
    )
    assert response.status_code == 200 and ManualMeasure.objects.count() == 1
