"""The whole real ServiceNow event log (../shared/data) imported with the shipped example
mapping; its KPIs checked against an independent computation on the raw CSV in this test.

The data file is not in the repository: it is found through CIVICDESK_SHARED_DATA, else
<repo>/../shared/data, else /work/shared/data. If it is missing the test fails (CI has it).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import zipfile
from collections import Counter, defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core import calendars
from core.models import AuditEvent, BusinessCalendar, OpeningHours, Organisation, Team, User
from history.actions import execute_run, start_command_run
from history.models import ImportedTicket, RunState
from kpis.metrics import Cut, Period, Source, compute_all
from kpis.metrics.calls import (
    calls_logged,
    first_time_fix,
    fixed_within_4_hours,
    reassignments,
    team_performance,
)
from servicedesk.models import Category, Incident, Service

REPO = Path(__file__).resolve().parents[2]
MAPPING = REPO / "history" / "examples" / "servicenow.toml"
ZIP_NAME = "servicenow_incident_event_log.csv.zip"
LONDON = ZoneInfo("Europe/London")
FOUR_HOURS = 4 * 3600
DONE = {"Resolved", "Closed"}
PENDING = {"Awaiting User Info", "Awaiting Evidence", "Awaiting Vendor", "Awaiting Problem"}
CHANNELS = {"Phone": "phone", "Email": "email", "Self service": "portal", "IVR": "phone"}

pytestmark = pytest.mark.django_db(transaction=False)


def shared_data() -> Path:
    """The shared data folder holding the real event log."""
    candidates = [os.environ.get("CIVICDESK_SHARED_DATA"), REPO.parent / "shared" / "data"]
    candidates.append("/work/shared/data")
    for candidate in candidates:
        if candidate and (Path(candidate) / ZIP_NAME).is_file():
            return Path(candidate)
    pytest.fail(
        f"{ZIP_NAME} not found: set CIVICDESK_SHARED_DATA to the folder holding it "
        f"(tried {', '.join(str(c) for c in candidates if c)})."
    )


@pytest.fixture(scope="module")
def event_log(tmp_path_factory) -> Path:
    """The CSV unzipped to a temporary folder."""
    folder = tmp_path_factory.mktemp("servicenow")
    with zipfile.ZipFile(shared_data() / ZIP_NAME) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        archive.extract(name, folder)
    return folder / name


def _instant(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=LONDON).astimezone(dt.UTC)


def expected_figures(path: Path, spec) -> dict:
    """The KPIs worked out straight from the raw rows, without the importer's code.

    Per incident (rows in sys_mod_count order, file order breaking ties): resolved when its
    last state is Resolved or Closed, at the last row's resolved_at, else when it last moved
    into Resolved/Closed. Business time counts each stretch between consecutive updates
    (times made non-decreasing from opened_at) whose state is neither pending nor a
    resolution later reopened, up to the resolution, on the office calendar.
    """
    tickets = defaultdict(list)
    with path.open(encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle)):
            tickets[row["number"]].append((int(row["sys_mod_count"]), line, row))
    figures = Counter()
    channels = Counter()
    for rows in tickets.values():
        rows = [row for _, _, row in sorted(rows, key=lambda item: item[:2])]
        last = rows[-1]
        channels[CHANNELS[last["contact_type"]]] += 1
        opened = _instant(rows[0]["opened_at"])
        states, times, previous, cursor = [], [], "New", opened
        for row in rows:
            state = previous if row["incident_state"] == "-100" else row["incident_state"]
            cursor = max(cursor, _instant(row["sys_updated_at"]))
            states.append(state)
            times.append(cursor)
            previous = state
        if states[-1] not in DONE:
            continue
        figures["resolved"] += 1
        if last["resolved_at"] != "?":
            resolved = _instant(last["resolved_at"])
        else:
            start = len(states) - 1
            while start > 0 and states[start - 1] in DONE:
                start -= 1
            resolved = times[start]
        if last["reassignment_count"] == "0" and last["reopen_count"] == "0":
            figures["first_time"] += 1
        business = calendars.business_seconds_between(spec, opened, min(times[0], resolved))
        for index, state in enumerate(states):
            begin = times[index]
            end = times[index + 1] if index + 1 < len(times) else resolved
            reopened_later = any(s not in DONE for s in states[index + 1 :])
            if state in PENDING or (state in DONE and reopened_later):
                continue
            begin, end = min(begin, resolved), min(max(end, begin), resolved)
            if state in DONE and index + 1 == len(states):
                end = max(end, resolved)
            business += calendars.business_seconds_between(spec, begin, end)
        if int(business) <= FOUR_HOURS:
            figures["within_4h"] += 1
        if (resolved - opened).total_seconds() <= FOUR_HOURS:
            figures["within_4h_wall"] += 1
    # Team changes the log shows: each change of assignment group after the first group.
    moves = 0
    for rows in tickets.values():
        team = None
        for _, _, row in sorted(rows, key=lambda item: item[:2]):
            group = row["assignment_group"]
            if group != "?" and group != team:
                moves += team is not None
                team = group
    return {"incidents": len(tickets), "channels": channels, "team_moves": moves, **figures}


def test_should_import_the_servicenow_log_with_the_kpis_of_the_raw_file(event_log, world):
    office = BusinessCalendar.objects.create(name="Office", holiday_region="ENG")
    OpeningHours.objects.bulk_create(
        OpeningHours(calendar=office, weekday=day, opens=dt.time(9), closes=dt.time(17))
        for day in range(5)
    )
    north = Organisation.objects.get(pk=world.north.pk)
    north.calendar = office
    north.save(update_fields=["calendar"])
    Service.objects.create(name="Legacy ServiceNow incidents", owner_team=world.desk)

    run = start_command_run(
        path=event_log,
        mapping_text=MAPPING.read_text(encoding="utf-8"),
        organisation=north,
        actor=world.admin,
    )
    with event_log.open("rb") as stream:
        outcome = execute_run(run, stream)
    run.refresh_from_db()
    assert run.state == RunState.FINISHED, run.error
    expected = expected_figures(event_log, office.spec())

    assert (run.rows, run.rejected) == (119998, 0)
    assert run.tickets == run.created == expected["incidents"] == 20769
    assert ImportedTicket.objects.filter(source_system="servicenow").count() == 20769

    source = Source(world.admin, Cut(organisation=north.pk))
    period = Period.custom(dt.date(2016, 1, 1), dt.date(2026, 12, 31))
    logged = calls_logged(source, period)
    assert logged.value == expected["incidents"]
    assert {row["key"]: row["value"] for row in logged.rows} == dict(expected["channels"])
    fix = first_time_fix(source, period)
    assert (fix.numerator, fix.denominator) == (expected["first_time"], expected["resolved"])
    four = fixed_within_4_hours(source, period)
    assert (four.numerator, four.denominator) == (expected["within_4h"], expected["resolved"])
    assert four.extra["wall_clock"] == pytest.approx(
        100 * expected["within_4h_wall"] / expected["resolved"]
    )
    # Reassignments in and out of teams come from the imported timeline (the audit log).
    moves = reassignments(source, period)
    assert sum(team["in"] for team in moves.values()) == expected["team_moves"]
    assert sum(team["out"] for team in moves.values()) == expected["team_moves"]
    assert team_performance(source, period).rows
    # Every KPI of the dashboard computes on the imported history.
    measures = compute_all(source, period)
    assert measures["calls_logged"].value == 20769
    assert measures["time_to_fix"].denominator == expected["resolved"]

    # The same file again changes nothing.
    counts = (
        Incident.objects.count(),
        AuditEvent.objects.count(),
        User.objects.count(),
        Team.objects.count(),
        Category.objects.count(),
    )
    last_update = Incident.objects.order_by("-updated_at").values_list("updated_at", flat=True)[0]
    again = start_command_run(
        path=event_log, mapping_text=run.mapping, organisation=north, actor=world.admin
    )
    with event_log.open("rb") as stream:
        second = execute_run(again, stream)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 20769)
    assert (
        Incident.objects.count(),
        AuditEvent.objects.count(),
        User.objects.count(),
        Team.objects.count(),
        Category.objects.count(),
    ) == counts
    assert Incident.objects.order_by("-updated_at").values_list("updated_at", flat=True)[0] == (
        last_update
    )
    assert outcome.seconds < 120  # a loose bound; bench/bench_history.py measures the figure
