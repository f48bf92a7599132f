"""Benchmark the history import of the whole ServiceNow event log (119,998 rows, 20,769
incidents) with the shipped example mapping, on a fresh SQLite database.

Creates (or empties) the database in CIVICDESK_VAR_DIR, migrates it, sets up an organisation
on office hours and the legacy service the mapping names, then times:

- "import": the first import (people, teams, categories, calls, links and timelines);
- "re-import": the same file again (every ticket found unchanged, nothing written).

    CIVICDESK_VAR_DIR=var/bench-history .venv/bin/python bench/bench_history.py

The log is read from the zip in CIVICDESK_SHARED_DATA (default: <repo>/../shared/data, else
/work/shared/data) and unzipped into the var dir. Goal: the import in under a minute.
"""

from __future__ import annotations

import os
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
VAR = Path(os.environ.setdefault("CIVICDESK_VAR_DIR", str(ROOT / "var" / "bench-history")))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
ZIP_NAME = "servicenow_incident_event_log.csv.zip"


def event_log() -> Path:
    """The unzipped ServiceNow CSV (unzipped once into the var dir)."""
    folders = [os.environ.get("CIVICDESK_SHARED_DATA"), ROOT.parent / "shared" / "data"]
    folders.append("/work/shared/data")
    for folder in folders:
        if folder and (Path(folder) / ZIP_NAME).is_file():
            with zipfile.ZipFile(Path(folder) / ZIP_NAME) as archive:
                name = next(n for n in archive.namelist() if n.endswith(".csv"))
                target = VAR / "servicenow" / name
                if not target.is_file():
                    archive.extract(name, VAR / "servicenow")
                return target
    sys.exit(f"{ZIP_NAME} not found: set CIVICDESK_SHARED_DATA.")


def main() -> None:
    """Fresh database, then time the import and the re-import."""
    VAR.mkdir(parents=True, exist_ok=True)
    database = VAR / "civicdesk.sqlite3"
    if "DATABASE_URL" not in os.environ:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    path = event_log()

    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from core.models import BusinessCalendar, OpeningHours, Organisation, Team
    from history.actions import execute_run, start_command_run
    from servicedesk.models import Service

    calendar = BusinessCalendar.objects.create(name="Bench office", holiday_region="ENG")
    OpeningHours.objects.bulk_create(
        OpeningHours(calendar=calendar, weekday=day, opens=dt.time(9), closes=dt.time(17))
        for day in range(5)
    )
    organisation = Organisation.objects.create(
        name="Bench council", slug="bench", calendar=calendar
    )
    team = Team.objects.create(name="Bench desk", kind="service_desk")
    Service.objects.create(name="Legacy ServiceNow incidents", owner_team=team)
    mapping = (ROOT / "history" / "examples" / "servicenow.toml").read_text(encoding="utf-8")

    for label in ("import", "re-import"):
        run = start_command_run(path=path, mapping_text=mapping, organisation=organisation)
        started, cpu = time.perf_counter(), time.process_time()
        with path.open("rb") as stream:
            outcome = execute_run(run, stream, size=path.stat().st_size)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        if outcome is None:
            sys.exit(f"{label} failed: {run.error}")
        # CPU time beside wall time: on a shared machine the wall time mostly says how busy it is.
        print(f"{label:10s} {elapsed:6.1f} s wall, {cpu:6.1f} s CPU  {outcome.summary()}")


if __name__ == "__main__":
    main()
