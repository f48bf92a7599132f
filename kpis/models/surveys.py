"""Satisfaction surveys (post-resolution samples and the monthly staff survey) and who
receives the scheduled report emails."""

from __future__ import annotations

import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from core.models.base import ScopedManager, TimestampedModel


class SurveyKind(models.TextChoices):
    """Why a person was asked for their opinion."""

    POST_RESOLUTION = "post_resolution", "Sampled after a resolved call"
    MONTHLY = "monthly", "Monthly staff survey"


def new_token() -> str:
    """An unguessable token for a survey link."""
    return secrets.token_urlsafe(24)


class SurveyInvitation(TimestampedModel):
    """One person asked once to rate the service: about a resolved call, or in the monthly survey.

    The link carries a token, but answering also needs the invited person to be signed in.
    """

    kind = models.CharField(max_length=20, choices=SurveyKind.choices)
    person = models.ForeignKey(
        "core.User", on_delete=models.CASCADE, related_name="survey_invitations"
    )
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="survey_invitations"
    )
    incident = models.OneToOneField(
        "servicedesk.Incident",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_invitation",
    )
    month = models.DateField(null=True, blank=True, help_text="First day of the surveyed month.")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    visibility_organisation_field = "organisation"
    visibility_owner_fields = ("person",)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "month"],
                condition=models.Q(kind="monthly"),
                name="survey_one_monthly_per_person",
            )
        ]
        indexes = [models.Index(fields=["person", "created_at"], name="survey_person_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person}"

    def get_absolute_url(self) -> str:
        """The answer page of this invitation."""
        return reverse("kpis:survey_answer", args=[self.token])


class StaffSurveyAnswer(TimestampedModel):
    """A member of staff's answer to the monthly survey: a score of 1 to 5 and a comment."""

    invitation = models.OneToOneField(
        SurveyInvitation, on_delete=models.CASCADE, related_name="staff_answer"
    )
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="staff_survey_answers"
    )
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)

    objects = ScopedManager()

    visibility_organisation_field = "organisation"

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "created_at"], name="staff_answer_org")]

    def __str__(self) -> str:
        return f"{self.score}/5 ({self.organisation})"


class ReportSubscription(TimestampedModel):
    """A manager who receives the weekly report and/or the monthly pack by email."""

    person = models.OneToOneField(
        "core.User", on_delete=models.CASCADE, related_name="kpi_subscription"
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: every organisation the person may see.",
    )
    weekly = models.BooleanField("weekly report", default=True)
    monthly = models.BooleanField("monthly pack", default=True)

    objects = ScopedManager()

    visibility_organisation_field = None
    visibility_owner_fields = ("person",)

    class Meta:
        ordering = ["person__username"]

    def __str__(self) -> str:
        return f"Reports for {self.person}"

    def get_absolute_url(self) -> str:
        """The person's subscription page."""
        return reverse("kpis:subscription")
