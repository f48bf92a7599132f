"""The service catalogue: services, their standards, categories and the priority matrix."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from core.models.base import TimestampedModel, VersionedModel
from servicedesk.choices import Audience, Level, Priority

# Used when the PriorityRule table has no row for a pair (impact, urgency) -> priority.
DEFAULT_MATRIX = {
    (1, 1): 1,
    (1, 2): 2,
    (1, 3): 3,
    (2, 1): 2,
    (2, 2): 3,
    (2, 3): 4,
    (3, 1): 3,
    (3, 2): 4,
    (3, 3): 4,
}

# Business-time targets in minutes (response, resolution) when a service has no standard.
DEFAULT_TARGETS = {1: (15, 4 * 60), 2: (30, 8 * 60), 3: (60, 3 * 10 * 60), 4: (4 * 60, 5 * 10 * 60)}


class Service(VersionedModel, TimestampedModel):
    """A catalogue entry: what the desk supports, who owns it and which hours it keeps."""

    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    owner_team = models.ForeignKey(
        "core.Team", on_delete=models.PROTECT, related_name="services_owned"
    )
    calendar = models.ForeignKey(
        "core.BusinessCalendar",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
        help_text="Hours the SLA clocks count in; the caller's organisation's calendar if empty.",
    )
    availability_target = models.DecimalField(max_digits=5, decimal_places=2, default=99)
    is_active = models.BooleanField(default=True)

    # The catalogue is public to everyone the desk serves: a plain manager, no scoping.
    objects = models.Manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The service's page in the catalogue administration."""
        return reverse("servicedesk:service_edit", args=[self.pk])


class ServiceStandard(VersionedModel):
    """Response and resolution targets (business minutes) for one priority and audience."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="standards")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    audience = models.CharField(
        max_length=10, choices=Audience.choices, blank=True, default=Audience.EVERYONE
    )
    response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()

    class Meta:
        ordering = ["service", "priority", "audience"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "priority", "audience"],
                name="standard_unique_per_audience",
                violation_error_message=(
                    "This service already has a standard for that priority and audience: "
                    "edit that one instead."
                ),
            )
        ]

    def __str__(self) -> str:
        audience = f" ({self.get_audience_display()})" if self.audience else ""
        return f"{self.service} {self.get_priority_display()}{audience}"

    def get_absolute_url(self) -> str:
        """The standard's page in the catalogue administration."""
        return reverse("servicedesk:standard_edit", args=[self.pk])


class Category(VersionedModel):
    """A node of the category tree callers and agents classify calls with."""

    name = models.CharField(max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="categories"
    )
    is_active = models.BooleanField(default=True)

    objects = models.Manager()

    class Meta:
        ordering = ["parent__name", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="category_unique_in_parent",
                violation_error_message="There is already a category of that name in that place.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def get_absolute_url(self) -> str:
        """The category's page in the catalogue administration."""
        return reverse("servicedesk:category_edit", args=[self.pk])


class PriorityRule(models.Model):
    """One cell of the configurable priority matrix: impact × urgency gives a priority."""

    impact = models.PositiveSmallIntegerField(choices=Level.choices)
    urgency = models.PositiveSmallIntegerField(choices=Level.choices)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)

    class Meta:
        ordering = ["impact", "urgency"]
        constraints = [
            models.UniqueConstraint(fields=["impact", "urgency"], name="priority_rule_unique")
        ]

    def __str__(self) -> str:
        return f"impact {self.impact} × urgency {self.urgency} → P{self.priority}"


def priority_for(impact: int, urgency: int) -> int:
    """The priority the matrix gives to impact × urgency (the built-in default when unset)."""
    rule = PriorityRule.objects.filter(impact=impact, urgency=urgency).first()
    return rule.priority if rule else DEFAULT_MATRIX[(int(impact), int(urgency))]
