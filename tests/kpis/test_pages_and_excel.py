"""The KPI pages (dashboard, definitions, detail, drill-down, printable reports) and the Excel
workbooks read back: values, RAG fills, native charts, definitions."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from kpis.excel import report_workbook
from kpis.metrics import KPIS, Cut, Period, PeriodKind
from kpis.models import KpiTarget, Rag
from kpis.reports import build_report
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

WEEK = {"period": "week", "day": "2026-11-25"}


@pytest.fixture
def manager(week_of_calls, client):
    client.login(username="manager_north", password=PASSWORD)
    KpiTarget.objects.create(
        kpi="first_time_fix", organisation=None, period_kind="week", target=80, amber_threshold=70
    )
    KpiTarget.objects.create(
        kpi="fixed_within_4_hours",
        organisation=None,
        period_kind="week",
        target=70,
        amber_threshold=60,
    )
    return client


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "definitions",
        "weekly_report",
        "monthly_pack",
        "wallboard",
        "target_list",
        "measure_list",
    ],
)
def test_should_refuse_kpi_pages_to_people_who_are_not_managers(world, client, name):
    client.login(username="agent", password=PASSWORD)
    assert client.get(reverse(f"kpis:{name}")).status_code == 403
    client.logout()
    assert client.get(reverse(f"kpis:{name}")).status_code == 302


def test_should_show_headline_kpis_with_target_and_rag(manager):
    response = manager.get(reverse("kpis:home"), WEEK)
    assert response.status_code == 200
    cards = {card["line"].kpi.key: card for card in response.context["cards"]}
    assert len(cards) == len(KPIS)
    # North manager: A B C D E resolved; first-time fix A B C = 60% against 80 (amber 70): red.
    assert cards["first_time_fix"]["value"] == "60.0%"
    assert cards["first_time_fix"]["line"].rag == Rag.RED
    # Fixed within 4 h: A B D E of 5 = 80% against 70: green.
    assert cards["fixed_within_4_hours"]["line"].rag == Rag.GREEN
    assert cards["customer_satisfaction"]["value"] == "no data"
    body = response.content.decode()
    assert 'data-rag="red"' in body and "vendor/chartjs/chart.umd.min.js" in body
    assert "cdn" not in body.lower()
    # The trend goes back 8 weeks, oldest first, ending with this week.
    assert cards["calls_logged"]["trend_labels"][-1] == "2026-W48"
    assert cards["calls_logged"]["trend_values"][-2:] == [1, 5]  # B the week before; A C D E F


def test_should_drill_down_to_the_calls_behind_a_number(manager, week_of_calls):
    calls = week_of_calls.calls
    response = manager.get(reverse("kpis:drilldown"), {**WEEK, "kpi": "first_time_fix"})
    shown = {row.record.pk for row in response.context["table"].rows}
    assert shown == {calls[k].pk for k in "ABCDE"}  # resolved this week, north only
    backlog = manager.get(reverse("kpis:drilldown"), {**WEEK, "kpi": "team_performance"})
    assert {row.record.pk for row in backlog.context["table"].rows} == {
        calls["F"].pk,
        calls["I"].pk,
    }
    # A KPI not made of calls has no calls to list: back to the dashboard.
    no_calls = manager.get(reverse("kpis:drilldown"), {**WEEK, "kpi": "availability"})
    assert no_calls.status_code == 302 and no_calls.url == reverse("kpis:home")


def test_should_list_every_definition_from_the_code(manager):
    response = manager.get(reverse("kpis:definitions"))
    body = response.content.decode()
    for kpi in KPIS:
        assert kpi.title in body
        assert escape(kpi.definition.splitlines()[0]) in body


def test_should_break_a_kpi_down_by_each_dimension(manager):
    response = manager.get(reverse("kpis:kpi_detail", args=["first_time_fix"]), WEEK)
    assert set(response.context["breakdowns"]) == {
        "organisation",
        "team",
        "service",
        "category",
        "priority",
        "channel",
    }
    teams = {row["label"]: row["value"] for row in response.context["breakdowns"]["team"].rows}
    assert teams == {"North Infrastructure": 0.0, "Service Desk": 75.0}


def test_should_print_the_weekly_report_for_the_last_complete_week_by_default(manager):
    response = manager.get(reverse("kpis:weekly_report"))
    assert response.status_code == 200
    today = dt.date.today()
    assert response.context["report"].period.last < today
    chosen = manager.get(reverse("kpis:weekly_report"), {"day": "2026-11-25"})
    assert chosen.context["report"].period.label == "2026-W48"
    assert b"window.print()" in chosen.content


def _workbook(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(response.content))


def test_should_export_the_weekly_report_with_rag_fills_charts_and_definitions(manager):
    response = manager.get(reverse("kpis:weekly_report"), {"day": "2026-11-25", "export": "xlsx"})
    workbook = _workbook(response)
    assert workbook.sheetnames[0] == "Summary" and workbook.sheetnames[-1] == "Definitions"
    assert len(workbook.sheetnames) == len(KPIS) + 2
    summary = workbook["Summary"]
    rows = {row[0].value: row for row in summary.iter_rows(min_row=6)}
    ftf = rows["First-time fix"]
    assert ftf[1].value == 60 and ftf[3].value == 80 and ftf[5].value == "Off target"
    assert ftf[1].fill.fgColor.rgb.endswith(Rag.RED.fill)
    assert rows["Fixed within 4 hours"][1].fill.fgColor.rgb.endswith(Rag.GREEN.fill)
    assert rows["Customer satisfaction"][1].value == "no data"
    sheet = workbook["First-time fix"]
    assert len(sheet._charts) == 2  # the trend line and the first breakdown's bars
    values = [cell.value for cell in sheet["A"]]
    assert "By team" in values and "By channel" in values
    definitions = workbook["Definitions"]
    assert definitions["A2"].value == KPIS[0].title
    assert definitions["D2"].value.startswith("Calls logged: the number of calls opened")


def test_should_build_the_monthly_pack_for_one_organisation_or_all(week_of_calls):
    november = Period.containing(PeriodKind.MONTH, dt.date(2026, 11, 1))
    admin = week_of_calls.admin
    both = build_report(admin, november, Cut(), breakdowns=True, trend=3)
    east = build_report(admin, november, Cut(organisation=week_of_calls.east.pk), trend=3)
    assert both.line("calls_logged").measure.value == 7  # A B C D E F H; I was October's
    assert east.line("calls_logged").measure.value == 1
    assert [label for label, _ in both.line("calls_logged").trend] == [
        "Sep 2026",
        "Oct 2026",
        "Nov 2026",
    ]
    workbook = report_workbook(both)
    buffer = BytesIO()
    workbook.save(buffer)
    again = load_workbook(BytesIO(buffer.getvalue()))
    assert sum(len(again[name]._charts) for name in again.sheetnames) >= len(KPIS)
