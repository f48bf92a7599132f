"""Actions of approvers: decide a step (in person or as a delegate), and set who approves."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.actions.base import require_permission, save_audited
from core.audit import record_audit
from core.exceptions import ActionError, ActionForbidden, InvalidInput, StaleRecord
from core.models import Organisation, User
from servicerequests import approval_rules
from servicerequests.actions.common import (
    activate_next_step,
    lock_request,
    save_fields,
    start_fulfilment,
    system_edge,
    tell_requester_approved,
    tell_requester_rejected,
)
from servicerequests.choices import ApprovalState, Decision, DecisionRule, RequestStatus
from servicerequests.models import (
    Approval,
    ApprovalDelegation,
    ApprovalPolicy,
    ApprovalVote,
    LineManager,
)
from servicerequests.realtime import announce_request


@transaction.atomic
def do_decide_approval(
    approval_id: int,
    *,
    actor,
    decision: str,
    reason: str = "",
    on_behalf_of: User | None = None,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Approval:
    """Approve or reject the current step of a request, as an approver or their delegate.

    One vote per approver (a delegate's vote counts as the approver's, recorded "on behalf
    of" them). Any one member: the vote decides the step. Majority: the step is decided once
    a majority approves, or can no longer approve. A decided step moves the request: to the
    next step (its approvers are emailed), to approved and fulfilment (the requester is
    emailed), or to rejected with the reason shown to the requester.

    Refusals: the requester deciding their own request; someone who is neither approver nor
    delegate in force; a step already decided by someone else (StaleRecord), or, for an
    any-one step, changed since the page was loaded (`expected_version`); a step not yet
    current; a rejection without a reason.
    """
    at = at or timezone.now()
    if decision not in Decision.values:
        raise InvalidInput("Choose approve or reject.", field="decision")
    reason = reason.strip()
    if decision == Decision.REJECT and not reason:
        raise InvalidInput(
            "Say why you reject it: the requester is shown your reason.", field="reason"
        )
    request_id = (
        Approval.objects.filter(pk=approval_id).values_list("request_id", flat=True).first()
    )
    if request_id is None:
        raise ActionForbidden("That approval does not exist or is not yours to decide.")
    # The request first, as every request action does: two deciders queue up here.
    service_request = lock_request(request_id)
    approval = Approval.objects.select_for_update().get(pk=approval_id)
    approval.request = service_request
    member = approval_rules.acting_for(approval, actor, at, on_behalf_of)
    if approval.state != ApprovalState.PENDING:
        who = f" by {approval.decided_by}" if approval.decided_by else ""
        raise StaleRecord(
            f"This approval was already {approval.get_state_display().lower()}{who} while you "
            "were looking at it: nothing more is needed from you."
        )
    if service_request.status != RequestStatus.AWAITING_APPROVAL or not approval.is_current:
        raise ActionError("This step does not await a decision now: earlier steps come first.")
    if (
        expected_version is not None
        and approval.decision_rule == DecisionRule.ANY_ONE
        and approval.version != expected_version
    ):
        raise StaleRecord(
            "This approval was changed by someone else while you were looking at it. Reload "
            "the page to see what happened."
        )
    if approval.votes.filter(member=member).exists():
        who = "You have" if member.pk == actor.pk else f"{member} has"
        raise ActionError(f"{who} already voted on this step: each vote counts once.")
    try:
        with transaction.atomic():
            ApprovalVote.objects.create(
                approval=approval,
                member=member,
                cast_by=actor,
                decision=decision,
                reason=reason,
                cast_at=at,
            )
    except IntegrityError as exc:  # the unique vote per member, should a race get this far
        raise StaleRecord(f"{member}'s vote on this step was already counted.") from exc

    on_behalf = f"on behalf of {member}" if member.pk != actor.pk else ""
    outcome = approval_rules.tally(approval)
    if outcome == ApprovalState.PENDING:
        save_fields(approval, [])
        record_audit(
            actor=actor,
            verb="approval.voted",
            obj=approval,
            organisation=service_request.organisation,
            after={"member": str(member), "decision": decision, "reason": reason},
            note=on_behalf,
        )
        announce_request(service_request, "approval.voted")
        return approval

    approval.state = outcome
    approval.decided_by = actor
    approval.on_behalf_of = member if member.pk != actor.pk else None
    approval.decided_at = at
    approval.reason = reason
    save_fields(approval, ["state", "decided_by", "on_behalf_of", "decided_at", "reason"])
    record_audit(
        actor=actor,
        verb=f"approval.{outcome}",
        obj=approval,
        organisation=service_request.organisation,
        before={"state": ApprovalState.PENDING},
        after={"state": outcome, "decided_by": str(actor), "reason": reason},
        note=on_behalf,
    )
    spec = service_request.calendar_spec()
    if outcome == ApprovalState.REJECTED:
        rejection = reason or "; ".join(
            approval.votes.filter(decision=Decision.REJECT).values_list("reason", flat=True)
        )
        system_edge(
            service_request,
            "reject",
            verb="servicerequest.rejected",
            cause=actor,
            reason=rejection,
            at=at,
        )
        for later in service_request.approvals.filter(state=ApprovalState.PENDING):
            later.state = ApprovalState.SUPERSEDED
            save_fields(later, ["state"])
            record_audit(
                actor=actor,
                verb="approval.superseded",
                obj=later,
                organisation=service_request.organisation,
                before={"state": ApprovalState.PENDING},
                after={"state": ApprovalState.SUPERSEDED},
                note="an earlier step rejected the request",
            )
        tell_requester_rejected(service_request, approval)
    elif activate_next_step(service_request, at) is None:
        system_edge(
            service_request,
            "approve",
            verb="servicerequest.approved",
            cause=actor,
            at=at,
            spec=spec,
        )
        start_fulfilment(service_request, at, actor)
        tell_requester_approved(service_request)
    announce_request(service_request, f"approval.{outcome}")
    return approval


def do_approve(approval_id: int, *, actor, reason: str = "", **kwargs) -> Approval:
    """Approve the current step (see do_decide_approval)."""
    return do_decide_approval(
        approval_id, actor=actor, decision=Decision.APPROVE, reason=reason, **kwargs
    )


def do_reject(approval_id: int, *, actor, reason: str, **kwargs) -> Approval:
    """Reject the current step with a reason shown to the requester (see do_decide_approval)."""
    return do_decide_approval(
        approval_id, actor=actor, decision=Decision.REJECT, reason=reason, **kwargs
    )


# --- who approves -----------------------------------------------------------------------
@transaction.atomic
def do_set_approval_policy(
    organisation: Organisation,
    *,
    actor,
    ict_managers=(),
    board_members=(),
    board_threshold=None,
    board_decision: str = DecisionRule.MAJORITY,
    board_name: str = "ICT executive board",
) -> ApprovalPolicy:
    """Create or change an organisation's approval policy (ICT managers, board, threshold)."""
    require_permission(
        actor, "servicerequests.manage_approvals", "You may not set approval policies."
    )
    if board_decision not in DecisionRule.values:
        raise InvalidInput("Choose how the board decides.", field="board_decision")
    policy = ApprovalPolicy.objects.select_for_update().filter(organisation=organisation).first()
    creating = policy is None
    if creating:
        policy = ApprovalPolicy(organisation=organisation)
    changes = {"board_decision": board_decision, "board_name": board_name}
    if board_threshold is not None:
        changes["board_threshold"] = board_threshold
    if creating:
        for field, value in changes.items():
            setattr(policy, field, value)
        save_audited(
            policy, actor=actor, verb="approval_policy.created", changes=changes, creating=True
        )
        policy.ict_managers.set(list(ict_managers))
        policy.board_members.set(list(board_members))
        return policy
    save_audited(
        policy,
        actor=actor,
        verb="approval_policy.changed",
        changes=changes,
        many_to_many={"ict_managers": ict_managers, "board_members": board_members},
    )
    return policy


@transaction.atomic
def do_set_line_manager(person: User, *, actor, manager: User | None) -> LineManager | None:
    """Record (or, with None, remove) a person's line manager, who approves their requests."""
    require_permission(
        actor, "servicerequests.manage_approvals", "You may not record line managers."
    )
    link = LineManager.objects.select_for_update().filter(person=person).first()
    if manager is None:
        if link is not None:
            record_audit(
                actor=actor,
                verb="line_manager.removed",
                obj=link,
                organisation=person.organisation,
                before={"manager": str(link.manager)},
            )
            link.delete()
        return None
    if manager.pk == person.pk:
        raise InvalidInput("Nobody is their own line manager.", field="manager")
    if link is None:
        link = LineManager(person=person, manager=manager)
        save_audited(
            link, actor=actor, verb="line_manager.set", changes={"manager": manager}, creating=True
        )
        return link
    save_audited(link, actor=actor, verb="line_manager.changed", changes={"manager": manager})
    return link


@transaction.atomic
def do_create_delegation(
    *,
    actor,
    delegator: User,
    delegate: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str = "",
) -> ApprovalDelegation:
    """Let `delegate` decide for `delegator` from `starts_at` to `ends_at` (while they are away).

    An approver sets up their own; someone who manages approvals may set one up for them.
    """
    if delegator.pk != actor.pk:
        require_permission(
            actor,
            "servicerequests.manage_approvals",
            "You may only delegate your own approvals.",
        )
    elif not actor.has_perm("servicerequests.add_approvaldelegation"):
        raise ActionForbidden("You may not delegate approvals.")
    if delegate.pk == delegator.pk:
        raise InvalidInput("Choose someone else to stand in for you.", field="delegate")
    if not delegate.is_active:
        raise InvalidInput(f"{delegate} can no longer sign in.", field="delegate")
    if ends_at <= starts_at:
        raise InvalidInput("The delegation must end after it starts.", field="ends_at")
    delegation = ApprovalDelegation(
        delegator=delegator,
        delegate=delegate,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason.strip(),
        created_by=actor,
    )
    delegation.save()
    record_audit(
        actor=actor,
        verb="delegation.created",
        obj=delegation,
        organisation=delegator.organisation,
        after={
            "delegator": str(delegator),
            "delegate": str(delegate),
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
        },
    )
    return delegation


@transaction.atomic
def do_end_delegation(delegation_id: int, *, actor, at: dt.datetime | None = None):
    """End a delegation now (the approver is back early); its delegator or a manager may."""
    at = at or timezone.now()
    delegation = ApprovalDelegation.objects.select_for_update().filter(pk=delegation_id).first()
    if delegation is None or (
        actor.pk != delegation.delegator_id
        and not actor.has_perm("servicerequests.manage_approvals")
    ):
        raise ActionForbidden("That delegation does not exist or is not yours to end.")
    if delegation.ends_at <= at:
        raise ActionError("That delegation has already ended.")
    old = delegation.ends_at
    delegation.ends_at = max(at, delegation.starts_at + dt.timedelta(seconds=1))
    delegation.save(update_fields=["ends_at", "updated_at"])
    record_audit(
        actor=actor,
        verb="delegation.ended",
        obj=delegation,
        organisation=delegation.delegator.organisation,
        before={"ends_at": old.isoformat()},
        after={"ends_at": delegation.ends_at.isoformat()},
    )
    return delegation
