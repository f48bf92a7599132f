"""History import on small hand-written event logs: the rebuilt timeline and measures,
idempotence, rollback, rejected rows, "?" as none, XLSX input and the command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from core.models import AuditEvent, Team, User
from history import importer as importer_module
from history.actions import execute_run, start_command_run
from history.importer import HistoryImport, ImportFailed
from history.mapping import MappingError, load_mapping
from history.models import HistoryImportRun, ImportedTicket, RunState
from kpis.metrics import Cut, Period, Source
from kpis.metrics.calls import first_time_fix, fixed_within_4_hours, team_performance
from servicedesk.models import Category, Incident
from tests.history.conftest import HEADER, MAPPING, ROWS, write_csv

UTC = dt.UTC
HOUR = 3600


def at(day, hour, minute=0):
    """An instant of November 2026 (GMT, so UTC)."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def run_import(world, path, mapping_text=MAPPING, **options):
    """Import a file as the command does: a run record, then the run."""
    run = start_command_run(
        path=path,
        mapping_text=mapping_text,
        organisation=world.north,
        actor=world.admin,
        accept_rejects=options.pop("accept_rejects", False),
    )
    with open(path, "rb") as stream:
        outcome = execute_run(run, stream, **options)
    run.refresh_from_db()
    return run, outcome


def snapshot():
    """Everything an import writes, to compare before and after."""
    return {
        "incidents": list(Incident.objects.order_by("pk").values()),
        "links": list(ImportedTicket.objects.order_by("pk").values()),
        "audit": AuditEvent.objects.count(),
        "people": User.objects.count(),
        "teams": Team.objects.count(),
        "categories": Category.objects.count(),
    }


def test_should_rebuild_each_ticket_with_its_real_timeline_and_measures(office, tmp_path):
    run, outcome = run_import(office, write_csv(tmp_path, ROWS))
    assert run.state == RunState.FINISHED, run.error
    assert (outcome.rows, outcome.tickets, outcome.created) == (12, 2, 2)
    a = Incident.objects.get(imported_from__source_reference="A")
    b = Incident.objects.get(imported_from__source_reference="B")

    assert a.status == "closed" and a.organisation == office.north and a.service == office.legacy
    assert (a.opened_at, a.first_response_at) == (at(2, 9), at(2, 10))
    assert (a.resolved_at, a.closed_at) == (at(3, 12), at(5, 9))
    assert a.pauses == [(at(2, 11), at(3, 11)), (at(3, 12), None)]
    assert a.business_seconds_to_respond == 1 * HOUR
    assert a.business_seconds_to_resolve == 3 * HOUR  # 9-11 Monday, 11-12 Tuesday
    assert a.wall_seconds_to_resolve == 27 * HOUR
    assert (a.reassignment_count, a.reopen_count) == (0, 0)
    assert (a.channel, a.priority, a.team.name) == ("phone", 3, "Desk")
    assert a.caller.username == "old-caller-1" and not a.caller.is_active
    assert a.assignee.username == "old-res-1"
    assert str(a.category) == "Old desk › Email"
    assert a.imported_from.source_system == "oldesk" and a.imported_from.run == run

    assert b.status == "resolved"
    assert b.resolved_at == at(3, 10)
    # 6 h on Monday, 1 h on Tuesday; the night it sat resolved before the reopen is not counted.
    assert b.business_seconds_to_resolve == 7 * HOUR
    assert b.wall_seconds_to_resolve == 25 * HOUR
    assert (b.reassignment_count, b.reopen_count) == (1, 1)
    assert (b.channel, b.priority, b.team.name) == ("portal", 2, "Network")
    assert b.resolution_target_seconds == 8 * HOUR  # the default P2 standard
    assert b.auto_close_at is not None

    verbs = list(
        AuditEvent.objects.filter(object_id=str(b.pk))
        .order_by("at", "pk")
        .values_list("verb", flat=True)
    )
    assert verbs[:6] == [
        "incident.logged",
        "incident.assigned",
        "incident.reassigned",
        "incident.started",
        "incident.resolved",
        "incident.reopened",
    ]


def test_should_feed_the_kpis_like_native_calls(office, tmp_path):
    run_import(office, write_csv(tmp_path, ROWS))
    source = Source(office.admin, Cut(organisation=office.north.pk))
    period = Period.custom(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    fix = first_time_fix(source, period)
    assert (fix.numerator, fix.denominator, fix.value) == (1, 2, 50.0)  # A only
    four = fixed_within_4_hours(source, period)
    assert (four.numerator, four.denominator) == (1, 2)  # A: 3 business hours; B: 7
    assert four.extra["wall_clock"] == 0.0  # 27 h and 25 h of wall-clock time
    teams = {row["label"]: row for row in team_performance(source, period).rows}
    assert (teams["Desk"]["reassigned_out"], teams["Network"]["reassigned_in"]) == (1, 1)


def test_should_change_nothing_when_the_same_file_is_imported_twice(office, tmp_path):
    path = write_csv(tmp_path, ROWS)
    run_import(office, path)
    before = snapshot()
    second, outcome = run_import(office, path)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 2)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert snapshot() == before


def test_should_update_only_the_ticket_whose_history_changed(office, tmp_path):
    run_import(office, write_csv(tmp_path, ROWS))
    changed = [
        *ROWS[:4],
        ROWS[4].replace("03/11/2026 12:00", "03/11/2026 13:00"),
        ROWS[5],
        *ROWS[6:],
    ]
    run, outcome = run_import(office, write_csv(tmp_path, changed, "second.csv"))
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 1)
    a = Incident.objects.get(imported_from__source_reference="A")
    assert a.business_seconds_to_resolve == 4 * HOUR and a.version == 2
    event = AuditEvent.objects.get(verb="incident.history_updated")
    assert event.object_id == str(a.pk) and "resolved_at" in event.after
    assert Incident.objects.count() == 2


def test_should_write_nothing_and_name_the_row_when_a_ticket_cannot_be_imported(office, tmp_path):
    # C (row 14) has no caller and the mapping gives no default one.
    rows = [*ROWS, "C,0,02/11/2026 09:00,New,02/11/2026 09:00,2 - High,Web,New team,?,?,?"]
    before = snapshot()
    run, outcome = run_import(office, write_csv(tmp_path, rows))
    assert outcome is None and run.state == RunState.FAILED
    assert run.error == "Row 14 (ticket C): no caller, and the mapping gives no [defaults] caller."
    assert snapshot() == before  # no people, teams, categories or calls from A and B either


def test_should_roll_back_calls_already_written_when_writing_fails(office, tmp_path, monkeypatch):
    calls = {"n": 0}
    real = importer_module.fast_insert

    def failing(model, rows, converters):
        calls["n"] += 1
        if calls["n"] == 2:  # the second batch's timeline, after the first batch was written
            from django.db import DatabaseError

            raise DatabaseError("disk full")
        real(model, rows, converters)

    monkeypatch.setattr(importer_module, "fast_insert", failing)
    before = snapshot()
    mapping = load_mapping(MAPPING)
    run = start_command_run(
        path=write_csv(tmp_path, ROWS), mapping_text=MAPPING, organisation=office.north
    )
    job = HistoryImport(mapping, office.north, batch_size=1)
    with pytest.raises(ImportFailed, match="disk full"):
        with open(tmp_path / "log.csv", "rb") as stream:
            job.run(stream, "log.csv", run=run)
    assert calls["n"] == 2
    assert snapshot() == before


def test_should_refuse_when_too_many_rows_are_unusable_unless_told(office, tmp_path):
    bad = [
        "D,0,31/02/2026 09:00,New,02/11/2026 09:00,3 - Moderate,Phone,Desk,?,Caller 4,?",
        "D,1,02/11/2026 10:00,Frozen,02/11/2026 09:00,3 - Moderate,Phone,Desk,?,Caller 4,?",
    ]
    path = write_csv(tmp_path, [*ROWS, *bad])
    before = snapshot()
    run, outcome = run_import(office, path)
    assert outcome is None and run.state == RunState.REFUSED
    # 2 of 14 rows is 14.3%, over the mapping's 10%: both rows are named with their reasons.
    assert "2 of 14 rows" in run.error
    assert "row 14 (D): timestamp '31/02/2026 09:00' does not match" in run.error
    assert "row 15 (D): status 'Frozen' is not in the mapping's [statuses]" in run.error
    assert snapshot() == before

    run, outcome = run_import(office, path, accept_rejects=True)
    assert run.state == RunState.FINISHED and run.created == 2 and run.rejected == 2
    assert [item["row"] for item in run.rejected_rows] == [14, 15]
    assert not ImportedTicket.objects.filter(source_reference="D").exists()


def test_should_treat_question_marks_as_no_value(office, tmp_path):
    run_import(office, write_csv(tmp_path, ROWS))
    b = Incident.objects.get(imported_from__source_reference="B")
    assert b.category is None  # "?" in every row
    assert b.assignee.username == "old-res-2"  # "?" rows did not clear it
    assert not User.objects.filter(username="old-").exists()
    assert not Team.objects.filter(name="?").exists()


def test_should_import_an_excel_workbook_like_the_csv(office, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    for line in ROWS:
        values = line.split(",")
        # Dates as real date cells, as Excel users keep them.
        values[2] = dt.datetime.strptime(values[2], "%d/%m/%Y %H:%M")
        values[1] = int(values[1])
        sheet.append(values)
    path = tmp_path / "log.xlsx"
    workbook.save(path)
    run, outcome = run_import(office, path)
    assert run.state == RunState.FINISHED, run.error
    a = Incident.objects.get(imported_from__source_reference="A")
    assert a.business_seconds_to_resolve == 3 * HOUR and a.resolved_at == at(3, 12)
    assert outcome.created == 2


def test_should_refuse_a_mapping_with_every_problem_listed():
    text = MAPPING.replace('"Closed" = "closed"', '"Closed" = "finished"').replace(
        'ticket = "number"', ""
    )
    with pytest.raises(MappingError) as caught:
        load_mapping(text)
    assert "[columns] 'ticket' is required." in str(caught.value)
    assert "'Closed': state 'finished' is not one of" in str(caught.value)


def test_should_refuse_a_file_missing_a_mapped_column(office, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("number,seq,updated\nA,0,02/11/2026 09:00\n", encoding="utf-8")
    run, outcome = run_import(office, path)
    assert outcome is None and "The file has no column 'state' (status)" in run.error


def test_command_should_dry_run_without_writing_then_import(office, tmp_path):
    path = write_csv(tmp_path, ROWS)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    before = snapshot()
    out = io.StringIO()
    call_command(
        "import_history",
        str(path),
        mapping=str(mapping),
        organisation="north",
        dry_run=True,
        stdout=out,
    )
    assert "would create 2" in out.getvalue()
    assert snapshot() == before and not HistoryImportRun.objects.exists()

    call_command(
        "import_history", str(path), mapping=str(mapping), organisation="north", stdout=out
    )
    assert Incident.objects.count() == 2
    with pytest.raises(CommandError, match="There is no organisation 'nowhere'"):
        call_command("import_history", str(path), mapping=str(mapping), organisation="nowhere")


def test_the_readme_documents_a_complete_mapping_equal_to_the_shipped_example():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Importing ticket history", 1)[1]
    documented = load_mapping(section.split("```toml\n", 1)[1].split("```", 1)[0])
    shipped = load_mapping((root / "history/examples/servicenow.toml").read_text(encoding="utf-8"))
    for name in ("source", "columns", "statuses", "priorities", "channels", "service"):
        assert getattr(documented, name) == getattr(shipped, name)
