"""The change calendar: maintenance windows, blackout periods and personal iCalendar feeds."""

from __future__ import annotations

import secrets

from django.db import models
from django.urls import reverse

from core.models import Weekday
from core.models.base import ScopedManager, TimestampedModel, VersionedModel


class MaintenanceWindow(VersionedModel, TimestampedModel):
    """A weekly published slot out of core hours when changes may be made.

    Applies to every change of the organisation, or only to changes on one service and/or on
    assets at one site (changes.queries.applicable_windows).
    """

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="maintenance_windows"
    )
    name = models.CharField(max_length=100)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField(help_text="00:00 means midnight at the end of the day.")
    site = models.ForeignKey("core.Site", on_delete=models.CASCADE, null=True, blank=True)
    service = models.ForeignKey(
        "servicedesk.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="maintenance_windows",
    )
    is_active = models.BooleanField(default=True)

    objects = ScopedManager()

    visibility_organisation_field = "organisation"
    visibility_public_to_organisation = True

    class Meta:
        ordering = ["organisation__name", "weekday", "starts"]

    def __str__(self) -> str:
        return f"{self.name} ({Weekday(self.weekday).label} {self.starts:%H:%M}–{self.ends:%H:%M})"

    def get_absolute_url(self) -> str:
        """The window's edit page (windows have no other page)."""
        return reverse("changes:window_edit", args=[self.pk])


class BlackoutPeriod(VersionedModel, TimestampedModel):
    """A period (an election count, year end) when only emergency changes may be made."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="blackout_periods"
    )
    name = models.CharField(max_length=150)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.TextField(blank=True)

    objects = ScopedManager()

    visibility_organisation_field = "organisation"
    visibility_public_to_organisation = True

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="blackout_ends_after_start",
                violation_error_message="The blackout must end after it starts.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The blackout's edit page."""
        return reverse("changes:blackout_edit", args=[self.pk])


def new_feed_token() -> str:
    """A fresh unguessable token for a calendar feed address."""
    return secrets.token_urlsafe(32)


class CalendarFeedToken(models.Model):
    """The secret in one person's iCalendar feed address; replacing it revokes the old address."""

    user = models.OneToOneField("core.User", on_delete=models.CASCADE, related_name="change_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Change calendar feed of {self.user}"
