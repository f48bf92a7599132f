"""Organisations served by the desk, and their departments and sites."""

from django.db import models
from django.urls import reverse

from core.models.base import ScopedManager, TimestampedModel, VersionedModel


class OrganisationKind(models.TextChoices):
    """What an organisation is to the service."""

    COUNCIL = "council", "Council"
    PARTNER = "partner", "Partner"
    SUPPLIER = "supplier", "Supplier"


class Organisation(VersionedModel, TimestampedModel):
    """A council or partner served by the desk; every person, ticket and asset belongs to one."""

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(
        max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.COUNCIL
    )
    calendar = models.ForeignKey(
        "core.BusinessCalendar",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text="Default business calendar for this organisation's service hours.",
    )
    email_domain = models.CharField(
        max_length=100, blank=True, help_text="e.g. northshire.gov.uk, used to suggest users."
    )
    is_active = models.BooleanField(default=True)

    objects = ScopedManager()

    visibility_organisation_field = "id"
    visibility_public_to_organisation = True

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The organisation's page."""
        return reverse("core:organisation_detail", args=[self.pk])


class Department(TimestampedModel):
    """A department (directorate, service area) of an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(max_length=150)

    objects = ScopedManager()

    visibility_organisation_field = "organisation"
    visibility_public_to_organisation = True

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="department_unique_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Site(TimestampedModel):
    """A building or location of an organisation, where people and assets are."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=150)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)

    objects = ScopedManager()

    visibility_organisation_field = "organisation"
    visibility_public_to_organisation = True

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="site_unique_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name
