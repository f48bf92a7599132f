"""Problems: the unknown (then known) cause behind one or more incidents."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from core.models.base import ScopedManager, TimestampedModel, VersionedModel
from knowledge.choices import OPEN_PROBLEM_STATUSES, ProblemStatus
from knowledge.workflows import ProblemWorkflow

REFERENCE_PREFIX = "PRB"


def parse_problem_reference(text: str) -> int | None:
    """The primary key named by a reference such as PRB0001234 (or plain digits), else None."""
    text = text.strip().upper()
    if text.startswith(REFERENCE_PREFIX):
        text = text[len(REFERENCE_PREFIX) :]
    return int(text) if text.isdigit() else None


class Problem(ProblemWorkflow, VersionedModel, TimestampedModel):
    """The cause of one or more incidents: its investigation, workaround and permanent fix.

    The reference (PRB0001234) comes from the primary key, like an incident's. A known
    error's workaround is published as a knowledge article (`workaround_article`) that the
    problem actions keep in step with `workaround`.
    """

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="problems"
    )
    summary = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="The symptoms callers report.")
    services = models.ManyToManyField(
        "servicedesk.Service", blank=True, related_name="problems", verbose_name="services affected"
    )
    assets = models.ManyToManyField(
        "assets.Asset", blank=True, related_name="problems", verbose_name="assets affected"
    )
    incidents = models.ManyToManyField("servicedesk.Incident", blank=True, related_name="problems")
    root_cause = models.TextField(blank=True)
    workaround = models.TextField(
        blank=True, help_text="What callers or agents can do until the fix is in place."
    )
    permanent_fix = models.TextField(blank=True)
    fix_change = models.ForeignKey(
        "changes.Change",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems_fixed",
        verbose_name="change that delivers the fix",
    )
    owner = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems_owned",
        verbose_name="problem owner",
    )
    team = models.ForeignKey(
        "core.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="problems"
    )
    workaround_article = models.OneToOneField(
        "knowledge.KnowledgeArticle",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="source_problem",
    )
    investigation_started_at = models.DateTimeField(null=True, blank=True)
    known_error_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    visibility_organisation_field = "organisation"

    class Meta:
        ordering = ["-id"]
        permissions = [
            ("manage_problem", "Can investigate, record known errors, resolve and close problems"),
        ]
        indexes = [models.Index(fields=["organisation", "status", "-id"], name="problem_queue")]

    def __str__(self) -> str:
        return f"{self.reference} {self.summary}"

    @property
    def reference(self) -> str:
        """The problem's reference, e.g. PRB0001234."""
        return f"{REFERENCE_PREFIX}{self.pk:07d}" if self.pk else f"{REFERENCE_PREFIX}-new"

    def get_absolute_url(self) -> str:
        """The problem page."""
        return reverse("knowledge:problem_detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        """Badge colour of the state."""
        return ProblemStatus(self.status).colour

    @property
    def is_open(self) -> bool:
        """The cause or the fix is still being worked on."""
        return self.status in OPEN_PROBLEM_STATUSES
