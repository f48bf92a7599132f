"""Import ticket history from another service desk's event log (CSV or XLSX)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import ActionError
from core.models import User
from history.actions import (
    execute_run,
    progress_for,
    resolve_organisation,
    start_command_run,
)
from history.importer import HistoryImport, ImportFailed
from history.mapping import MappingError, load_mapping


class Command(BaseCommand):
    """`import_history FILE --mapping MAPPING [--organisation SLUG] [--dry-run]`."""

    help = (
        "Import ticket history from an event log (one row per update of a ticket) with a "
        "TOML mapping file. Importing the same file again changes nothing; any error leaves "
        "the database as it was."
    )

    def add_arguments(self, parser):
        """FILE, the mapping, and the options."""
        parser.add_argument("file", help="The event log: .csv or .xlsx")
        parser.add_argument("--mapping", required=True, help="The mapping file (TOML)")
        parser.add_argument("--organisation", help="Slug of the organisation (else the mapping's)")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count only; write nothing"
        )
        parser.add_argument(
            "--accept-rejects",
            action="store_true",
            help="Proceed even when more rows are unusable than the mapping allows",
        )
        parser.add_argument("--user", help="Username recorded as having run the import")

    def handle(self, *args, **options):
        """Run the import and report counts and rejected rows; fail clearly otherwise."""
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file {path}.")
        try:
            mapping_text = Path(options["mapping"]).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"The mapping cannot be read: {exc}.") from exc
        try:
            mapping = load_mapping(mapping_text)
            organisation = resolve_organisation(mapping, options["organisation"])
        except (MappingError, ActionError) as exc:
            raise CommandError(str(exc)) from exc
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"There is no user {options['user']!r}.")

        last = {"percent": -10}

        def progress(percent: int, message: str) -> None:
            if percent >= last["percent"] + 10 or percent == 100:
                last["percent"] = percent
                self.stdout.write(f"  {percent:3d}% {message}")

        size = path.stat().st_size
        if options["dry_run"]:
            importer = HistoryImport(
                mapping,
                organisation,
                actor=actor,
                accept_rejects=options["accept_rejects"],
                progress=progress,
            )
            try:
                with path.open("rb") as stream:
                    outcome = importer.run(stream, path.name, dry_run=True, size=size)
            except ImportFailed as exc:
                raise CommandError(str(exc)) from exc
        else:
            run = start_command_run(
                path=path,
                mapping_text=mapping_text,
                organisation=organisation,
                actor=actor,
                accept_rejects=options["accept_rejects"],
            )
            with path.open("rb") as stream:
                report = progress_for(run)

                def both(percent, message):
                    report(percent, message)
                    progress(percent, message)

                outcome = execute_run(run, stream, size=size, progress=both)
            if outcome is None:
                raise CommandError(f"Nothing was imported (run {run.pk}): {run.error}")
        for item in outcome.rejected[:50]:
            self.stdout.write(f"  rejected row {item.row} ({item.ticket or '-'}): {item.reason}")
        if outcome.rejected_count > 50:
            self.stdout.write(f"  ... and {outcome.rejected_count - 50} more rejected rows")
        prefix = "Dry run: " if options["dry_run"] else ""
        self.stdout.write(self.style.SUCCESS(prefix + outcome.summary()))
