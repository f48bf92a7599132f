"""KPI targets with red/amber/green thresholds, and figures entered by hand each month."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.models.base import ScopedManager, TimestampedModel, VersionedModel
from kpis.metrics.periods import PeriodKind


def kpi_choices() -> list[tuple[str, str]]:
    """The KPIs a target can be set for (every KPI of the registry)."""
    from kpis.metrics import KPIS

    return [(kpi.key, kpi.title) for kpi in KPIS]


class Rag(models.TextChoices):
    """Red, amber or green against a target; the Bootstrap colour and Excel fill come with it."""

    GREEN = "green", "On target"
    AMBER = "amber", "Near target"
    RED = "red", "Off target"
    NONE = "none", "No target or no data"

    @property
    def colour(self) -> str:
        """Bootstrap colour of this rating."""
        return {"green": "success", "amber": "warning", "red": "danger", "none": "secondary"}[
            self.value
        ]

    @property
    def fill(self) -> str:
        """Excel fill colour (RGB hex) of this rating."""
        return {"green": "C6EFCE", "amber": "FFEB9C", "red": "FFC7CE", "none": "EDEDED"}[self.value]


class KpiTarget(VersionedModel, TimestampedModel):
    """The target of one KPI for one organisation (or all) and one kind of period, with RAG bands.

    Green when the value meets the target; amber when it misses the target but meets the amber
    threshold; red otherwise. "Meets" is ≥ when higher is better, ≤ when lower is better.
    """

    kpi = models.CharField("KPI", max_length=40, choices=kpi_choices)
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="kpi_targets",
        help_text="Empty: the default for every organisation without its own target.",
    )
    period_kind = models.CharField(max_length=10, choices=PeriodKind.choices)
    target = models.DecimalField(max_digits=12, decimal_places=2)
    amber_threshold = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        help_text="Values between this and the target are amber; beyond it, red.",
    )
    higher_is_better = models.BooleanField(default=True)

    objects = ScopedManager()

    # Default targets (no organisation) are read by everyone through kpis.targets; editing
    # them needs an administrator, since visible_to hides rows of no organisation.
    visibility_organisation_field = "organisation"

    class Meta:
        ordering = ["kpi", "organisation__name", "period_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "organisation", "period_kind"],
                name="kpi_target_unique",
            ),
            models.UniqueConstraint(
                fields=["kpi", "period_kind"],
                condition=Q(organisation__isnull=True),
                name="kpi_target_default_unique",
            ),
        ]

    def __str__(self) -> str:
        who = self.organisation or "all organisations"
        return f"{self.get_kpi_display()} ({self.get_period_kind_display()}, {who})"

    def get_absolute_url(self) -> str:
        """The list of targets (targets have no page of their own)."""
        return reverse("kpis:target_list")

    def get_edit_url(self) -> str:
        """The page that edits this target."""
        return reverse("kpis:target_edit", args=[self.pk])

    def clean(self) -> None:
        """The amber band must lie on the worse side of the target."""
        if self.target is None or self.amber_threshold is None:
            return
        if self.higher_is_better and self.amber_threshold > self.target:
            raise ValidationError(
                {"amber_threshold": "When higher is better, amber cannot be above the target."}
            )
        if not self.higher_is_better and self.amber_threshold < self.target:
            raise ValidationError(
                {"amber_threshold": "When lower is better, amber cannot be below the target."}
            )

    def rag(self, value: float | None) -> Rag:
        """Red, amber or green for `value` (no rating when there is no data)."""
        if value is None:
            return Rag.NONE
        value = Decimal(str(value))
        if self.higher_is_better:
            if value >= self.target:
                return Rag.GREEN
            return Rag.AMBER if value >= self.amber_threshold else Rag.RED
        if value <= self.target:
            return Rag.GREEN
        return Rag.AMBER if value <= self.amber_threshold else Rag.RED


class ManualMeasureKind(models.TextChoices):
    """Figures that come from outside the desk, entered or imported once a month."""

    NETWORK_LOGINS = "network_logins", "Unique network logins"
    REMOTE_ACCESSES = "remote_accesses", "Unique remote accesses"
    TOKENS_IN_USE = "tokens_in_use", "Remote access tokens in use"
    OUTAGE_MINUTES = "outage_minutes", "Outage minutes not recorded as major incidents"


class ManualMeasure(VersionedModel, TimestampedModel):
    """One externally sourced monthly figure of one organisation (e.g. unique network logins)."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="manual_measures"
    )
    month = models.DateField(help_text="Any day of the month; stored as the first day.")
    kind = models.CharField(max_length=20, choices=ManualMeasureKind.choices)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.CharField(max_length=200, blank=True)

    objects = ScopedManager()

    visibility_organisation_field = "organisation"

    class Meta:
        ordering = ["-month", "organisation__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month", "kind"], name="manual_measure_unique"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="manual_measure_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.month:%b %Y} ({self.organisation}): {self.value}"

    def get_absolute_url(self) -> str:
        """The list of manual measures."""
        return reverse("kpis:measure_list")

    def get_edit_url(self) -> str:
        """The page that corrects this figure."""
        return reverse("kpis:measure_edit", args=[self.pk])

    def clean(self) -> None:
        """Months are stored as their first day, so one figure per month is enforced."""
        if self.month:
            self.month = self.month.replace(day=1)
        if self.value is not None and self.value < 0:
            raise ValidationError({"value": "A measure cannot be negative."})
