"""Service requests (REQ0001234) and the fulfilment tasks teams work to deliver them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from core.models.base import ScopedManager, TimestampedModel, VersionedModel
from servicedesk import sla
from servicedesk.choices import Priority
from servicerequests.choices import (
    OPEN_REQUEST_STATUSES,
    RequestChannel,
    RequestStatus,
    TaskStatus,
)
from servicerequests.workflows import FulfilmentTaskWorkflow, ServiceRequestWorkflow

REFERENCE_PREFIX = "REQ"


def parse_reference(text: str) -> int | None:
    """The primary key named by a reference such as REQ0001234 (or plain digits), else None."""
    text = text.strip().upper()
    if text.startswith(REFERENCE_PREFIX):
        text = text[len(REFERENCE_PREFIX) :]
    return int(text) if text.isdigit() else None


def url_or_fallback(name: str, pk: int, fallback: str) -> str:
    """The path of URL `name` for `pk`, or `fallback` while the pages do not define it yet."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return fallback


class ServiceRequest(ServiceRequestWorkflow, VersionedModel, TimestampedModel):
    """A request for something from the catalogue: who asked, what, how many, at what cost.

    The reference (REQ0001234) is derived from the primary key like an incident's, so two
    requests submitted at once never share one. The SLA fields mirror an incident's: targets
    from the item's service standard, deadlines on the service's business calendar, a pause
    while awaiting approval when the item says so, and the measured business seconds stored
    at fulfilment so KPIs aggregate calls (incidents + requests) in SQL.
    """

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="service_requests"
    )
    requester = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="service_requests"
    )
    logged_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(
        max_length=12, choices=RequestChannel.choices, default=RequestChannel.PORTAL
    )
    item = models.ForeignKey(
        "servicerequests.RequestItem", on_delete=models.PROTECT, related_name="requests"
    )
    service = models.ForeignKey(
        "servicedesk.Service",
        on_delete=models.PROTECT,
        related_name="service_requests",
        help_text="The item's service when submitted (KPIs cut calls by service).",
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.P4)
    team = models.ForeignKey(
        "core.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_requests",
        help_text="The team that owns the request (the service's owner team).",
    )
    answers = models.JSONField(default=dict, blank=True)
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    unit_cost = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    total_cost = models.DecimalField(
        "total cost (£)", max_digits=14, decimal_places=2, default=Decimal("0")
    )
    is_vip_audience = models.BooleanField(default=False)
    rejection_reason = models.TextField(blank=True)
    cancellation_reason = models.TextField(blank=True)

    # Life cycle.
    opened_at = models.DateTimeField(db_index=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    fulfilment_started_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField("fulfilled at", null=True, blank=True)
    fulfilled_by = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Whose action finished the last task (KPIs credit them as the resolver).",
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    # SLA clocks (see servicedesk.sla), as on Incident.
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
    visibility_owner_fields = ("requester",)

    class Meta:
        ordering = ["-id"]
        verbose_name = "service request"
        permissions = [
            ("work_servicerequest", "Can work service requests and their fulfilment tasks"),
            ("log_request_for_others", "Can submit service requests on someone's behalf"),
            ("manage_fulfilment", "Can work any team's fulfilment tasks"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_cost__gte=0), name="service_request_total_not_negative"
            )
        ]
        indexes = [
            models.Index(fields=["requester", "-id"], name="sreq_requester"),
            models.Index(fields=["team", "status", "organisation"], name="sreq_team_queue"),
            models.Index(fields=["organisation", "status", "-id"], name="sreq_org_queue"),
            models.Index(fields=["status", "resolution_due"], name="sreq_due"),
            models.Index(fields=["status", "sla_warn_at"], name="sreq_warn"),
            # KPIs: as the incidents' indexes, these hold every column the KPI pack groups
            # and counts by, so its scans of a period's requests never read the table.
            models.Index(
                fields=[
                    "organisation",
                    "opened_at",
                    "channel",
                    "team",
                    "service",
                    "priority",
                    "logged_by",
                    "requester",
                    "fulfilled_by",
                    "resolved_at",
                    "status",
                ],
                name="sreq_org_opened",
            ),
            models.Index(
                fields=[
                    "organisation",
                    "resolved_at",
                    "channel",
                    "team",
                    "service",
                    "priority",
                    "business_seconds_to_resolve",
                    "resolution_target_seconds",
                    "wall_seconds_to_resolve",
                    "fulfilled_by",
                    "logged_by",
                    "requester",
                    "opened_at",
                    "status",
                ],
                name="sreq_org_resolved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.item.name}"

    @property
    def reference(self) -> str:
        """The request's reference, e.g. REQ0001234."""
        return f"{REFERENCE_PREFIX}{self.pk:07d}" if self.pk else f"{REFERENCE_PREFIX}-new"

    def get_absolute_url(self) -> str:
        """The desk's page of the request (URL name `servicerequests:request_detail`)."""
        return url_or_fallback(
            "servicerequests:request_detail", self.pk, f"/desk/requests/{self.pk}/"
        )

    def get_portal_url(self) -> str:
        """The requester's page (URL name `servicerequests:portal_request`)."""
        return url_or_fallback(
            "servicerequests:portal_request", self.pk, f"/portal/requests/{self.pk}/"
        )

    @property
    def status_colour(self) -> str:
        """Badge colour of the state."""
        return RequestStatus(self.status).colour

    @property
    def is_open(self) -> bool:
        """Someone still has a decision or work to do on it."""
        return self.status in OPEN_REQUEST_STATUSES

    def clocks(self, spec, at: dt.datetime) -> tuple[sla.ClockReading, sla.ClockReading]:
        """The response and fulfilment clocks as they read at `at`."""
        response = sla.ClockReading(
            target_seconds=self.response_target_seconds,
            elapsed_seconds=sla.elapsed_seconds(
                spec, self.opened_at, [], self.first_response_at or at
            ),
            due=self.response_due,
            paused=False,
            stopped=self.first_response_at is not None,
        )
        resolution = sla.ClockReading(
            target_seconds=self.resolution_target_seconds,
            elapsed_seconds=sla.elapsed_seconds(
                spec, self.opened_at, self.pauses, self.resolved_at or self.closed_at or at
            ),
            due=self.resolution_due,
            paused=sla.is_paused(self.pauses),
            stopped=not self.is_open,
        )
        return response, resolution

    def current_approval(self):
        """The approval step awaiting a decision now, or None."""
        return (
            self.approvals.filter(state="pending", activated_at__isnull=False)
            .order_by("sequence")
            .first()
        )


class FulfilmentTask(FulfilmentTaskWorkflow, VersionedModel, TimestampedModel):
    """One piece of work a team does to fulfil a request, created from the item's plan.

    Tasks of stage 1 open when the request is approved; a later stage's tasks wait until every
    task of the stages before is finished. The request is fulfilled when all are finished.
    """

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="tasks")
    step = models.ForeignKey(
        "servicerequests.FulfilmentStep",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    stage = models.PositiveSmallIntegerField(default=1)
    team = models.ForeignKey(
        "core.Team", on_delete=models.PROTECT, related_name="fulfilment_tasks", db_index=False
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    assignee = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    # Like incidents: agents see the tasks of the organisations their teams serve; the
    # requester sees the tasks of their own request.
    visibility_organisation_field = "request__organisation"
    visibility_owner_fields = ("request__requester",)

    class Meta:
        ordering = ["request", "stage", "id"]
        verbose_name = "fulfilment task"
        indexes = [
            models.Index(fields=["team", "status", "-id"], name="ftask_team_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.request.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        """The desk's page of the task (URL name `servicerequests:task_detail`)."""
        return url_or_fallback(
            "servicerequests:task_detail", self.pk, f"/desk/requests/tasks/{self.pk}/"
        )

    @property
    def status_colour(self) -> str:
        """Badge colour of the state."""
        return TaskStatus(self.status).colour
