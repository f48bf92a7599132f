"""Who approves what: organisation policies, line managers, delegations, steps and votes."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from core.models.base import ScopedManager, TimestampedModel, VersionedModel
from servicerequests.choices import ApprovalState, ApprovalStep, Decision, DecisionRule

DEFAULT_BOARD_THRESHOLD = Decimal("25000")


class ApprovalPolicy(VersionedModel, TimestampedModel):
    """An organisation's approval rules: its ICT managers, its ICT executive board and threshold.

    ICT purchases need one of the ICT managers; requests whose total is above the board
    threshold also need the board, decided by any one member or by a majority of them.
    """

    organisation = models.OneToOneField(
        "core.Organisation", on_delete=models.CASCADE, related_name="approval_policy"
    )
    ict_managers = models.ManyToManyField(
        "core.User",
        related_name="ict_manager_of",
        blank=True,
        help_text="Any one of them approves an ICT purchase.",
    )
    board_name = models.CharField(max_length=100, default="ICT executive board")
    board_members = models.ManyToManyField("core.User", related_name="ict_board_of", blank=True)
    board_threshold = models.DecimalField(
        "board threshold (£)",
        max_digits=12,
        decimal_places=2,
        default=DEFAULT_BOARD_THRESHOLD,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Requests whose total is above this also need the board.",
    )
    board_decision = models.CharField(
        max_length=10, choices=DecisionRule.choices, default=DecisionRule.MAJORITY
    )

    objects = ScopedManager()

    visibility_organisation_field = "organisation"

    class Meta:
        verbose_name_plural = "approval policies"
        permissions = [("manage_approvals", "Can set approval policies and line managers")]

    def __str__(self) -> str:
        return f"Approval policy of {self.organisation}"


class LineManager(TimestampedModel):
    """Who a person's line manager is (core.User has no such field), for line-manager approval."""

    person = models.OneToOneField(
        "core.User", on_delete=models.CASCADE, related_name="line_manager_link"
    )
    manager = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="reports")

    objects = ScopedManager()

    visibility_organisation_field = "person__organisation"
    visibility_owner_fields = ("person", "manager")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(person=F("manager")), name="line_manager_not_self")
        ]

    def __str__(self) -> str:
        return f"{self.manager} manages {self.person}"


class ApprovalDelegation(TimestampedModel):
    """While `delegator` is away (from `starts_at` to `ends_at`), `delegate` decides for them.

    The delegate's decisions are recorded as made on behalf of the delegator.
    """

    delegator = models.ForeignKey(
        "core.User", on_delete=models.CASCADE, related_name="delegations_given"
    )
    delegate = models.ForeignKey(
        "core.User", on_delete=models.CASCADE, related_name="delegations_held"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()

    visibility_organisation_field = "delegator__organisation"
    visibility_owner_fields = ("delegator", "delegate")

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(delegator=F("delegate")), name="delegation_not_to_self"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="delegation_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["delegate", "ends_at"], name="delegation_delegate")]

    def __str__(self) -> str:
        return f"{self.delegate} for {self.delegator}"


class Approval(VersionedModel, TimestampedModel):
    """One step of a request's approval (line manager, ICT manager or board), decided in order.

    `approvers` are the people who may decide it (the delegates of those away may decide for
    them); `decision_rule` says whether one of them decides or a majority must agree. A step
    is current while pending with `activated_at` set; later steps wait with no activation. A
    change of cost supersedes every step and routes the request afresh.
    """

    request = models.ForeignKey(
        "servicerequests.ServiceRequest", on_delete=models.CASCADE, related_name="approvals"
    )
    sequence = models.PositiveSmallIntegerField()
    step = models.CharField(max_length=20, choices=ApprovalStep.choices)
    approvers = models.ManyToManyField("core.User", related_name="approvals_assigned")
    decision_rule = models.CharField(
        max_length=10, choices=DecisionRule.choices, default=DecisionRule.ANY_ONE
    )
    state = models.CharField(
        max_length=12, choices=ApprovalState.choices, default=ApprovalState.PENDING
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    objects = ScopedManager()

    # The requester sees the steps of their own request; the service sees its organisations'.
    # Approvers reach theirs through servicerequests.queries (delegation is time-dependent).
    visibility_organisation_field = "request__organisation"
    visibility_owner_fields = ("request__requester",)

    class Meta:
        ordering = ["request", "sequence", "id"]
        indexes = [
            models.Index(fields=["state", "activated_at"], name="approval_current"),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} approval of {self.request.reference}"

    @property
    def state_colour(self) -> str:
        """Badge colour of the state."""
        return ApprovalState(self.state).colour

    @property
    def is_current(self) -> bool:
        """This step awaits a decision now."""
        return self.state == ApprovalState.PENDING and self.activated_at is not None


class ApprovalVote(models.Model):
    """One approver's decision on a step, counted once per approver (a delegate votes for them)."""

    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", help_text="Whose vote it is."
    )
    cast_by = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who cast it: the member, or their delegate.",
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField(blank=True)
    cast_at = models.DateTimeField()

    class Meta:
        ordering = ["approval", "cast_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["approval", "member"], name="one_vote_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_decision_display()}"
