"""The request catalogue: request items under services, their form fields and fulfilment plans."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from core.models.base import TimestampedModel, VersionedModel
from servicerequests.choices import ApprovalRule, FieldKind


class RequestItem(VersionedModel, TimestampedModel):
    """Something people can ask for under a service (a laptop, access to a system, a leaver).

    It says which questions the request form asks (`fields`), who approves it (`approval_rule`
    plus the purchase and cost rules of the organisation's ApprovalPolicy), which teams fulfil
    it and in which order (`steps`), what one unit costs, and which service standard sets its
    SLA targets.
    """

    service = models.ForeignKey(
        "servicedesk.Service", on_delete=models.PROTECT, related_name="request_items"
    )
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    cost = models.DecimalField(
        "unit cost (£)",
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    max_quantity = models.PositiveIntegerField(
        default=1, help_text="How many one request may ask for (1 for a single item)."
    )
    approval_rule = models.CharField(
        max_length=20, choices=ApprovalRule.choices, default=ApprovalRule.NONE
    )
    is_ict_purchase = models.BooleanField(
        "ICT purchase", default=False, help_text="Needs the ICT manager's approval."
    )
    standard = models.ForeignKey(
        "servicedesk.ServiceStandard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="request_items",
        help_text="Sets the response and fulfilment targets; the service's P4 targets if empty.",
    )
    pause_sla_while_awaiting_approval = models.BooleanField(
        default=True, help_text="The fulfilment clock does not run while approvers decide."
    )
    is_published = models.BooleanField(default=False, help_text="Shown in the portal's catalogue.")

    objects = models.Manager()

    class Meta:
        ordering = ["service__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "name"],
                name="request_item_unique_per_service",
                violation_error_message="This service already has a request item of that name.",
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="request_item_cost_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class RequestField(models.Model):
    """One question of a request item's form, defined by an administrator.

    Kinds: text, choice (from `choices`, one per line), number, date, person (limited to the
    people the requester may see), asset (limited to assets the requester may see) and cost
    (a non-negative amount in pounds added to the request's total).
    """

    item = models.ForeignKey(RequestItem, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(
        max_length=50, help_text="Name the answer is stored under (letters, digits, _)."
    )
    label = models.CharField(max_length=150)
    kind = models.CharField(max_length=10, choices=FieldKind.choices, default=FieldKind.TEXT)
    required = models.BooleanField(default=True)
    choices = models.TextField(blank=True, help_text="For a choice: one option per line.")
    help_text = models.CharField(max_length=250, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["item", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "key"],
                name="request_field_unique_key",
                violation_error_message="This item already has a question stored under that name.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.label}"

    def clean(self) -> None:
        """The quantity question is built in; a choice question needs options."""
        super().clean()
        if self.key == "quantity":
            raise ValidationError(
                {"key": "“quantity” is asked on every form: choose another name."}
            )
        if self.kind == FieldKind.CHOICE and not self.options:
            raise ValidationError({"choices": "Give at least one option, one per line."})

    @property
    def options(self) -> list[str]:
        """The options of a choice question, in order, blank lines dropped."""
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class FulfilmentStep(models.Model):
    """One task of an item's fulfilment plan: which team does what, at which stage.

    Steps of the same stage run in parallel; a stage opens when every task of the stages
    before it is finished.
    """

    item = models.ForeignKey(RequestItem, on_delete=models.CASCADE, related_name="steps")
    stage = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    team = models.ForeignKey("core.Team", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["item", "stage", "id"]

    def __str__(self) -> str:
        return f"{self.item} stage {self.stage}: {self.title}"
