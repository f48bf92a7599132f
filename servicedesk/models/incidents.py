"""Incidents, their comments, attachments and satisfaction survey answers."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from core.models.base import ScopedManager, TimestampedModel, VersionedModel
from servicedesk import sla
from servicedesk.choices import (
    OPEN_STATUSES,
    Channel,
    IncidentStatus,
    Level,
    PendingReason,
    Priority,
    ResolutionCode,
)
from servicedesk.workflows import IncidentWorkflow

REFERENCE_PREFIX = "INC"
OUTAGE_END_BEFORE_START = "The outage cannot end before it started."
OUTAGE_END_WITHOUT_START = "Give the time the outage started before the time it ended."


def parse_reference(text: str) -> int | None:
    """The primary key named by a reference such as INC0001234 (or plain digits), else None."""
    text = text.strip().upper()
    if text.startswith(REFERENCE_PREFIX):
        text = text[len(REFERENCE_PREFIX) :]
    return int(text) if text.isdigit() else None


class Incident(IncidentWorkflow, VersionedModel, TimestampedModel):
    """A call about something broken: who, what, how urgent, who works it, and its SLA clocks.

    The reference (INC0001234) is derived from the primary key, which the database hands out
    uniquely and in order, so two calls logged at once can never share one.
    """

    # The queue indexes below lead with these keys, so the single-column FK indexes are left
    # out: with them SQLite walks a whole team's history instead of its open calls.
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="incidents", db_index=False
    )
    caller = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="calls", db_index=False
    )
    logged_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="calls_logged"
    )
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.PORTAL)
    service = models.ForeignKey(
        "servicedesk.Service", on_delete=models.PROTECT, related_name="incidents"
    )
    category = models.ForeignKey(
        "servicedesk.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
    )
    short_description = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    impact = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.MEDIUM)
    urgency = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.MEDIUM)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.P3)
    is_vip_audience = models.BooleanField(
        default=False, help_text="Caller was a VIP when logged: VIP service standards apply."
    )
    team = models.ForeignKey(
        "core.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        db_index=False,
    )
    assignee = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents_assigned",
        db_index=False,
    )
    pending_reason = models.CharField(max_length=20, choices=PendingReason.choices, blank=True)
    reassignment_count = models.PositiveIntegerField(default=0)
    reopen_count = models.PositiveIntegerField(default=0)
    resolved_first_contact = models.BooleanField("resolved on first contact", default=False)
    is_major = models.BooleanField("major incident", default=False)
    major_incident = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="linked_calls",
        help_text="The major incident this call is one report of; its caller hears its updates.",
    )
    # The service outage of a major incident, which availability is measured from: an open
    # outage has a start but no end yet.
    outage_start = models.DateTimeField(null=True, blank=True)
    outage_end = models.DateTimeField(null=True, blank=True)
    affected_services = models.ManyToManyField(
        "servicedesk.Service",
        blank=True,
        related_name="major_incidents",
        help_text="Services down besides the call's own service, which always counts.",
    )
    assets = models.ManyToManyField(
        "assets.Asset",
        blank=True,
        related_name="incidents",
        help_text="Equipment of the call's organisation the fault concerns.",
    )
    affected_organisations = models.ManyToManyField(
        "core.Organisation",
        blank=True,
        related_name="major_incidents",
        help_text="Other organisations whose staff see the public updates.",
    )
    resolution_code = models.CharField(max_length=20, choices=ResolutionCode.choices, blank=True)
    resolution_notes = models.TextField(blank=True)

    # Timestamps of the life cycle.
    opened_at = models.DateTimeField(db_index=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    auto_close_at = models.DateTimeField(null=True, blank=True)

    # SLA clocks (see servicedesk.sla): targets, deadlines, pauses, measures, flags.
    response_target_seconds = models.PositiveIntegerField(default=0)
    resolution_target_seconds = models.PositiveIntegerField(default=0)
    response_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    sla_warn_at = models.DateTimeField(null=True, blank=True)
    sla_pauses = models.JSONField(default=list, blank=True)
    business_seconds_to_respond = models.PositiveIntegerField(null=True, blank=True)
    business_seconds_to_resolve = models.PositiveIntegerField(null=True, blank=True)
    wall_seconds_to_resolve = models.PositiveIntegerField(null=True, blank=True)
    response_breached = models.BooleanField(default=False)
    resolution_breached = models.BooleanField(default=False)
    sla_warned = models.BooleanField(default=False)
    sla_escalated = models.BooleanField(default=False)

    objects = ScopedManager()

    visibility_organisation_field = "organisation"
    visibility_owner_fields = ("caller",)

    class Meta:
        ordering = ["-id"]
        permissions = [
            ("work_incident", "Can work incidents (assign, take, hold, resolve, reopen)"),
            ("log_incident_for_others", "Can log incidents on behalf of a caller"),
            ("close_incident", "Can close a resolved incident for its caller"),
            ("reprioritise_incident", "Can change an incident's impact, urgency and service"),
            ("manage_major_incident", "Can declare, stand down and report on major incidents"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(outage_end__isnull=True)
                | Q(outage_start__isnull=False, outage_end__gte=F("outage_start")),
                name="incident_outage_ends_after_start",
            )
        ]
        indexes = [
            # Queues: a team's open calls newest first; unassigned; my calls.
            # The team queue's count and page keys come from this index alone (it holds the
            # visibility columns too), so page 200 costs no more than page 1.
            models.Index(
                fields=["team", "status", "organisation", "caller"], name="incident_team_cover"
            ),
            models.Index(fields=["assignee", "status", "-id"], name="incident_assignee_queue"),
            models.Index(fields=["status", "-id"], name="incident_status_queue"),
            models.Index(fields=["caller", "-id"], name="incident_caller"),
            # Sweeps and "breaching" queues are range scans on the stored deadlines.
            models.Index(fields=["status", "resolution_due"], name="incident_due"),
            models.Index(fields=["status", "sla_warn_at"], name="incident_warn"),
            models.Index(fields=["status", "auto_close_at"], name="incident_auto_close"),
            models.Index(fields=["organisation", "status", "-id"], name="incident_org_queue"),
            # KPIs (kpis.metrics) are range scans on the logging and resolution times within
            # the organisations a manager serves. The indexes hold every column the KPI pack
            # groups and counts by (dimensions, stored SLA measures), so a month's or a
            # trend's aggregates are read from the index alone, not from 1,000,000 wide rows.
            models.Index(
                fields=[
                    "organisation",
                    "opened_at",
                    "channel",
                    "team",
                    "service",
                    "category",
                    "priority",
                    "logged_by",
                    "caller",
                    "assignee",
                    "resolved_at",
                    "status",
                ],
                name="incident_org_opened",
            ),
            models.Index(
                fields=[
                    "organisation",
                    "resolved_at",
                    "channel",
                    "team",
                    "service",
                    "category",
                    "priority",
                    "business_seconds_to_resolve",
                    "resolution_target_seconds",
                    "wall_seconds_to_resolve",
                    "resolved_first_contact",
                    "reassignment_count",
                    "reopen_count",
                    "assignee",
                    "logged_by",
                    "caller",
                    "opened_at",
                    "status",
                ],
                name="incident_org_resolved",
            ),
            # The backlog at a period's end: the few unresolved calls, without walking the
            # organisation's whole history (resolved calls are read by incident_org_resolved).
            models.Index(
                fields=["organisation", "opened_at", "status", "team"],
                condition=models.Q(resolved_at__isnull=True),
                name="incident_org_unresolved",
            ),
            # Major incidents and availability of a period read only the major incidents.
            models.Index(
                fields=["organisation", "opened_at"],
                condition=models.Q(is_major=True),
                name="incident_org_major",
            ),
            # Filtering a queue by category or service reads only that one's open calls; the
            # plain foreign-key indexes would walk its whole history.
            models.Index(fields=["category", "status"], name="incident_category_queue"),
            # The few open major incidents (portal banner, "part of major incident" choices).
            models.Index(
                fields=["status"], condition=models.Q(is_major=True), name="incident_open_major"
            ),
            models.Index(fields=["service", "status"], name="incident_service_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.short_description}"

    @property
    def reference(self) -> str:
        """The call's reference, e.g. INC0001234."""
        return f"{REFERENCE_PREFIX}{self.pk:07d}" if self.pk else f"{REFERENCE_PREFIX}-new"

    def get_absolute_url(self) -> str:
        """The call page (the desk's page for agents, the portal's for callers)."""
        return reverse("servicedesk:incident_detail", args=[self.pk])

    def get_portal_url(self) -> str:
        """The caller's view of the call."""
        return reverse("servicedesk:portal_incident", args=[self.pk])

    @property
    def status_colour(self) -> str:
        """Badge colour of the state."""
        return IncidentStatus(self.status).colour

    @property
    def priority_colour(self) -> str:
        """Badge colour of the priority."""
        return Priority(self.priority).colour

    @property
    def is_open(self) -> bool:
        """Someone still has work to do on it."""
        return self.status in OPEN_STATUSES

    def clean(self) -> None:
        """An outage cannot end before it starts, nor end without having started."""
        super().clean()
        if self.outage_end is not None:
            if self.outage_start is None:
                raise ValidationError({"outage_end": OUTAGE_END_WITHOUT_START})
            if self.outage_end < self.outage_start:
                raise ValidationError({"outage_end": OUTAGE_END_BEFORE_START})

    def all_affected_services(self) -> models.QuerySet:
        """The services this major incident takes down: its own service and those listed."""
        from servicedesk.models.catalogue import Service

        return Service.objects.filter(Q(pk=self.service_id) | Q(major_incidents=self)).distinct()

    def affected_organisation_ids(self) -> set[int]:
        """The organisations told about this major incident: its own and those listed."""
        return {self.organisation_id, *self.affected_organisations.values_list("pk", flat=True)}

    @property
    def outage_is_open(self) -> bool:
        """The outage has started and not yet ended."""
        return self.outage_start is not None and self.outage_end is None

    def clocks(self, spec, at: dt.datetime) -> tuple[sla.ClockReading, sla.ClockReading]:
        """The response and resolution clocks as they read at `at`."""
        response_end = self.first_response_at or at
        response = sla.ClockReading(
            target_seconds=self.response_target_seconds,
            elapsed_seconds=sla.elapsed_seconds(spec, self.opened_at, [], response_end),
            due=self.response_due,
            paused=False,
            stopped=self.first_response_at is not None,
        )
        resolution = sla.ClockReading(
            target_seconds=self.resolution_target_seconds,
            elapsed_seconds=sla.elapsed_seconds(spec, self.opened_at, self.pauses, at),
            due=self.resolution_due,
            paused=self.status == IncidentStatus.PENDING,
            stopped=not self.is_open,
        )
        return response, resolution


class Comment(TimestampedModel):
    """A note on a call: public to the caller, or an internal work note for agents only."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    is_internal = models.BooleanField("internal work note", default=False)

    objects = ScopedManager()

    visibility_organisation_field = "incident__organisation"
    visibility_owner_fields = ("incident__caller",)

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("view_internal_comment", "Can read and write internal work notes")]
        indexes = [models.Index(fields=["incident", "created_at"], name="comment_incident")]

    def __str__(self) -> str:
        return f"Comment on {self.incident.reference}"


class MajorIncidentUpdate(models.Model):
    """One entry of a major incident's communications log, for staff or for the desk only.

    Public updates are shown to the staff of the affected organisations (portal banner) and
    emailed to the people concerned; the others are the desk's own log. Entries are never
    edited: a correction is a new entry.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="major_updates")
    author = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    message = models.TextField()
    is_public = models.BooleanField(
        "public", default=False, help_text="Shown to the staff of the affected organisations."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    visibility_organisation_field = "incident__organisation"

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["incident", "-created_at"], name="major_update_incident"),
        ]

    def __str__(self) -> str:
        return f"Update on {self.incident.reference}"


# Size and type limits of uploads: common office documents, images and logs only.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ALLOWED_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".txt": "text/plain",
    ".log": "text/plain",
    ".csv": "text/csv",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".eml": "message/rfc822",
}


def attachment_path(instance, filename: str) -> str:
    """A random stored name: the uploader's file name never reaches the file system."""
    suffix = PurePath(filename).suffix.lower()
    return f"servicedesk/attachments/{uuid.uuid4().hex}{suffix}"


class Attachment(TimestampedModel):
    """A file attached to a call, served only to people who may see the call."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    is_internal = models.BooleanField(
        default=False, help_text="Attached to an internal work note: never shown to the caller."
    )

    objects = ScopedManager()

    visibility_organisation_field = "incident__organisation"
    visibility_owner_fields = ("incident__caller",)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        """The download address (checked against who may see the call)."""
        return reverse("servicedesk:attachment", args=[self.pk])


class SurveyResponse(TimestampedModel):
    """The caller's rating (1–5) of how their resolved call was handled."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="survey")
    respondent = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)

    objects = ScopedManager()

    visibility_organisation_field = "incident__organisation"
    visibility_owner_fields = ("incident__caller",)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Customer satisfaction reads the answers given in a period.
            models.Index(fields=["created_at"], name="survey_response_created"),
        ]

    def __str__(self) -> str:
        return f"{self.incident.reference}: {self.score}/5"
