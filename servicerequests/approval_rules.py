"""Who must approve a request, in which order, and who may decide a step now.

The steps a request needs (see DESIGN §4 and the organisation's ApprovalPolicy):

1. its requester's line manager, when the item's approval rule says so;
2. one of the organisation's ICT managers, for any ICT purchase;
3. the ICT executive board, when the total is above the policy's threshold (£25,000 by
   default), decided by any one member or by a majority of them, as the policy says.

Steps run in that order; a rejection at any step rejects the request. A requester never
decides their own request, so they are not counted among a step's voters. An approver who is
away may have delegated: their delegate decides for them while the delegation lasts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from core.exceptions import ActionForbidden, InvalidInput
from core.models import User
from servicerequests.choices import (
    STEP_ORDER,
    ApprovalRule,
    ApprovalState,
    ApprovalStep,
    Decision,
    DecisionRule,
)
from servicerequests.models import (
    Approval,
    ApprovalDelegation,
    ApprovalPolicy,
    LineManager,
    RequestItem,
)
from servicerequests.models.approvals import DEFAULT_BOARD_THRESHOLD
from servicerequests.models.requests import url_or_fallback

# The URL name of an approval's page (created by the pages of this app).
APPROVAL_URL_NAME = "servicerequests:approval"


@dataclass(frozen=True)
class PlannedStep:
    """One approval step a request needs: who may decide it and how."""

    step: str
    approvers: list = field(default_factory=list)
    decision_rule: str = DecisionRule.ANY_ONE


def policy_for(organisation_id: int) -> ApprovalPolicy | None:
    """The organisation's approval policy, if one was set."""
    return (
        ApprovalPolicy.objects.filter(organisation_id=organisation_id)
        .prefetch_related("ict_managers", "board_members")
        .first()
    )


def line_manager_of(person: User) -> User | None:
    """The person's line manager (servicerequests.LineManager), if recorded."""
    link = LineManager.objects.filter(person=person).select_related("manager").first()
    return link.manager if link else None


def board_threshold(policy: ApprovalPolicy | None) -> Decimal:
    """The total above which the board must approve (the policy's, else £25,000)."""
    return policy.board_threshold if policy is not None else DEFAULT_BOARD_THRESHOLD


def plan_approvals(item: RequestItem, requester: User, total_cost: Decimal) -> list[PlannedStep]:
    """The approval steps a request for `item` by `requester` costing `total_cost` needs.

    Refuses (InvalidInput) when a needed approver is not configured, or when nobody but the
    requester could decide a step: better to say so at submission than to leave it stuck.
    """
    policy = policy_for(requester.organisation_id)
    steps: list[PlannedStep] = []
    if item.approval_rule == ApprovalRule.LINE_MANAGER:
        manager = line_manager_of(requester)
        if manager is None or not manager.is_active:
            raise InvalidInput(
                f"{item} needs your line manager's approval, but no line manager is recorded "
                "for you. Ask the service desk to record one.",
                field="item",
            )
        steps.append(PlannedStep(ApprovalStep.LINE_MANAGER, [manager]))
    if item.is_ict_purchase:
        managers = list(policy.ict_managers.filter(is_active=True)) if policy else []
        steps.append(PlannedStep(ApprovalStep.ICT_MANAGER, managers))
    if total_cost > board_threshold(policy):
        members = list(policy.board_members.filter(is_active=True)) if policy else []
        rule = policy.board_decision if policy else DecisionRule.MAJORITY
        steps.append(PlannedStep(ApprovalStep.BOARD, members, rule))
    for planned in steps:
        if not [person for person in planned.approvers if person.pk != requester.pk]:
            label = ApprovalStep(planned.step).label
            raise InvalidInput(
                f"This request needs the approval of the {label}, but nobody other than you is "
                f"set up as one for {requester.organisation}. Ask the service desk.",
                field="item",
            )
    return sorted(steps, key=lambda planned: STEP_ORDER[planned.step])


def active_delegators(user: User, at: dt.datetime) -> list[int]:
    """The people `user` stands in for at `at` (their delegations in force)."""
    return list(
        ApprovalDelegation.objects.filter(delegate=user, starts_at__lte=at, ends_at__gt=at)
        .values_list("delegator_id", flat=True)
        .distinct()
    )


def active_delegates(person_ids: list[int], at: dt.datetime) -> list[User]:
    """The people standing in at `at` for any of `person_ids`."""
    return list(
        User.objects.filter(
            is_active=True,
            delegations_held__delegator_id__in=person_ids,
            delegations_held__starts_at__lte=at,
            delegations_held__ends_at__gt=at,
        ).distinct()
    )


def eligible_voters(approval: Approval) -> list[int]:
    """The approvers of a step whose votes count: everyone assigned but the requester."""
    requester_id = approval.request.requester_id
    return [pk for pk in approval.approvers.values_list("pk", flat=True) if pk != requester_id]


def acting_for(approval: Approval, user: User, at: dt.datetime, on_behalf_of=None) -> User:
    """Whose vote `user` casts on `approval` at `at`: their own, or an approver's they stand in for.

    Refuses a requester deciding their own request (also as someone's delegate), and anyone
    who is neither an approver of the step nor an approver's delegate in force at `at`.
    """
    request = approval.request
    if user.pk == request.requester_id:
        raise ActionForbidden("You cannot approve or reject your own request.")
    approver_ids = set(approval.approvers.values_list("pk", flat=True))
    if on_behalf_of is None and user.pk in approver_ids:
        return user
    standing_in = set(active_delegators(user, at)) & approver_ids
    standing_in.discard(request.requester_id)
    if on_behalf_of is not None:
        if on_behalf_of.pk not in standing_in:
            raise ActionForbidden(
                f"You are not standing in for {on_behalf_of} on this approval now: a delegation "
                "only lets you decide while it lasts."
            )
        return on_behalf_of
    if not standing_in:
        if ApprovalDelegation.objects.filter(delegate=user, delegator_id__in=approver_ids).exists():
            raise ActionForbidden(
                "Your delegation for this approval is not in force now: it only lets you decide "
                "between its start and end."
            )
        raise ActionForbidden("You are not an approver of this request.")
    voted = set(approval.votes.values_list("member_id", flat=True))
    chosen = sorted(standing_in - voted) or sorted(standing_in)
    return User.objects.get(pk=chosen[0])


def tally(approval: Approval) -> str:
    """The step's outcome from its votes: approved, rejected, or still pending.

    Any one member: the first vote decides. Majority: approved once more than half of the
    eligible voters approve; rejected once a majority can no longer be reached.
    """
    votes = list(approval.votes.values_list("decision", flat=True))
    if approval.decision_rule == DecisionRule.ANY_ONE:
        if not votes:
            return ApprovalState.PENDING
        first = approval.votes.order_by("cast_at", "id").first()
        return (
            ApprovalState.APPROVED if first.decision == Decision.APPROVE else ApprovalState.REJECTED
        )
    voters = len(eligible_voters(approval))
    needed = voters // 2 + 1
    approvals = votes.count(Decision.APPROVE)
    rejections = votes.count(Decision.REJECT)
    if approvals >= needed:
        return ApprovalState.APPROVED
    if rejections > voters - needed:
        return ApprovalState.REJECTED
    return ApprovalState.PENDING


def may_decide_filter(user: User, at: dt.datetime) -> Q:
    """Q on Approval: the steps `user` may decide at `at`, as approver or as a delegate."""
    return Q(approvers=user) | Q(approvers__in=active_delegators(user, at))


def approval_path(approval: Approval) -> str:
    """The path of an approval's page (`servicerequests:approval`, /portal/approvals/<id>/)."""
    return url_or_fallback(APPROVAL_URL_NAME, approval.pk, f"/portal/approvals/{approval.pk}/")


def approval_link(approval: Approval) -> str:
    """The full address of an approval's page, for emails."""
    return f"{settings.SITE_URL}{approval_path(approval)}"


def request_link(service_request) -> str:
    """The full address of the requester's page of a request, for emails."""
    return f"{settings.SITE_URL}{service_request.get_portal_url()}"
