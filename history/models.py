"""Records of history imports: each run, and which civicdesk call each source ticket became."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.models.base import ScopedManager


class RunState(models.TextChoices):
    """Where a run stands; the colour is its badge's."""

    PREVIEWING = "previewing", "Dry run under way"
    PREVIEWED = "previewed", "Previewed (dry run)"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Failed"

    @property
    def colour(self) -> str:
        """Bootstrap colour of this state's badge."""
        return {
            "previewing": "secondary",
            "previewed": "info",
            "queued": "secondary",
            "running": "warning",
            "finished": "success",
            "refused": "danger",
            "failed": "danger",
        }[self.value]


def upload_path(instance, filename: str) -> str:
    """Uploaded event logs are kept under a name of the run, never the uploader's own name."""
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    return f"history/uploads/run-{instance.organisation_id}-{instance.sha256[:16]}{suffix}"


class HistoryImportRun(models.Model):
    """One import (or dry run) of an event log file with a mapping, and what it did.

    Counts are of the last pass: a preview holds what the import would do; a finished run
    what it did. Rejected rows (not usable, skipped) are kept with their reasons; `error`
    holds the reason a run failed or was refused, naming the row.
    """

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="history_imports"
    )
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=upload_path, max_length=200, blank=True)
    mapping = models.TextField(help_text="The mapping file (TOML) the run used.")
    started_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=12, choices=RunState.choices, default=RunState.QUEUED)
    accept_rejects = models.BooleanField(
        default=False, help_text="Proceed even when more rows are rejected than the mapping allows."
    )
    rows = models.PositiveIntegerField(default=0)
    tickets = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    rejected_rows = models.JSONField(
        default=list, blank=True, help_text="[{row, ticket, reason}], the first 1,000."
    )
    people_created = models.PositiveIntegerField(default=0)
    teams_created = models.PositiveIntegerField(default=0)
    categories_created = models.PositiveIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    error = models.TextField(blank=True)
    seconds = models.FloatField(null=True, blank=True)

    objects = ScopedManager()

    visibility_organisation_field = "organisation"

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("run_history_import", "Can import ticket history from another tool")]

    def __str__(self) -> str:
        return f"History import {self.pk}: {self.file_name}"

    def get_absolute_url(self) -> str:
        """The run's page."""
        return reverse("history:run_detail", args=[self.pk])

    @property
    def state_colour(self) -> str:
        """Badge colour of the run's state."""
        return RunState(self.state).colour


class ImportedTicket(models.Model):
    """The link from a source tool's ticket to the civicdesk call rebuilt from it: an incident
    or a service request, never both.

    The fingerprint is a digest of everything the import derived for the call (fields,
    measures, timeline): importing the same history again finds it equal and writes nothing.
    """

    incident = models.OneToOneField(
        "servicedesk.Incident",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="imported_from",
    )
    request = models.OneToOneField(
        "servicerequests.ServiceRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="imported_from",
    )
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    run = models.ForeignKey(HistoryImportRun, on_delete=models.PROTECT, related_name="imported")
    source_system = models.CharField(max_length=40)
    source_reference = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)

    objects = ScopedManager()

    visibility_organisation_field = "organisation"

    class Meta:
        ordering = ["source_system", "source_reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source_system", "source_reference"],
                name="imported_ticket_unique_source",
            ),
            models.CheckConstraint(
                condition=Q(incident__isnull=False, request__isnull=True)
                | Q(incident__isnull=True, request__isnull=False),
                name="imported_ticket_one_call",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_system} {self.source_reference}"
