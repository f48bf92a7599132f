"""Requests for change, their templates, ECAB approvals and post-implementation reviews."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from changes.choices import ChangeStatus, ChangeType, ReviewOutcome, RiskLevel
from changes.workflows import ChangeWorkflow
from core.models.base import ScopedManager, TimestampedModel, VersionedModel

REFERENCE_PREFIX = "CHG"


class ChangeTemplate(VersionedModel, TimestampedModel):
    """A pre-approved standard change: raising one from it skips the CAB."""

    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=80, blank=True)
    implementation_plan = models.TextField(blank=True)
    backout_plan = models.TextField(blank=True)
    test_plan = models.TextField(blank=True)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, default=RiskLevel.LOW)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The template's edit page."""
        return reverse("changes:template_edit", args=[self.pk])


class Change(ChangeWorkflow, VersionedModel, TimestampedModel):
    """A request for change: what, why, risk, plans, window and outcome."""

    reference = models.CharField(max_length=20, unique=True, null=True, blank=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField()
    reason = models.TextField(help_text="Why the change is needed.")
    change_type = models.CharField(
        "type", max_length=10, choices=ChangeType.choices, default=ChangeType.NORMAL
    )
    category = models.CharField(max_length=80, blank=True)
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="changes"
    )
    requester = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="changes_requested"
    )
    owner = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes_owned",
        verbose_name="change owner",
    )
    implementer_team = models.ForeignKey(
        "core.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )
    # Collisions are found on these: two changes on the same service or asset in overlapping
    # windows (changes.queries.schedule_inputs).
    affected_services = models.ManyToManyField(
        "servicedesk.Service", blank=True, related_name="changes"
    )
    affected_assets = models.ManyToManyField("assets.Asset", blank=True, related_name="changes")
    template = models.ForeignKey(
        ChangeTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )
    # The questionnaire as answered: [{"key", "question", "answer"}], so a later edit of the
    # questions never rewrites what was asked.
    risk_answers = models.JSONField(default=list, blank=True)
    risk_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    implementation_plan = models.TextField(blank=True)
    backout_plan = models.TextField(blank=True)
    test_plan = models.TextField(blank=True)
    communication_plan = models.TextField(blank=True)
    planned_start = models.DateTimeField(null=True, blank=True, db_index=True)
    planned_end = models.DateTimeField(null=True, blank=True)
    actual_start = models.DateTimeField(null=True, blank=True)
    actual_end = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    out_of_window_reason = models.TextField(blank=True)
    schedule_warnings = models.TextField(blank=True)
    approval_conditions = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    visibility_organisation_field = "organisation"
    visibility_owner_fields = ("requester", "owner")

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("manage_change", "Can assess, route, schedule, review and close changes"),
            ("approve_emergency_change", "Can approve emergency changes as an ECAB member"),
        ]

    def __str__(self) -> str:
        return f"{self.reference or 'CHG (new)'} {self.title}"

    def save(self, *args, **kwargs):
        """On first save, derive the reference from the primary key: unique without a race."""
        super().save(*args, **kwargs)
        if not self.reference:
            self.reference = f"{REFERENCE_PREFIX}{self.pk:07d}"
            type(self)._default_manager.filter(pk=self.pk).update(reference=self.reference)

    def get_absolute_url(self) -> str:
        """The change's page."""
        return reverse("changes:change_detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        """Badge colour of the current state."""
        return ChangeStatus(self.status).colour

    @property
    def risk_colour(self) -> str:
        """Badge colour of the risk level."""
        return RiskLevel(self.risk_level).colour if self.risk_level else "light"

    def ecab_board(self):
        """The active CAB serving this change's organisation, whose ECAB decides emergencies."""
        from changes.models.cab import CabBoard

        return CabBoard.serving(self.organisation_id)

    def ecab_quorum_required(self) -> int | None:
        """How many ECAB approvals this emergency change needs; None when no board serves it."""
        board = self.ecab_board()
        return board.ecab_quorum if board is not None else None


class EcabApproval(models.Model):
    """One ECAB member's out-of-meeting approval of an emergency change."""

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="ecab_approvals")
    approver = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(blank=True)
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["approved_at"]
        constraints = [
            models.UniqueConstraint(fields=["change", "approver"], name="ecab_one_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.approver} approved {self.change.reference}"


class PostImplementationReview(TimestampedModel):
    """How an implemented change went: outcome, incidents it caused and lessons."""

    change = models.OneToOneField(Change, on_delete=models.CASCADE, related_name="review")
    outcome = models.CharField(max_length=12, choices=ReviewOutcome.choices)
    # Links, not text: the change success KPI counts changes whose review names an incident
    # (changes.queries.changes_that_caused_incidents).
    incidents_caused = models.ManyToManyField(
        "servicedesk.Incident", blank=True, related_name="caused_by_change_reviews"
    )
    lessons = models.TextField(blank=True)
    reviewed_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "post-implementation review"

    def __str__(self) -> str:
        return f"Review of {self.change.reference}"
