"""Software products, their installations, licences and contracts."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from core.models.base import ScopedManager, TimestampedModel, VersionedModel


class SoftwareProduct(TimestampedModel):
    """A piece of software as licensed: vendor and name (versions are per installation)."""

    vendor = models.CharField(max_length=150, blank=True)
    name = models.CharField(max_length=255)
    end_of_support = models.DateField(null=True, blank=True)
    match_patterns = models.TextField(
        blank=True,
        help_text=(
            "Other names this product is installed under, one per line; * and ? are "
            "wildcards. Compared after normalising (lower case, versions, architecture and "
            "language tags removed), e.g. 'microsoft office professional plus*'."
        ),
    )

    # A shared catalogue, not scoped: what a council has is in its installations and licences.

    class Meta:
        ordering = ["name", "vendor"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "name"], name="software_unique_product")
        ]

    def __str__(self) -> str:
        return f"{self.vendor} {self.name}".strip()

    def get_absolute_url(self) -> str:
        """Where its match rules are edited."""
        return reverse("assets:product_edit", args=[self.pk])

    def pattern_list(self) -> list[str]:
        """The match patterns, one per non-blank line."""
        return [line.strip() for line in self.match_patterns.splitlines() if line.strip()]


class InstallationSource(models.TextChoices):
    """Where an installation record came from."""

    DISCOVERY = "discovery", "Discovery"
    MANUAL = "manual", "By hand"


class SoftwareInstallation(TimestampedModel):
    """One product installed on one asset."""

    asset = models.ForeignKey("assets.Asset", on_delete=models.CASCADE, related_name="software")
    product = models.ForeignKey(
        SoftwareProduct, on_delete=models.PROTECT, related_name="installations"
    )
    version = models.CharField(max_length=100, blank=True)
    installed_on = models.DateField(null=True, blank=True)
    source = models.CharField(
        max_length=10, choices=InstallationSource.choices, default=InstallationSource.MANUAL
    )

    objects = ScopedManager()

    visibility_organisation_field = "asset__organisation"

    class Meta:
        ordering = ["product__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["asset", "product", "version"], name="installation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.version} on {self.asset}".replace("  ", " ")


class ContractKind(models.TextChoices):
    """What a contract pays for."""

    SUPPORT = "support", "Support"
    MAINTENANCE = "maintenance", "Maintenance"
    LEASE = "lease", "Lease"
    LICENCE = "licence", "Licence"


class Contract(VersionedModel, TimestampedModel):
    """A supplier contract covering assets and licences."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="contracts"
    )
    reference = models.CharField(max_length=60)
    supplier = models.CharField(max_length=150)
    kind = models.CharField(max_length=12, choices=ContractKind.choices)
    start = models.DateField()
    end = models.DateField()
    notice_days = models.PositiveIntegerField("notice period (days)", default=90)
    value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    assets = models.ManyToManyField("assets.Asset", blank=True, related_name="contracts")

    objects = ScopedManager()

    visibility_organisation_field = "organisation"

    class Meta:
        ordering = ["end", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="contract_unique_reference"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.supplier})"

    def get_absolute_url(self) -> str:
        """The contract's page."""
        return reverse("assets:contract_detail", args=[self.pk])


class LicenceKind(models.TextChoices):
    """How a licence counts."""

    PER_DEVICE = "per_device", "Per device"
    PER_USER = "per_user", "Per user"
    SITE = "site", "Site"
    SUBSCRIPTION = "subscription", "Subscription"


class Licence(VersionedModel, TimestampedModel):
    """Entitlements to install a product, bought by an organisation."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="licences"
    )
    product = models.ForeignKey(SoftwareProduct, on_delete=models.PROTECT, related_name="licences")
    reference = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=12, choices=LicenceKind.choices)
    entitlements = models.PositiveIntegerField()
    cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.SET_NULL, related_name="licences"
    )
    expires = models.DateField(null=True, blank=True)

    objects = ScopedManager()

    visibility_organisation_field = "organisation"

    class Meta:
        ordering = ["product__name", "expires"]

    def __str__(self) -> str:
        return f"{self.product} × {self.entitlements}"

    def get_absolute_url(self) -> str:
        """The licence list filtered to this product (licences have no page of their own)."""
        return reverse("assets:licence_list") + f"?product={self.product_id}"
