"""The write path of history imports: preview (dry run), queue, and perform a run.

A run's record is written outside the import's transaction: it must survive a rolled-back
import to say why it failed. Progress goes to the run's page straight away (not on commit):
it announces no data, and the import's transaction only commits at the very end.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from core.exceptions import ActionError, ActionForbidden, InvalidInput
from core.models import Organisation
from core.realtime import broadcast, broadcast_on_commit
from history.importer import HistoryImport, ImportFailed, ImportRefused, Outcome
from history.mapping import Mapping, MappingError, load_mapping
from history.models import HistoryImportRun, RunState
from history.reader import is_xlsx

PERMISSION = "history.run_history_import"
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def run_group(run_id: int) -> str:
    """The channel-layer group of one run's progress."""
    return f"history.run.{run_id}"


def _check(actor) -> None:
    if actor is not None and not actor.has_perm(PERMISSION):
        raise ActionForbidden("Only administrators may import ticket history.")


def resolve_organisation(mapping: Mapping, slug: str | None) -> Organisation:
    """The organisation named by the command or page, else by the mapping."""
    slug = slug or mapping.organisation
    if not slug:
        raise InvalidInput(
            "Say which organisation the history belongs to (--organisation or the mapping's "
            "organisation setting).",
            field="organisation",
        )
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise InvalidInput(f"There is no organisation {slug!r}.", field="organisation")
    return organisation


def _store_outcome(run: HistoryImportRun, outcome: Outcome, state: str) -> None:
    """Copy a run's counts onto its record and save them (outside the import's transaction)."""
    run.rows, run.tickets = outcome.rows, outcome.tickets
    run.created, run.updated, run.unchanged = outcome.created, outcome.updated, outcome.unchanged
    run.rejected = outcome.rejected_count
    run.rejected_rows = [item.as_dict() for item in outcome.rejected[:1000]]
    run.people_created = outcome.people_created
    run.teams_created = outcome.teams_created
    run.categories_created = outcome.categories_created
    run.seconds = round(outcome.seconds, 2)
    run.state = state
    run.progress = 100
    run.error = ""
    run.finished_at = timezone.now()
    run.save()


def _fail(run: HistoryImportRun, exc: Exception) -> None:
    run.state = RunState.REFUSED if isinstance(exc, ImportRefused) else RunState.FAILED
    run.error = str(exc)
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "error", "finished_at"])


def progress_for(run: HistoryImportRun):
    """A progress callback broadcasting to the run's page (and saving it when it can)."""
    group = run_group(run.pk)

    def report(percent: int, message: str) -> None:
        broadcast(group, {"type": "progress", "percent": percent, "message": message})
        if not connection.in_atomic_block:
            HistoryImportRun.objects.filter(pk=run.pk).update(progress=percent)

    return report


def do_preview_import(
    *,
    actor,
    organisation: Organisation,
    upload,
    mapping_text: str,
    accept_rejects: bool = False,
) -> HistoryImportRun:
    """Keep an uploaded file and mapping as a run and queue its dry run (the counts it would
    give) for the worker: a long log would otherwise hold the upload's request for minutes.
    The run's page shows the dry run's progress, then its preview.

    Nothing but the run record (and the stored file) is written. A mapping that cannot be
    used is refused before anything is stored.
    """
    _check(actor)
    try:
        load_mapping(mapping_text)  # refused here, on the form, before anything is stored
    except MappingError as exc:
        raise InvalidInput(str(exc), field="mapping") from exc
    if upload.size > MAX_UPLOAD_BYTES:
        raise InvalidInput("The file is larger than 200 MB.", field="file")
    content = upload.read()
    if not content:
        raise InvalidInput("The file is empty.", field="file")
    run = HistoryImportRun(
        organisation=organisation,
        file_name=Path(upload.name).name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        mapping=mapping_text,
        started_by=actor,
        accept_rejects=accept_rejects,
        state=RunState.PREVIEWING,
    )
    run.file.save(run.file_name, ContentFile(content), save=False)
    with transaction.atomic():
        run.save()
        from history.tasks import preview_history_task

        transaction.on_commit(lambda: preview_history_task(run.pk))
        broadcast_on_commit(
            run_group(run.pk), {"type": "progress", "percent": 0, "message": "Dry run queued"}
        )
    return run


@transaction.atomic
def do_queue_import(*, actor, run_id: int) -> HistoryImportRun:
    """Queue a previewed run for the worker; its page then shows live progress."""
    _check(actor)
    run = HistoryImportRun.objects.select_for_update().get(pk=run_id)
    if run.state != RunState.PREVIEWED:
        raise ActionError(f"This run is {run.get_state_display().lower()}: it cannot be started.")
    run.state = RunState.QUEUED
    run.progress = 0
    run.save(update_fields=["state", "progress"])
    from history.tasks import import_history_task

    transaction.on_commit(lambda: import_history_task(run.pk))
    broadcast_on_commit(run_group(run.pk), {"type": "progress", "percent": 0, "message": "Queued"})
    return run


def execute_run(
    run: HistoryImportRun,
    stream=None,
    *,
    size: int | None = None,
    progress=None,
    dry_run: bool = False,
) -> Outcome | None:
    """Perform a run: import its file with its mapping (or, for a dry run, count what the
    import would do); record and announce the outcome.

    Returns the outcome, or None when the run failed or was refused (the reason is on the
    run, naming the row). `stream` defaults to the run's stored file.
    """
    run.state = RunState.PREVIEWING if dry_run else RunState.RUNNING
    run.started_at = timezone.now()
    run.error = ""
    run.save(update_fields=["state", "started_at", "error"])
    group = run_group(run.pk)
    try:
        mapping = load_mapping(run.mapping)
        importer = HistoryImport(
            mapping,
            run.organisation,
            actor=run.started_by,
            accept_rejects=run.accept_rejects,
            progress=progress or progress_for(run),
        )
        if stream is None:
            with run.file.open("rb") as stored:
                outcome = importer.run(
                    stored, run.file_name, run=run, size=run.file.size, dry_run=dry_run
                )
        else:
            outcome = importer.run(stream, run.file_name, run=run, size=size, dry_run=dry_run)
    except (ImportFailed, MappingError) as exc:
        _fail(run, exc)
        broadcast(
            group,
            {
                "type": "finished",
                "state": run.state,
                "label": run.get_state_display(),
                "error": run.error,
            },
        )
        return None
    _store_outcome(run, outcome, RunState.PREVIEWED if dry_run else RunState.FINISHED)
    broadcast(
        group,
        {
            "type": "finished",
            "state": run.state,
            "label": run.get_state_display(),
            "rows": run.rows,
            "tickets": run.tickets,
            "created": run.created,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "rejected": run.rejected,
            "seconds": run.seconds,
        },
    )
    return outcome


def start_command_run(
    *, path: Path, mapping_text: str, organisation: Organisation, actor=None, accept_rejects=False
) -> HistoryImportRun:
    """The record of a run started from the command line (the file stays where it is)."""
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
    return HistoryImportRun.objects.create(
        organisation=organisation,
        file_name=path.name[:255],
        sha256=digest.hexdigest(),
        mapping=mapping_text,
        started_by=actor,
        accept_rejects=accept_rejects,
        state=RunState.QUEUED,
    )


def file_kind(name: str) -> str:
    """ "XLSX" or "CSV", as the reader will treat the file."""
    return "XLSX" if is_xlsx(name) else "CSV"
