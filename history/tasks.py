"""Background task of history imports, run by Huey."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def import_history_task(run_id: int) -> int:
    """Perform a queued history import run (started from its page)."""
    from history.actions import execute_run
    from history.models import HistoryImportRun

    run = HistoryImportRun.objects.select_related("organisation", "started_by").get(pk=run_id)
    execute_run(run)
    return run.pk


@db_task()
def preview_history_task(run_id: int) -> int:
    """Dry-run an uploaded history import (its preview), away from the upload's request."""
    from history.actions import execute_run
    from history.models import HistoryImportRun

    run = HistoryImportRun.objects.select_related("organisation", "started_by").get(pk=run_id)
    execute_run(run, dry_run=True)
    return run.pk
