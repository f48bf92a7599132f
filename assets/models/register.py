"""Hardware assets, their network interfaces and addresses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from assets.workflows import AssetLifecycle
from core.models.base import ScopedManager, TimestampedModel, VersionedModel

# Fields that discovery may overwrite; everything else belongs to people.
DISCOVERY_OWNED_FIELDS = (
    "hostname",
    "description",
    "sys_object_id",
    "manufacturer",
    "model_name",
    "serial",
    "os_name",
    "os_version",
    "memory_kb",
    "storage_kb",
    "printer_counters",
)


class AssetCategory(models.TextChoices):
    """Kinds of hardware."""

    DESKTOP = "desktop", "Desktop"
    LAPTOP = "laptop", "Laptop"
    SERVER = "server", "Server"
    SWITCH = "switch", "Switch"
    ROUTER = "router", "Router"
    FIREWALL = "firewall", "Firewall"
    WIRELESS_AP = "wireless_ap", "Wireless AP"
    PRINTER = "printer", "Printer"
    UPS = "ups", "UPS"
    PHONE = "phone", "Phone"
    TABLET = "tablet", "Tablet"
    OTHER = "other", "Other"


class Asset(AssetLifecycle, VersionedModel, TimestampedModel):
    """One piece of hardware in the register, with its life-cycle state."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="assets"
    )
    asset_tag = models.CharField(max_length=40, blank=True)
    serial = models.CharField(max_length=100, blank=True, db_index=True)
    manufacturer = models.CharField(max_length=100, blank=True)
    model_name = models.CharField("model", max_length=150, blank=True)
    category = models.CharField(
        max_length=20, choices=AssetCategory.choices, default=AssetCategory.OTHER
    )
    hostname = models.CharField(max_length=150, blank=True, db_index=True)
    description = models.TextField(blank=True)
    sys_object_id = models.CharField("sysObjectID", max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assets",
    )
    site = models.ForeignKey(
        "core.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="assets"
    )
    location = models.CharField(max_length=150, blank=True, help_text="Room, floor or rack.")
    purchase_date = models.DateField(null=True, blank=True)
    purchase_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    supplier = models.CharField(max_length=150, blank=True)
    warranty_end = models.DateField(null=True, blank=True)
    end_of_support = models.DateField(null=True, blank=True)
    os_name = models.CharField("operating system", max_length=150, blank=True)
    os_version = models.CharField("OS version", max_length=100, blank=True)
    memory_kb = models.PositiveBigIntegerField(null=True, blank=True)
    storage_kb = models.PositiveBigIntegerField(null=True, blank=True)
    printer_counters = models.JSONField(default=dict, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    missed_runs = models.PositiveIntegerField(default=0, editable=False)
    # Set when missed_runs reaches the threshold of the range that missed it, cleared when
    # any run sees the asset again; ranges differ (a nightly sweep of laptops vs switches).
    flagged_missing = models.BooleanField("not seen by discovery", default=False, editable=False)

    objects = ScopedManager()

    visibility_organisation_field = "organisation"
    visibility_owner_fields = ("owner",)

    class Meta:
        ordering = ["asset_tag", "hostname", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["manufacturer", "serial"],
                condition=~Q(serial=""),
                name="asset_unique_serial_per_manufacturer",
            ),
            models.UniqueConstraint(
                fields=["organisation", "asset_tag"],
                condition=~Q(asset_tag=""),
                name="asset_unique_tag_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.asset_tag or self.hostname or self.serial or f"Asset {self.pk}"

    def get_absolute_url(self) -> str:
        """The asset's page."""
        return reverse("assets:asset_detail", args=[self.pk])


class NetworkInterface(TimestampedModel):
    """A network interface of an asset; its MAC identifies the asset to discovery."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="interfaces")
    name = models.CharField(max_length=100, blank=True)
    mac = models.CharField("MAC address", max_length=17, unique=True)

    objects = ScopedManager()

    visibility_organisation_field = "asset__organisation"

    class Meta:
        ordering = ["asset", "name", "mac"]

    def __str__(self) -> str:
        return f"{self.name or 'interface'} {self.mac}"


class IPAddress(TimestampedModel):
    """An address an asset answers on, unique within an organisation's networks."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="addresses")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    address = models.GenericIPAddressField()

    objects = ScopedManager()

    visibility_organisation_field = "organisation"

    class Meta:
        verbose_name = "IP address"
        verbose_name_plural = "IP addresses"
        ordering = ["address"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "address"], name="ip_unique_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.address
