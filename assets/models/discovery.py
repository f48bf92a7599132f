"""Discovery configuration (ranges, credentials), runs and the staging area."""

from __future__ import annotations

import datetime as dt
import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from assets.secrets import decrypt_secret, encrypt_secret
from core.models.base import ScopedManager, TimestampedModel, VersionedModel


def validate_cidr(value: str) -> None:
    """Refuse anything that is not an IPv4/IPv6 network in CIDR notation."""
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError as exc:
        raise ValidationError(f"{value!r} is not a network such as 10.1.0.0/24.") from exc


class SnmpVersion(models.TextChoices):
    """SNMP versions discovery speaks."""

    V2C = "v2c", "v2c (community)"
    V3 = "v3", "v3 (user)"


class AuthProtocol(models.TextChoices):
    """SNMPv3 authentication protocols offered (MD5 is deliberately absent)."""

    SHA = "SHA", "SHA-1"
    SHA224 = "SHA224", "SHA-224"
    SHA256 = "SHA256", "SHA-256"
    SHA384 = "SHA384", "SHA-384"
    SHA512 = "SHA512", "SHA-512"


class PrivProtocol(models.TextChoices):
    """SNMPv3 privacy protocols offered (DES is deliberately absent)."""

    AES = "AES", "AES-128"
    AES192 = "AES192", "AES-192"
    AES256 = "AES256", "AES-256"


class SnmpCredential(VersionedModel, TimestampedModel):
    """A v2c community or v3 user; secrets are stored encrypted and never shown back."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="snmp_credentials"
    )
    name = models.CharField(max_length=100)
    # Not `version`: that name is VersionedModel's edit counter, which stale-page checks use.
    snmp_version = models.CharField(
        "SNMP version", max_length=3, choices=SnmpVersion.choices, default=SnmpVersion.V2C
    )
    community_encrypted = models.TextField(blank=True, editable=False)
    v3_user = models.CharField("v3 user", max_length=64, blank=True)
    auth_protocol = models.CharField(
        max_length=8, choices=AuthProtocol.choices, default=AuthProtocol.SHA256, blank=True
    )
    auth_key_encrypted = models.TextField(blank=True, editable=False)
    priv_protocol = models.CharField(
        max_length=8, choices=PrivProtocol.choices, default=PrivProtocol.AES, blank=True
    )
    priv_key_encrypted = models.TextField(blank=True, editable=False)

    objects = ScopedManager()

    visibility_organisation_field = "organisation"

    class Meta:
        verbose_name = "SNMP credential"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The credential list (a credential has nothing to show beyond its settings)."""
        return reverse("assets:credential_list")

    def set_secrets(self, community: str = "", auth_key: str = "", priv_key: str = "") -> None:
        """Store the given secrets encrypted; an empty value keeps the stored one."""
        if community:
            self.community_encrypted = encrypt_secret(community)
        if auth_key:
            self.auth_key_encrypted = encrypt_secret(auth_key)
        if priv_key:
            self.priv_key_encrypted = encrypt_secret(priv_key)

    def as_plain(self) -> dict:
        """The decrypted parameters, for the discovery runner only (never for display)."""
        return {
            "version": self.snmp_version,
            "community": decrypt_secret(self.community_encrypted),
            "user": self.v3_user,
            "auth_protocol": self.auth_protocol,
            "auth_key": decrypt_secret(self.auth_key_encrypted),
            "priv_protocol": self.priv_protocol,
            "priv_key": decrypt_secret(self.priv_key_encrypted),
        }


class ScheduleFrequency(models.TextChoices):
    """How often a range is swept without anyone pressing "Run now"."""

    MANUAL = "manual", "Only when started by hand"
    HOURLY = "hourly", "Every hour"
    DAILY = "daily", "Every day"
    WEEKLY = "weekly", "Every week"


class Weekday(models.IntegerChoices):
    """Days of the week, Monday first as in `datetime.weekday()`."""

    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class DiscoveryRange(VersionedModel, TimestampedModel):
    """A network to sweep, with exclusions, credentials and how hard to try."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="discovery_ranges"
    )
    site = models.ForeignKey("core.Site", null=True, blank=True, on_delete=models.SET_NULL)
    name = models.CharField(max_length=100)
    cidr = models.CharField("network (CIDR)", max_length=43, validators=[validate_cidr])
    exclusions = models.TextField(
        blank=True, help_text="Addresses or networks to skip, one per line or comma-separated."
    )
    credentials = models.ManyToManyField(SnmpCredential, related_name="ranges")
    port = models.PositiveIntegerField(default=161)
    timeout = models.FloatField("timeout (s)", default=1.0)
    retries = models.PositiveSmallIntegerField(default=1)
    concurrency = models.PositiveIntegerField(default=256)
    frequency = models.CharField(
        "schedule",
        max_length=8,
        choices=ScheduleFrequency.choices,
        default=ScheduleFrequency.MANUAL,
    )
    run_at = models.TimeField(
        "time of day",
        default=dt.time(1, 30),
        help_text="Local time; for hourly runs only the minutes count.",
    )
    weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.SUNDAY, help_text="For weekly runs."
    )
    next_run_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    auto_register = models.BooleanField(
        default=False, help_text="Register unknown devices as assets instead of staging them."
    )
    missed_runs_threshold = models.PositiveIntegerField(
        default=3, help_text="Flag assets not seen for this many runs."
    )

    objects = ScopedManager()

    visibility_organisation_field = "organisation"

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.cidr})"

    def get_absolute_url(self) -> str:
        """The range's page: settings, schedule, credentials and recent runs."""
        return reverse("assets:range_detail", args=[self.pk])

    def exclusion_networks(self) -> list[str]:
        """The exclusions as a list of CIDR strings."""
        return [part.strip() for part in self.exclusions.replace(",", "\n").split() if part.strip()]


class RunStatus(models.TextChoices):
    """States of a discovery run."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


class DiscoveryRun(TimestampedModel):
    """One sweep of a range: what was probed, what answered, what changed."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="discovery_runs"
    )
    range = models.ForeignKey(
        DiscoveryRange, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    cidr = models.CharField(max_length=43)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    probed = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    malformed = models.PositiveIntegerField(default=0)
    mac_conflicts = models.PositiveIntegerField(
        "MAC conflicts",
        default=0,
        help_text="MACs a device reported that another asset already holds (left as they were).",
    )
    flagged_missing = models.PositiveIntegerField(
        default=0, help_text="Assets this run newly flagged as not seen."
    )
    duration = models.FloatField(null=True, blank=True)
    problems = models.JSONField(default=list, blank=True)

    objects = ScopedManager()

    visibility_organisation_field = "organisation"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Discovery of {self.cidr} #{self.pk}"

    def get_absolute_url(self) -> str:
        """The run's page with its live progress."""
        return reverse("assets:run_detail", args=[self.pk])


class StagingStatus(models.TextChoices):
    """What an asset manager decided about a discovered device."""

    PENDING = "pending", "Waiting for a decision"
    CONFIRMED = "confirmed", "Registered as a new asset"
    MERGED = "merged", "Merged into an asset"
    IGNORED = "ignored", "Ignored"


class DiscoveredDevice(TimestampedModel):
    """A device discovery found that matches no asset yet, waiting for an asset manager."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="discovered_devices"
    )
    identity = models.CharField(max_length=255, help_text="serial, MAC or name@address")
    address = models.GenericIPAddressField()
    sys_name = models.CharField(max_length=255, blank=True)
    sys_descr = models.TextField(blank=True)
    vendor = models.CharField(max_length=100, blank=True)
    model_name = models.CharField("model", max_length=150, blank=True)
    serial = models.CharField(max_length=100, blank=True)
    macs = models.JSONField(default=list, blank=True)
    data = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=StagingStatus.choices, default=StagingStatus.PENDING
    )
    asset = models.ForeignKey(
        "assets.Asset", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_run = models.ForeignKey(
        DiscoveryRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_seen = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    visibility_organisation_field = "organisation"

    class Meta:
        ordering = ["status", "address"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "identity"], name="discovered_unique_identity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sys_name or self.address} ({self.vendor or 'unknown vendor'})"

    def get_absolute_url(self) -> str:
        """The staging list."""
        return reverse("assets:staging_list")
